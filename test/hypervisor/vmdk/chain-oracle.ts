/**
 * A plain reference model of disk chains for the property tests: every disk keeps a per-grain
 * array of what it holds itself, and a read walks the chain grain by grain. Slow and obviously
 * right, which is the point.
 */
import { overwriteTag } from '../../../src/hypervisor/vmdk/index.js';

/** One disk of the reference model. */
export interface OracleDisk {
  parent: string | undefined;
  /** Tag per grain this disk holds itself; undefined where it holds nothing. */
  own: (number | undefined)[];
  purpose: 'base' | 'layer' | 'snapshot';
}

/** The reference model. */
export class ChainOracle {
  readonly disks = new Map<string, OracleDisk>();

  constructor(
    readonly grainBytes: number,
    readonly grains: number,
    readonly sparseMetadataBytes: number,
  ) {}

  base(path: string): void {
    this.disks.set(path, { parent: undefined, own: new Array<number | undefined>(this.grains).fill(undefined), purpose: 'base' });
  }

  delta(path: string, parent: string, purpose: 'layer' | 'snapshot'): void {
    this.disks.set(path, { parent, own: new Array<number | undefined>(this.grains).fill(undefined), purpose });
  }

  children(path: string): string[] {
    return [...this.disks].filter(([, d]) => d.parent === path).map(([p]) => p);
  }

  depth(path: string): number {
    const parent = this.disk(path).parent;
    return parent === undefined ? 0 : 1 + this.depth(parent);
  }

  /** What grain `g` of `path` reads, walking the chain: [tag, allocated somewhere]. */
  readGrain(path: string, g: number): [number, boolean] {
    for (let p: string | undefined = path; p !== undefined; p = this.disk(p).parent) {
      const tag = this.disk(p).own[g];
      if (tag !== undefined) return [tag, true];
    }
    return [0, false];
  }

  view(path: string): [number, boolean][] {
    return Array.from({ length: this.grains }, (_, g) => this.readGrain(path, g));
  }

  write(path: string, offset: number, length: number, tag: number): void {
    const g = this.grainBytes;
    for (let grain = Math.floor(offset / g); grain * g < offset + length; grain++) {
      const from = Math.max(offset, grain * g) - grain * g;
      const to = Math.min(offset + length, (grain + 1) * g) - grain * g;
      this.disk(path).own[grain] = overwriteTag(this.readGrain(path, grain)[0], tag, from, to, g);
    }
  }

  allocatedBytes(path: string): number {
    const d = this.disk(path);
    return d.own.filter((t) => t !== undefined).length * this.grainBytes + (d.parent === undefined ? 0 : this.sparseMetadataBytes);
  }

  /** Child into parent; returns the bytes that should be freed. */
  mergeIntoParent(childPath: string): number {
    const child = this.disk(childPath);
    const parentPath = child.parent!;
    const parent = this.disk(parentPath);
    const before = this.allocatedBytes(parentPath) + this.allocatedBytes(childPath);
    parent.own = parent.own.map((t, g) => child.own[g] ?? t);
    for (const grandchild of this.children(childPath)) this.disk(grandchild).parent = parentPath;
    this.disks.delete(childPath);
    return before - this.allocatedBytes(parentPath);
  }

  /** Parent into child; returns the bytes that should be freed. */
  mergeParentIntoChild(childPath: string): number {
    const child = this.disk(childPath);
    const parentPath = child.parent!;
    const parent = this.disk(parentPath);
    const before = this.allocatedBytes(parentPath) + this.allocatedBytes(childPath);
    child.own = child.own.map((t, g) => t ?? parent.own[g]);
    child.parent = parent.parent;
    this.disks.delete(parentPath);
    return before - this.allocatedBytes(childPath);
  }

  disk(path: string): OracleDisk {
    const d = this.disks.get(path);
    if (!d) throw new Error(`oracle has no disk ${path}`);
    return d;
  }
}
