/**
 * A VolumeService over a ModelBackend on clusterPreset(): two volume stores on DC0_DS0, a counting
 * clock, recorded events, and an image filesystem with content under /etc/app and /var/lib/db.
 */
import { expect } from 'vitest';
import { ModelBackend } from '../../../src/backend/model/index.js';
import { clusterPreset } from '../../../src/hypervisor/presets.js';
import { Rng } from '../../../src/sim/rng.js';
import type { EventInput } from '../../../src/vch/events.js';
import { FileTree } from '../../../src/vch/fs/file-tree.js';
import { VolumeService } from '../../../src/vch/volumes/index.js';

/** Volume stores of the fixture. */
export const STORES = { default: '[DC0_DS0] vch1', fast: '[DC0_DS0] fast' } as const;

/** A fresh world and a service opened on it. */
export interface VolumeWorld {
  readonly backend: ModelBackend;
  readonly service: VolumeService;
  readonly events: EventInput[];
  /** Opens another service on the same stores (a VCH restart). */
  reopen(): Promise<VolumeService>;
}

/** Starts at 2024-01-02T03:04:05Z; each call moves one second on. */
function steppingClock(): () => number {
  let ms = Date.UTC(2024, 0, 2, 3, 4, 5);
  return () => (ms += 1000) - 1000;
}

/** A service over a new model. */
export async function volumeWorld(opts: { readonly datastoreBytes?: number; readonly seed?: number } = {}): Promise<VolumeWorld> {
  const preset = clusterPreset({ hosts: 1, ...(opts.datastoreBytes === undefined ? {} : { datastoreBytes: opts.datastoreBytes }) });
  const backend = new ModelBackend(preset.model);
  const events: EventInput[] = [];
  const now = steppingClock();
  const open = (): Promise<VolumeService> => VolumeService.open({ backend, stores: STORES, rng: Rng.seeded(opts.seed ?? 7), now, onEvent: (e) => events.push(e) });
  return { backend, service: await open(), events, reopen: open };
}

/** An image filesystem: /etc/app/{app.conf,motd}, /var/lib/db/data.bin (2048 bytes), /bin/sh. */
export function imageFs(): FileTree {
  const fs = new FileTree({ now: () => Date.UTC(2023, 5, 1) });
  fs.mkdir('/etc/app', { recursive: true });
  fs.writeFile('/etc/app/app.conf', 'listen 80\n');
  fs.writeFile('/etc/app/motd', 'hello from the image\n', { mode: 0o600 });
  fs.mkdir('/var/lib/db', { recursive: true });
  fs.writeFile('/var/lib/db/data.bin', new Uint8Array(2048).fill(7));
  fs.mkdir('/bin');
  fs.writeFile('/bin/sh', 'busybox', { mode: 0o755 });
  return fs;
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.unreachable('the operation succeeded'),
    (error: unknown) => error as Error,
  );
}

/** Text of a datastore file. */
export async function datastoreText(backend: ModelBackend, path: string): Promise<string> {
  return new TextDecoder().decode(await backend.readDatastoreFile(path));
}
