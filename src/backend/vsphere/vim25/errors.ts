/**
 * Errors of the live backend that src/sim/errors.ts has no class for. Each has a stable code,
 * registered in ERROR_CODES (test/error-codes.test.ts keeps that so).
 */
import { VicsimError } from '../../../sim/errors.js';

/** The server refused the user name or password (vim: InvalidLogin). */
export class VimLoginError extends VicsimError {
  constructor(
    readonly userName: string,
    message: string,
  ) {
    super('InvalidLogin', `login as "${userName}" refused: ${message}`);
  }
}

/** The call needs a session and none is valid, and the client holds no credentials to log in again. */
export class VimNotAuthenticatedError extends VicsimError {
  constructor(readonly method: string) {
    super('NotAuthenticated', `${method} needs a session: log in first`);
  }
}

/** A vim fault with no project error of its own; `faultType` is the vim fault name. */
export class VimFaultError extends VicsimError {
  constructor(
    readonly faultType: string,
    readonly method: string,
    message: string,
  ) {
    super('VimFault', `${method} failed with ${faultType}: ${message}`);
  }
}

/**
 * The server could not be reached or did not answer in time, after any retries the call allowed.
 * `requestSent` tells whether the request may have reached the server (its effect is then unknown).
 */
export class VimConnectionError extends VicsimError {
  constructor(
    readonly url: string,
    readonly requestSent: boolean,
    message: string,
  ) {
    super('VimConnection', `${url}: ${message}`);
  }
}

/** The server's TLS certificate did not match the pinned thumbprint or was not trusted. */
export class VimCertificateError extends VicsimError {
  constructor(
    readonly url: string,
    message: string,
  ) {
    super('VimCertificate', `${url}: ${message}`);
  }
}
