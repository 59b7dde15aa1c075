/**
 * Image stores on the model backend for the image tests: a two-host preset, its first datastore,
 * and by default a registry client that finds no registry (so pulls come from the offline catalog).
 */
import { ModelBackend } from '../../../src/backend/model/index.js';
import { clusterPreset } from '../../../src/hypervisor/index.js';
import type { PullProgressLine } from '../../../src/vch/engine/engine.js';
import { ImageStore, type ImageStoreOptions } from '../../../src/vch/images/index.js';
import { RegistryUnavailableError } from '../../../src/vch/registry/errors.js';
import type { RegistryClient } from '../../../src/vch/registry/pull.js';

/** The VCH uuid every fixture store uses. */
export const VCH_UUID = '4f0c0d2e-vch-images-test';

/** A registry client for a machine with no network: every pull fails as an unreachable registry would. */
export const unreachableRegistry: Pick<RegistryClient, 'pull'> = {
  async pull(image, request = {}) {
    if (typeof image !== 'string') request.onProgress?.({ status: `Pulling from ${image.path}`, id: image.tagOrDigest });
    throw new RegistryUnavailableError('https://registry-1.docker.io/v2/', 'dial tcp: lookup registry-1.docker.io: no such host');
  },
};

/** What {@link modelStore} makes. */
export interface ModelStore {
  readonly backend: ModelBackend;
  /** The datastore's name. */
  readonly datastore: string;
  readonly store: ImageStore;
  /** Opens another store on the same datastore (a VCH restart). */
  reopen(overrides?: Partial<ImageStoreOptions>): Promise<ImageStore>;
}

/** A model with one image store on its first datastore. */
export async function modelStore(overrides: Partial<ImageStoreOptions> = {}): Promise<ModelStore> {
  const preset = clusterPreset({ hosts: 2, host: { cpuCores: 8, cpuMhzPerCore: 2000, memoryMB: 8192 } });
  const backend = new ModelBackend(preset.model);
  const datastore = (await backend.datastores())[0]!.name;
  const options = (more: Partial<ImageStoreOptions>): ImageStoreOptions => ({ backend, datastore, vchUuid: VCH_UUID, registryClient: unreachableRegistry, clock: preset.model.clock, ...overrides, ...more });
  const store = await ImageStore.open(options({}));
  return { backend, datastore, store, reopen: (more = {}) => ImageStore.open(options(more)) };
}

/** Pulls and returns the progress lines. */
export async function pull(store: ImageStore, image: string, tag?: string): Promise<PullProgressLine[]> {
  const lines: PullProgressLine[] = [];
  await store.pullImage(image, tag, { onProgress: (line) => lines.push(line) });
  return lines;
}

/** A failure injected into a backend call in the tests. */
export class StorageFullError extends Error {
  constructor(path: string) {
    super(`no space left for ${path}`);
  }
}
