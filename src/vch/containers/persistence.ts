/**
 * A container as a VCH saves it across a restart of `vicsim serve`, and how it is taken back: its
 * definition and state, its RW layer as a tar (whiteouts included), its volume mounts; the log is
 * read back from the VM's `output.log` on the datastore, the image's layers from the image store.
 * The guest's processes are not saved: a container that was running is started again (its VM kept
 * running in the saved model), as a VM whose guest rebooted.
 */
import { FileTree } from '../fs/file-tree.js';
import { exportTar, extractTar } from '../fs/archive.js';
import { UnionFs } from '../fs/union-fs.js';
import type { RecordedMount } from '../volumes/refs.js';
import { Container, type ContainerDefinition } from './container.js';
import { ContainerLog } from './logs.js';
import type { ContainerService } from './service.js';
import type { ContainerStatus } from './state.js';

/** A saved container (JSON). */
export interface SavedContainer {
  readonly def: ContainerDefinition;
  readonly name: string;
  readonly status: ContainerStatus;
  readonly exitCode: number;
  readonly error: string;
  readonly startedMs: number | undefined;
  readonly finishedMs: number | undefined;
  readonly restartCount: number;
  /** The RW layer as a tar, base64. */
  readonly upper: string;
  readonly mounts: readonly RecordedMount[];
}

/** The saved form of a container. O(RW layer size). */
export async function saveContainer(service: ContainerService, c: Container): Promise<SavedContainer> {
  const upper = c.fs instanceof UnionFs ? await exportTar(c.fs.upper) : new Uint8Array();
  await c.log.flush();
  return {
    def: c.def,
    name: c.name,
    status: c.status,
    exitCode: c.exitCode,
    error: c.error,
    startedMs: c.startedMs,
    finishedMs: c.finishedMs,
    restartCount: c.restartCount,
    upper: Buffer.from(upper).toString('base64'),
    mounts: service.volumes.recordedMounts(c.id),
  };
}

/**
 * Takes a saved container back into the index: image pinned, RW layer and volumes mounted, log read
 * back, networks and ports re-planned. A container that was being removed comes back dead.
 * Returns it with its saved status; the caller starts the ones that were running.
 */
export async function adoptContainer(service: ContainerService, saved: SavedContainer, now: () => number): Promise<Container> {
  const { def } = saved;
  service.index.reserveName(saved.name, def.id);
  const image = await service.images.acquire(def.imageId, def.id);
  const upper = new FileTree({ now });
  if (saved.upper !== '') await extractTar(upper, '/', Buffer.from(saved.upper, 'base64'));
  const fs = new UnionFs(image.fs.lower, upper);
  for (const m of await service.volumes.adopt(def.id, saved.mounts)) fs.mount(m.destination, m.fs);
  const writer = service.storage.writeLog(def.logPath);
  const text = await service.storage.readLog(def.logPath);
  const c = new Container(def, saved.name, fs, text === undefined ? new ContainerLog(writer) : ContainerLog.parse(text, writer));
  c.status = saved.status === 'removing' ? 'dead' : saved.status;
  c.exitCode = saved.exitCode;
  c.error = saved.error;
  c.startedMs = saved.startedMs;
  c.finishedMs = saved.finishedMs;
  c.restartCount = saved.restartCount;
  service.networks.adopt(def.id, def.request);
  service.index.add(c);
  return c;
}
