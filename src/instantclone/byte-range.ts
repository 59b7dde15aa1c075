/** Byte ranges of guest memory mapped onto the pages (granules) of a memory pool. */
import { InvalidArgumentError } from '../sim/errors.js';
import type { ImageId, MemoryImages } from './types.js';

/**
 * Writes the granules that bytes [offset, offset + length) touch. A zero write clears the granules it
 * covers whole; a granule it covers only in part is written with content, since it is not all zero.
 * Preconditions: offset ≥ 0, length > 0, the range inside the image. At most three write operations.
 */
export function writeByteRange(pool: MemoryImages, image: ImageId, offset: number, length: number, zero: boolean): void {
  if (!(offset >= 0) || !(length > 0)) throw new InvalidArgumentError('range', `invalid byte range at ${offset} of length ${length}`);
  const g = pool.granuleBytes;
  const first = Math.floor(offset / g);
  const end = Math.ceil((offset + length) / g);
  const innerFirst = Math.ceil(offset / g);
  const innerEnd = Math.floor((offset + length) / g);
  if (!zero || innerEnd <= innerFirst) {
    pool.write(image, first, end - first);
    return;
  }
  if (first < innerFirst) pool.write(image, first, 1);
  pool.writeZero(image, innerFirst, innerEnd - innerFirst);
  if (innerEnd < end) pool.write(image, innerEnd, 1);
}
