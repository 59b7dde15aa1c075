/**
 * Which VMs run on which host, as one bit row per host: the ledger's per-host VM index, so a
 * balancing scan visits only the VMs of its shortlisted hosts, in ascending VM order (the order
 * the scan's tie-breaks depend on), without a pass over every VM.
 */

/** Bit v of host h's row is set when VM v runs on h. Rows are `words` 32-bit words wide, grown by doubling. */
export class HostVmIndex {
  #bits = new Uint32Array(0);
  #words = 0;
  readonly #counts: Int32Array;

  /** An empty index over `hostCount` hosts. O(hosts). */
  constructor(readonly hostCount: number) {
    this.#counts = new Int32Array(hostCount);
  }

  /** VMs on host `h`. O(1). */
  count(h: number): number {
    return this.#counts[h]!;
  }

  /** Records VM `v` on host `h`. Amortized O(1) (O(hosts × V/32) when a row grows). */
  add(h: number, v: number): void {
    const word = v >>> 5;
    if (word >= this.#words) this.#grow(word + 1);
    this.#bits[h * this.#words + word]! |= 1 << (v & 31);
    this.#counts[h]!++;
  }

  /** Forgets every VM, keeping the rows' width. O(hosts × V/32). */
  clear(): void {
    this.#bits.fill(0);
    this.#counts.fill(0);
  }

  /** Forgets VM `v` on host `h`. O(1). Preconditions: `v` was added on `h`. */
  remove(h: number, v: number): void {
    this.#bits[h * this.#words + (v >>> 5)]! &= ~(1 << (v & 31));
    this.#counts[h]!--;
  }

  /**
   * Writes into `out` the VMs on the hosts flagged in `hosts`, ascending, and returns how many.
   * O(flagged hosts × V/32 + result). Preconditions: one flag per host; `out` holds ≥ V slots.
   */
  vmsOn(hosts: Uint8Array, out: Int32Array): number {
    const words = this.#words;
    const bits = this.#bits;
    let count = 0;
    for (let w = 0; w < words; w++) {
      let word = 0;
      for (let h = 0; h < hosts.length; h++) if (hosts[h]) word |= bits[h * words + w]!;
      while (word !== 0) {
        const low = word & -word;
        out[count++] = (w << 5) + 31 - Math.clz32(low);
        word ^= low;
      }
    }
    return count;
  }

  #grow(atLeast: number): void {
    const words = Math.max(4, this.#words * 2, atLeast);
    const grown = new Uint32Array(this.hostCount * words);
    for (let r = 0; r < this.hostCount; r++) grown.set(this.#bits.subarray(r * this.#words, (r + 1) * this.#words), r * words);
    this.#bits = grown;
    this.#words = words;
  }
}
