/**
 * What the container machinery needs of the rest of the VCH — its image store, networks, volumes and
 * datastore files — as narrow interfaces, so containers/ depends on shapes, not on those modules.
 */
import type { ContainerConfig, ContainerCreateRequest, EndpointSettings, MountPoint } from '../engine/docker-types.js';
import type { GuestFs } from '../fs/types.js';
import type { UnionFs } from '../fs/union-fs.js';
import type { RecordedMount } from '../volumes/refs.js';
import type { RunNetworking } from './runtime.js';

/** What containers need of the image store. */
export interface ContainerImages {
  /**
   * Holds the image for a container (rmi refuses while it does) and gives its defaults, the disk its
   * RW delta goes on and a new filesystem over its layers.
   * @throws NoSuchObjectError "No such image: ref" (the CLI then pulls).
   */
  acquire(ref: string, containerId: string): Promise<{ readonly imageId: string; readonly config: ContainerConfig; readonly topLayerPath: string; readonly fs: UnionFs }>;
  /** The container no longer uses its image. */
  release(containerId: string): Promise<void>;
}

/** What containers need of the VCH's networks. */
export interface ContainerNetworks extends RunNetworking {
  /** Checks and records the networks and ports a new container asks for (addresses come at start). All or nothing. */
  plan(id: string, name: string, req: ContainerCreateRequest): void;
  /** Forgets a container that was removed or whose create failed. */
  forget(id: string): void;
  /** Re-plans the ports of a saved container whose endpoints came back with the saved networks. */
  adopt(id: string, req: ContainerCreateRequest): void;
  /** Network name → endpoint settings, as inspect shows them. */
  settings(id: string): Record<string, EndpointSettings>;
}

/** A volume a container mounts (from the VCH's volume stores). */
export interface ContainerMount {
  readonly destination: string;
  /** Datastore path of the volume's disk, attached to the container VM. */
  readonly diskPath: string;
  readonly fs: GuestFs;
}

/** What containers need of the VCH's volumes. */
export interface ContainerVolumes {
  /** Parses and prepares the volumes a create asks for (creating missing ones); all or nothing. */
  mountsFor(containerId: string, req: ContainerCreateRequest, imageFs: GuestFs, imageVolumes: Record<string, object> | null | undefined): Promise<readonly ContainerMount[]>;
  /** The container is gone: drop its references; with `removeAnonymous` delete its unshared anonymous volumes. */
  release(containerId: string, removeAnonymous: boolean): Promise<unknown>;
  /** Mounts as inspect and ps show them. */
  mountPoints(containerId: string): MountPoint[];
  /** The container's mounts as recorded, for saving. */
  recordedMounts(containerId: string): readonly RecordedMount[];
  /** Re-records a saved container's mounts (after a restart) and gives their filesystems. */
  adopt(containerId: string, mounts: readonly RecordedMount[]): Promise<readonly ContainerMount[]>;
}

/** Names of the VCH's datastore and log files. */
export interface ContainerStorage {
  /** Datastore path of a container VM's log file, in its folder (`[ds] <id>/output.log`). */
  logPath(folder: string): string;
  /** Writes a log file. */
  writeLog(path: string): (content: Uint8Array) => Promise<void>;
  /** Reads a log file back (after a restart); undefined when there is none. */
  readLog(path: string): Promise<string | undefined>;
}
