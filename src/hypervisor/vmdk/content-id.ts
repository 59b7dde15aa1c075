/**
 * Content ids of virtual disks: the CID a descriptor carries and the 32-digit long content id that
 * ends with it, drawn from the model's random stream whenever ESXi would draw one.
 */
import type { Rng } from '../../sim/rng.js';
import { formatCid } from './descriptor.js';

/** A content id and the long content id that ends with it. */
export interface ContentId {
  readonly cid: number;
  readonly longContentId: string;
}

/** Largest CID drawn: ffffffff means "no parent" and fffffffe is ESXi's fresh-disk placeholder. */
const MAX_DRAWN_CID = 0xfffffffd;

/**
 * A drawn content id: the three high words of the long content id are kept as numbers and the
 * 32-digit text is built when asked for (a descriptor render), not when the disk is made. A disk
 * keeps these words in its own fields (see VirtualDisk.contentId); this record is what it hands out. O(1).
 */
export class DrawnContentId implements ContentId {
  constructor(
    readonly cid: number,
    readonly high0: number,
    readonly high1: number,
    readonly high2: number,
  ) {}

  get longContentId(): string {
    return drawnLongContentId(this.cid, this.high0, this.high1, this.high2);
  }
}

/** The 32-digit long content id of a drawn content id (its three high words, then the CID). O(1). */
export function drawnLongContentId(cid: number, high0: number, high1: number, high2: number): string {
  return formatCid(high0) + formatCid(high1) + formatCid(high2) + formatCid(cid);
}

/** A fresh content id drawn from `rng` (four draws: the three high words, then the CID). */
export function drawContentId(rng: Rng): ContentId {
  const high0 = rng.int(0, 0xffffffff) | 0;
  const high1 = rng.int(0, 0xffffffff) | 0;
  const high2 = rng.int(0, 0xffffffff) | 0;
  return new DrawnContentId(rng.int(0, MAX_DRAWN_CID), high0, high1, high2);
}

/** A ddb.uuid in ESXi's layout, drawn from `rng` (13 draws). */
export function drawDiskUuid(rng: Rng): string {
  const hex = Array.from({ length: 13 }, () => rng.int(0, 255).toString(16).padStart(2, '0'));
  return `60 00 C2 ${hex.slice(0, 5).join(' ')}-${hex.slice(5).join(' ')}`;
}
