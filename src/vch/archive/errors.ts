/** Errors of the docker-archive reader and writer. */
import { VicsimError } from '../../sim/errors.js';

/**
 * A docker archive, layer tar or image config is malformed or inconsistent (code
 * `InvalidImageArchive`); the message says what and where. Nothing was loaded.
 */
export class ImageArchiveError extends VicsimError {
  constructor(message: string) {
    super('InvalidImageArchive', message);
  }
}
