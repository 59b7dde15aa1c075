/**
 * The errors a {@link ContainerEngine} throws, each with docker's HTTP status and docker's (or VIC's)
 * exact message. The Docker API maps `EngineError.status` to the response; everything else
 * (a typed model error, a bug) it maps in one place (dockerapi/errors.ts).
 */
import { VicsimError } from '../../sim/errors.js';

/** An error with the HTTP status docker answers it with. */
export class EngineError extends VicsimError {
  constructor(
    code: string,
    readonly status: number,
    message: string,
  ) {
    super(code, message);
  }
}

/** 400: a bad parameter or body. */
export class BadParameterError extends EngineError {
  constructor(message: string) {
    super('BadParameter', 400, message);
  }
}

/** 401: the registry refused the credentials. */
export class UnauthorizedError extends EngineError {
  constructor(message: string) {
    super('Unauthorized', 401, message);
  }
}

/** 403: the VCH refuses by policy (e.g. a registry outside the whitelist). */
export class ForbiddenError extends EngineError {
  constructor(message: string) {
    super('Forbidden', 403, message);
  }
}

/** 404: no such container, image, exec, network, volume or path. */
export class NoSuchObjectError extends EngineError {
  constructor(message: string) {
    super('NoSuchObject', 404, message);
  }

  /** "No such container: X". */
  static container(ref: string): NoSuchObjectError {
    return new NoSuchObjectError(`No such container: ${ref}`);
  }

  /** "No such image: X". */
  static image(ref: string): NoSuchObjectError {
    return new NoSuchObjectError(`No such image: ${ref}`);
  }

  /** "No such exec instance: X". */
  static exec(id: string): NoSuchObjectError {
    return new NoSuchObjectError(`No such exec instance: ${id}`);
  }
}

/** 409: a name in use, a running container, an image or volume in use. */
export class ConflictError extends EngineError {
  constructor(message: string) {
    super('Conflict', 409, message);
  }
}

/** 304: start of a running container, stop of a stopped one. */
export class NotModifiedError extends EngineError {
  constructor(message = 'container already in that state') {
    super('NotModified', 304, message);
  }
}

/** 501: an endpoint or feature the VCH deliberately does not support. */
export class NotImplementedError extends EngineError {
  constructor(message: string) {
    super('NotImplemented', 501, message);
  }
}

/** 500: the VCH failed (vSphere refused, out of resources). */
export class EngineSystemError extends EngineError {
  constructor(message: string) {
    super('EngineSystemError', 500, message);
  }
}
