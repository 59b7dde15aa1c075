/** Errors of archive extraction into a guest filesystem (docker cp into a container). */
import { VicsimError } from '../../sim/errors.js';

/**
 * A tar entry (or a link inside it) would land outside the extraction directory (code
 * `UnsafeArchivePath`); `path` is the offending name as the archive wrote it. Nothing was extracted.
 */
export class UnsafeArchivePathError extends VicsimError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super('UnsafeArchivePath', message);
  }
}

/**
 * A tar entry conflicts with what is already there (code `ArchiveConflict`): a directory would
 * replace a non-directory or the reverse under noOverwriteDirNonDir, or an entry lies under a
 * non-directory. `path` is the guest path concerned. Nothing was extracted.
 */
export class ArchiveConflictError extends VicsimError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super('ArchiveConflict', message);
  }
}
