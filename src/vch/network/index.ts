/**
 * The VCH's networks: bridge IPAM, the docker network registry with endpoints and name resolution,
 * port mapping with real listeners, and the simulated services behind published ports.
 */
export { Ipam, DEFAULT_BRIDGE_RANGE, DEFAULT_NETWORK_PREFIX } from './ipam.js';
export type { IpamState, PoolConfig, PoolRequest, PoolState } from './ipam.js';
export { NetworkRegistry } from './registry.js';
export type { ExternalResolution, NetworkRegistryOptions, NetworkRegistryState } from './registry.js';
export type { ContainerIdentity } from './endpoints.js';
export type { EndpointRecord, EndpointView, NetworkRecord } from './network.js';
export { ContainerNetworkNotFoundError, HostNetworkNotSupportedError, NetworkNotFoundError } from './errors.js';
export { DEFAULT_ALLOWED_HOST_IPS, parsePortKey, parsePortSpecs } from './port-spec.js';
export type { PortProtocol, PortRequest, PortSpec } from './port-spec.js';
export { DEFAULT_EPHEMERAL_RANGE, PortMapper } from './port-mapper.js';
export type { ConnectionHandler, PortMapperOptions, PortMapperState, PublishedPort } from './port-mapper.js';
export { GUEST_SERVER_HEADER, httpServiceHandler, tcpEchoHandler } from './services.js';
