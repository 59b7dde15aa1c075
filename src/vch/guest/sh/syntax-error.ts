/** A script that does not parse. */

/**
 * A shell syntax error, worded as busybox ash words it (`syntax error: unexpected "fi"`).
 * `incomplete` is true when more input could complete the script (an interactive shell then asks for
 * another line with PS2).
 */
export class ShellSyntaxError extends Error {
  constructor(
    message: string,
    readonly incomplete: boolean,
  ) {
    super(message);
  }
}
