/**
 * The Backend's storage shapes: disks given to VMs, stand-alone virtual disks and datastore
 * directory entries (vim: VirtualDiskConfigSpec, VirtualDiskManager, HostDatastoreBrowser).
 */

/**
 * A disk to give a VM (vim: VirtualDiskConfigSpec). `capacityBytes`: a new thin base disk in the
 * VM's folder. `parent`: a new delta disk in the VM's folder whose parent is that existing disk
 * (VIC's container RW layer on its image's top layer). `existing`: attach that disk as it is
 * (a volume); it is not deleted with the VM.
 */
export type DiskSpec =
  | { readonly capacityBytes: number }
  | { readonly parent: string }
  | { readonly existing: string };

/** A new stand-alone virtual disk (vim: VirtualDiskManager.CreateVirtualDisk_Task / a child disk). */
export type VirtualDiskSpec =
  | { readonly capacityBytes: number }
  /** A delta whose parent is the disk at that datastore path (VIC's image layer chain). */
  | { readonly parent: string };

/** A stand-alone disk's facts. */
export interface VirtualDiskInfo {
  /** Datastore path `[ds] dir/name.vmdk`. */
  readonly path: string;
  readonly capacityBytes: number;
  /** Bytes allocated on the datastore (thin). */
  readonly allocatedBytes: number;
  /** Datastore path of the parent, for a delta. */
  readonly parent: string | undefined;
}

/** One entry of a datastore directory (vim: FileInfo from SearchDatastore_Task). */
export interface DatastoreFileInfo {
  /** Name inside the directory. */
  readonly name: string;
  readonly kind: 'file' | 'directory' | 'disk';
  readonly size: number;
}
