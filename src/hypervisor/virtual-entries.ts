/**
 * The datastore entries the model itself makes, one class per kind of file: what a literal entry
 * held in two fields of its own (`kind`, `render`) the class answers from its prototype, so an
 * entry is its owner and size only. A VM has three (its `.vmx`, a disk descriptor and the disk's
 * extent): 48 B less per VM than `{ kind, owner, render, size }` literals.
 */
import type { VirtualEntry } from './datastore-files.js';

/** A VM's `.vmx`, rendered from the record of VM `owner`. */
export class VmxEntry implements VirtualEntry {
  /** @param owner the VM's id; @param size the rendered file's bytes (≥ 0). */
  constructor(
    readonly owner: string,
    public size: number,
  ) {}

  /** Always 'projection'. */
  get kind(): 'projection' {
    return 'projection';
  }

  /** Always 'vmx'. */
  get render(): string {
    return 'vmx';
  }
}

/** A disk's descriptor, rendered from the disk at datastore path `owner`. */
export class DescriptorEntry implements VirtualEntry {
  /** @param owner the disk's datastore path; @param size the rendered descriptor's bytes (≥ 0). */
  constructor(
    readonly owner: string,
    public size: number,
  ) {}

  /** Always 'projection'. */
  get kind(): 'projection' {
    return 'projection';
  }

  /** Always 'descriptor'. */
  get render(): string {
    return 'descriptor';
  }
}

/** A disk's extent (`-flat.vmdk`, `-sesparse.vmdk`, …): its size is the disk at `owner`'s allocation. */
export class ExtentEntry implements VirtualEntry {
  /** @param owner the disk's datastore path; @param size its allocated bytes (≥ 0). */
  constructor(
    readonly owner: string,
    public size: number,
  ) {}

  /** Always 'extent'. */
  get kind(): 'extent' {
    return 'extent';
  }

  /** Always '' (extents read as empty). */
  get render(): string {
    return '';
  }
}
