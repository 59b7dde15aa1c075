/**
 * Containers on the VCH's networks: endpoints planned at create, addresses and published ports at
 * start (a real listener per published tcp port, handing connections to the container's simulated
 * service), released at stop. The guest's view — DNS answers and interfaces — comes from here too.
 */
import type { Socket } from 'node:net';
import type { Container } from './containers/container.js';
import type { PublishedPort } from './containers/inspect.js';
import type { ContainerNetworks } from './containers/seams.js';
import type { ContainerCreateRequest, EndpointSettings } from './engine/docker-types.js';
import { serviceProfileFromLabels } from './guest/profile.js';
import type { InterfaceInfo } from './guest/types.js';
import { httpServiceHandler } from './network/services.js';
import type { PortMapper } from './network/port-mapper.js';
import { parsePortSpecs, type PortSpec } from './network/port-spec.js';
import type { NetworkRegistry } from './network/registry.js';

/** Who serves a request that reached a container: for the page the simulated service answers with. */
export type ServiceDescriber = (c: Container) => Promise<Record<string, string>>;

/** The VCH's networks as containers use them. */
export class ContainerNetworking implements ContainerNetworks {
  readonly #specs = new Map<string, PortSpec[]>();

  constructor(
    readonly registry: NetworkRegistry,
    readonly mapper: PortMapper,
    readonly describe: ServiceDescriber,
  ) {}

  plan(id: string, name: string, req: ContainerCreateRequest): void {
    const specs = portSpecsOf(req);
    this.registry.planContainer({ id, name, hostname: req.Hostname || undefined }, req.HostConfig?.NetworkMode, req.NetworkingConfig?.EndpointsConfig);
    this.#specs.set(id, specs);
  }

  adopt(id: string, req: ContainerCreateRequest): void {
    this.#specs.set(id, portSpecsOf(req));
  }

  forget(id: string): void {
    this.registry.forgetContainer(id);
    this.mapper.forgetTraffic(id);
    this.#specs.delete(id);
  }

  settings(id: string): Record<string, EndpointSettings> {
    return this.registry.endpointSettings(id);
  }

  async up(c: Container): Promise<void> {
    this.registry.startContainer(c.id);
    try {
      // Bindings restored with a saved VCH are reopened as they were; others are published anew.
      if (this.mapper.has(c.id)) await this.mapper.reopen(c.id, (port) => this.#handler(c, port));
      else await this.mapper.publish(c.id, this.#specs.get(c.id) ?? [], (port) => this.#handler(c, port));
    } catch (e) {
      this.registry.stopContainer(c.id);
      throw e;
    }
  }

  async down(c: Container): Promise<void> {
    await this.mapper.release(c.id);
    this.registry.stopContainer(c.id);
  }

  ports(c: Container): PublishedPort[] {
    return this.mapper.ports(c.id);
  }

  /**
   * A connection to a published port reaches the container's service when the service's profile
   * (its image and container labels) listens on that port and the container runs; otherwise it is
   * refused (closed), as a port nothing listens on is.
   */
  #handler(c: Container, port: PublishedPort): (socket: Socket) => void {
    const http = httpServiceHandler(async () => ({ ...(await this.describe(c)), 'container port': `${port.containerPort}/${port.protocol}`, 'host port': String(port.hostPort) }));
    const listening = serviceProfileFromLabels(c.def.config.Labels ?? {})?.listen.find((l) => l.port === port.containerPort);
    return (socket) => {
      if (c.running && listening?.protocol === 'http') http(socket);
      else socket.destroy();
    };
  }

  /** The VCH's DNS as a container sees it. */
  resolveHost(containerId: string, name: string): string | undefined {
    if (name === 'localhost') return '127.0.0.1';
    const inside = this.registry.resolve(containerId, name);
    if (inside !== undefined) return inside;
    const outside = this.registry.resolveExternal(containerId, name);
    return outside.status === 'resolved' ? outside.ip : undefined;
  }

  /** The container's interfaces: lo and one ethN per network it has an address on. */
  interfaces(containerId: string): InterfaceInfo[] {
    const eths = this.registry.endpoints(containerId).filter((e) => e.ip !== '');
    return [{ name: 'lo', address: '127.0.0.1', prefixLen: 8 }, ...eths.map((e, i) => ({ name: `eth${i}`, address: e.ip, prefixLen: e.prefixLen }))];
  }
}

/** The ports a create request publishes (400 for a bad spec). */
function portSpecsOf(req: ContainerCreateRequest): PortSpec[] {
  const host = req.HostConfig ?? {};
  return parsePortSpecs({ exposedPorts: req.ExposedPorts, portBindings: host.PortBindings, publishAllPorts: host.PublishAllPorts === true });
}
