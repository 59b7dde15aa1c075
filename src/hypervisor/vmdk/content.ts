/**
 * The content model of a disk: each grain holds one unsigned 32-bit tag standing for its bytes
 * (0 stands for zeros, what an unallocated grain reads as). A write stamps the grains it covers
 * with its tag; a write that covers only part of a grain combines the grain's previous content
 * with the new tag, which is what makes copy-on-write read the parent's grain first.
 */

/** Largest tag a write may carry. */
export const MAX_CONTENT_TAG = 0xffffffff;

/** The tag of grains nobody wrote: zeros. */
export const ZERO_TAG = 0;

/**
 * The tag a grain holds after its bytes `[from, to)` were overwritten with content `written`
 * while it held `previous`. A whole-grain write gives `written`; a partial one mixes all four
 * values (FNV-1a over the words), so the result depends on what was there before.
 * Precondition: 0 ≤ from < to ≤ grainBytes. O(1).
 */
export function overwriteTag(previous: number, written: number, from: number, to: number, grainBytes: number): number {
  if (from === 0 && to === grainBytes) return written;
  let h = 0x811c9dc5;
  for (const word of [previous, written, from, to]) h = Math.imul(h ^ word, 0x01000193);
  return h >>> 0;
}
