/** What inspection shows of a host's and a VM's memory, and the options of a host's memory. */
import type { MemoryState } from './memory-state.js';
import type { PageSharingOptions } from './page-sharing.js';

/** One VM's resident (private + shared) and active guest memory, MB, as {@link MemoryUsageReader} fills it. */
export interface MemoryUsage {
  residentMB: number;
  activeMB: number;
}

/** Reads one VM's memory usage on a host again and again (see HostMemory.usageReader). */
export interface MemoryUsageReader {
  /** Fills `out` and returns true, or returns false (leaving `out`) while the host holds no memory for the VM. O(1). */
  read(out: MemoryUsage): boolean;
}

/** A VM's memory as inspection shows it (MB). */
export interface VmMemoryStats {
  readonly configuredMB: number;
  readonly privateMB: number;
  readonly sharedMB: number;
  readonly zeroMB: number;
  readonly activeMB: number;
  readonly overheadMB: number;
  readonly balloonedMB: number;
  readonly compressedMB: number;
  readonly swappedMB: number;
  /** Instant-clone generations in its memory chain. */
  readonly generations: number;
}

/** A host's memory as inspection shows it (MB unless said otherwise). */
export interface HostMemoryStats {
  readonly capacityMB: number;
  readonly consumedMB: number;
  readonly freeMB: number;
  /** Distinct non-zero guest pages held. */
  readonly guestMB: number;
  /** Pages held once but read by two or more VMs (instant-clone forks). */
  readonly sharedByForkMB: number;
  /** Duplicate copies transparent page sharing merged away (memory it saves). */
  readonly sharedByTpsMB: number;
  readonly privateMB: number;
  /** Guest memory read as zero (never backed). */
  readonly zeroMB: number;
  /** Per-VM overhead plus TPS hash entries. */
  readonly overheadMB: number;
  /** TPS hash entries (part of overheadMB). */
  readonly tpsHashMB: number;
  /**
   * Guest memory the VMs see minus what backs it: the saving from sharing by fork and by TPS. Signed:
   * slightly negative when a fork generation still backs pages that every VM sharing it has since
   * overwritten (a generation's pages are freed when its last user goes, not page by page).
   */
  readonly savedMB: number;
  /** Guest memory the VMs see ÷ what backs it (1 = no sharing). */
  readonly sharingRatio: number;
  readonly minFreeMB: number;
  readonly state: MemoryState;
  /** 2 MiB large pages broken so far (reclamation's first step). */
  readonly brokenLargePages: number;
  readonly balloonedMB: number;
  readonly compressedMB: number;
  readonly swappedMB: number;
  /** Copy-on-write events so far (first writes to shared pages). */
  readonly cowEvents: number;
}

/** Options of a host's memory. */
export interface HostMemoryOptions extends PageSharingOptions {
  /** The copy-on-write granule of forks in bytes. Default: calibration page size (4 KiB). */
  readonly granuleBytes?: number;
}
