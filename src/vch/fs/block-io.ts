/**
 * Bytes a container's root disk served: what `docker stats` shows as block I/O. A container's RW
 * layer is its delta disk on the image's layer disks, so every file read from the union (image or
 * RW layer) is a read from that disk chain, and every write — including the copy-up of an image
 * file the container changes — a write to the delta. Mounted volumes are disks of their own and are
 * not counted here.
 */
export class BlockIoCounter {
  /** Bytes read since the last {@link reset}. */
  readBytes = 0;
  /** Bytes written since the last {@link reset}. */
  writtenBytes = 0;
  /** Read operations (whole-file reads) since the last reset. */
  reads = 0;
  /** Write operations since the last reset. */
  writes = 0;

  /** Counts one read of `bytes`. */
  read(bytes: number): void {
    this.readBytes += bytes;
    this.reads++;
  }

  /** Counts one write of `bytes`. */
  write(bytes: number): void {
    this.writtenBytes += bytes;
    this.writes++;
  }

  /** Starts counting again from zero (a container start: docker's counters belong to the run's cgroup). */
  reset(): void {
    this.readBytes = 0;
    this.writtenBytes = 0;
    this.reads = 0;
    this.writes = 0;
  }
}
