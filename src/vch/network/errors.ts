/**
 * Network errors with docker's statuses and wording (moby's daemon/network.go and libnetwork).
 * They reuse the engine's error classes and codes, so no new code needs registering.
 */
import { BadParameterError, NoSuchObjectError } from '../engine/errors.js';

/** 404 "network X not found": `network inspect`, `rm`, `connect` and `disconnect` of a missing network. */
export class NetworkNotFoundError extends NoSuchObjectError {
  constructor(readonly ref: string) {
    super(`network ${ref} not found`);
  }
}

/**
 * A container create (or start) names a network that does not exist. Docker's words ("network X
 * not found") but status 400, not 404: the docker CLI answers any 404 from `POST /containers/create`
 * by pulling the image and retrying (shared/reference/docker-wire.md, Errors).
 */
export class ContainerNetworkNotFoundError extends BadParameterError {
  constructor(readonly ref: string) {
    super(`network ${ref} not found`);
  }
}

/** VIC's refusal of the host network (`--net=host`, `network connect host`): 400. */
export class HostNetworkNotSupportedError extends BadParameterError {
  constructor() {
    super('--net=host is not supported');
  }
}
