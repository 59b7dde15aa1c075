/**
 * The grain map of one disk: which grains are allocated and what each holds, kept as sorted,
 * non-overlapping runs of grains `[start, end)` with one 32-bit content tag per run. Adjacent runs
 * with equal tags are coalesced, so a map's size grows with the number of distinct writes, not
 * with the disk's capacity.
 */

/** A run of allocated grains `[start, end)` that all hold content `tag`. */
export interface GrainRun {
  readonly start: number;
  readonly end: number;
  readonly tag: number;
}

/**
 * The run arrays of every map that holds no run yet, shared and never written: {@link GrainMap}
 * makes its own arrays on its first write (most delta disks are never written, and three arrays
 * each cost an allocation and 48 bytes per disk).
 */
const NO_RUNS: number[] = [];

/** A mutable set of grain runs. Grains are non-negative integers; tags are unsigned 32-bit integers. */
export class GrainMap {
  #starts: number[] = NO_RUNS;
  #ends: number[] = NO_RUNS;
  #tags: number[] = NO_RUNS;
  #allocated = 0;

  /** A map holding `runs`. Precondition: runs sorted by start, non-overlapping, start < end. */
  static fromRuns(runs: Iterable<GrainRun>): GrainMap {
    const map = new GrainMap();
    for (const run of runs) map.set(run.start, run.end, run.tag);
    return map;
  }

  /** Number of runs held. O(1). */
  get runCount(): number {
    return this.#starts.length;
  }

  /** Number of allocated grains. O(1): kept up to date by {@link set}. */
  get allocatedGrains(): number {
    return this.#allocated;
  }

  /** The tag of grain `grain`, or undefined when it is not allocated. O(log n) in the run count. */
  tagAt(grain: number): number | undefined {
    const i = this.#firstEndingAfter(grain);
    return i < this.#starts.length && this.#starts[i]! <= grain ? this.#tags[i] : undefined;
  }

  /**
   * Allocates grains `[start, end)` with content `tag`, replacing whatever they held.
   * Precondition: integers, 0 ≤ start < end. O(log n + k) plus an array shift, k = runs replaced.
   */
  set(start: number, end: number, tag: number): void {
    const first = this.#firstEndingAfter(start);
    let last = first;
    let covered = 0;
    while (last < this.#starts.length && this.#starts[last]! < end) {
      covered += Math.min(end, this.#ends[last]!) - Math.max(start, this.#starts[last]!);
      last++;
    }
    const pieces: GrainRun[] = [];
    if (first < last && this.#starts[first]! < start) pieces.push({ start: this.#starts[first]!, end: start, tag: this.#tags[first]! });
    pieces.push({ start, end, tag });
    if (first < last && this.#ends[last - 1]! > end) pieces.push({ start: end, end: this.#ends[last - 1]!, tag: this.#tags[last - 1]! });
    this.#allocated += end - start - covered;
    this.#replace(first, last, pieces);
  }

  /** The runs that overlap grains `[start, end)`, clipped to that range, in order. O(log n + k). */
  *runsIn(start: number, end: number): Generator<GrainRun> {
    for (let i = this.#firstEndingAfter(start); i < this.#starts.length && this.#starts[i]! < end; i++) {
      yield { start: Math.max(start, this.#starts[i]!), end: Math.min(end, this.#ends[i]!), tag: this.#tags[i]! };
    }
  }

  /** Every run, in order. O(n). */
  *runs(): Generator<GrainRun> {
    for (let i = 0; i < this.#starts.length; i++) yield { start: this.#starts[i]!, end: this.#ends[i]!, tag: this.#tags[i]! };
  }

  /** Writes every run of `upper` over this map (upper wins where both hold a grain). O(m log n + shifts). */
  overlay(upper: GrainMap): void {
    for (const run of upper.runs()) this.set(run.start, run.end, run.tag);
  }

  /** An independent copy. O(n). */
  clone(): GrainMap {
    const copy = new GrainMap();
    if (this.#starts === NO_RUNS) return copy;
    copy.#starts = [...this.#starts];
    copy.#ends = [...this.#ends];
    copy.#tags = [...this.#tags];
    copy.#allocated = this.#allocated;
    return copy;
  }

  /** Index of the first run whose end is after `grain` (binary search over the sorted ends). */
  #firstEndingAfter(grain: number): number {
    let lo = 0;
    let hi = this.#ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#ends[mid]! <= grain) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Replaces runs `[first, last)` by `pieces` (sorted, contiguous), coalescing equal-tag neighbours. */
  #replace(first: number, last: number, pieces: GrainRun[]): void {
    let lo = first;
    let hi = last;
    const merged: GrainRun[] = [];
    const before = lo - 1;
    if (before >= 0 && this.#ends[before] === pieces[0]!.start && this.#tags[before] === pieces[0]!.tag) {
      merged.push({ start: this.#starts[before]!, end: this.#ends[before]!, tag: this.#tags[before]! });
      lo = before;
    }
    for (const piece of pieces) {
      const prev = merged[merged.length - 1];
      if (prev && prev.end === piece.start && prev.tag === piece.tag) merged[merged.length - 1] = { ...prev, end: piece.end };
      else merged.push(piece);
    }
    const tail = merged[merged.length - 1]!;
    if (hi < this.#starts.length && this.#starts[hi] === tail.end && this.#tags[hi] === tail.tag) {
      merged[merged.length - 1] = { ...tail, end: this.#ends[hi]! };
      hi++;
    }
    if (this.#starts === NO_RUNS) {
      this.#starts = [];
      this.#ends = [];
      this.#tags = [];
    }
    this.#starts.splice(lo, hi - lo, ...merged.map((r) => r.start));
    this.#ends.splice(lo, hi - lo, ...merged.map((r) => r.end));
    this.#tags.splice(lo, hi - lo, ...merged.map((r) => r.tag));
  }
}
