/**
 * The datastore entries the model itself makes, one class per kind of file: what a literal entry
 * held in two fields of its own (`kind`, `render`) the class answers from its prototype, so an
 * entry is its owner and size only. A VM has three (its `.vmx`, a disk descriptor and the disk's
 * extent): 48 B less per VM than `{ kind, owner, render, size }` literals.
 */
import type { VirtualEntry } from './datastore-files.js';

/** A class of entries whose every instance has `kind` and `render`; instances hold an owner and a size (bytes ≥ 0). */
function entryClass(kind: VirtualEntry['kind'], render: string) {
  return class implements VirtualEntry {
    constructor(
      readonly owner: string,
      public size: number,
    ) {}

    get kind(): VirtualEntry['kind'] {
      return kind;
    }

    get render(): string {
      return render;
    }
  };
}

/** A VM's `.vmx`, rendered from the record of VM `owner` (a projection). */
export const VmxEntry = entryClass('projection', 'vmx');

/** A disk's descriptor, rendered from the disk at datastore path `owner` (a projection). */
export const DescriptorEntry = entryClass('projection', 'descriptor');

/** A disk's extent (`-flat.vmdk`, `-sesparse.vmdk`, …): its size is the disk at `owner`'s allocation; it reads as empty. */
export const ExtentEntry = entryClass('extent', '');
