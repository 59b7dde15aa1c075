/**
 * A running local registry holding busybox as `library/busybox:latest`, with a work folder for more
 * archives and a client that trusts it as an insecure (plain HTTP) registry. Shared by the pull tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArchiveImage } from '../../../src/vch/archive/image.js';
import { RegistryClient } from '../../../src/vch/registry/pull.js';
import { startRegistry, type LocalRegistry, type RegistryAuth } from './registry-server.js';
import { buildBusyboxImage, writeArchiveFile } from './test-images.js';

/** What {@link busyboxRegistry} starts. */
export interface BusyboxRegistry {
  readonly registry: LocalRegistry;
  readonly workDir: string;
  readonly busybox: ArchiveImage;
  readonly client: RegistryClient;
  /** Stops the registry and removes the work folder. */
  stop(): Promise<void>;
}

/** Starts a registry with `auth`, builds busybox from /bin/busybox and pushes it. */
export async function busyboxRegistry(auth: RegistryAuth = 'none'): Promise<BusyboxRegistry> {
  const registry = await startRegistry(auth);
  const workDir = mkdtempSync(join(tmpdir(), 'vicsim-pull-'));
  const busybox = await buildBusyboxImage();
  await registry.push(await writeArchiveFile(workDir, 'busybox.tar', [busybox]), 'library/busybox:latest');
  const client = new RegistryClient({ insecureRegistries: [registry.host] });
  return {
    registry,
    workDir,
    busybox,
    client,
    async stop() {
      await registry.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
