/** Errors the guest raises when a process cannot start. */
import { VicsimError } from '../../sim/errors.js';

/** argv[0] names no executable file on PATH; docker's wording, exit status 127. */
export class ExecutableNotFoundError extends VicsimError {
  readonly exitCode = 127;
  /** `viaPath`: argv[0] was searched on PATH (false: it was a path that does not exist). */
  constructor(
    readonly executable: string,
    readonly viaPath = true,
  ) {
    super(
      'ExecutableNotFound',
      viaPath ? `exec: "${executable}": executable file not found in $PATH` : `exec: "${executable}": stat ${executable}: no such file or directory`,
    );
  }
}

/** argv[0] names a directory or a file without execute permission; exit status 126. */
export class ExecPermissionDeniedError extends VicsimError {
  readonly exitCode = 126;
  constructor(readonly executable: string) {
    super('ExecPermissionDenied', `exec: "${executable}": permission denied`);
  }
}
