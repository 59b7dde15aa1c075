/** Non-local control flow inside the interpreter (thrown and caught only by the shell itself). */

/** `exit N`, a fatal error, or `set -e`: the shell (or subshell) ends with `code`. */
export class ExitRequest {
  constructor(readonly code: number) {}
}

/** `break N` / `continue N`. */
export class LoopControl {
  constructor(
    readonly kind: 'break' | 'continue',
    public levels: number,
  ) {}
}

/** `return N` from a function or a sourced script. */
export class ReturnRequest {
  constructor(readonly code: number) {}
}

/** The shell's signal aborted: stop running commands at once. */
export class Killed {
  constructor(readonly code: number) {}
}
