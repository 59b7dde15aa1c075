/**
 * Containers on the VCH's networks: endpoints planned at create, addresses and published ports at
 * start (a real listener per published tcp port, handing connections to the container's simulated
 * service), released at stop. The guest's view — DNS answers and interfaces — comes from here too.
 *
 * On a container network (VIC's `--container-network`) the container VM gets a vNIC of its own and
 * an address on the port group (network/vnics.ts). Its ports need no mapping: a port the firewall
 * lets in (`-p` ports under `published`, `peers` and `open`) is shown as `<its address>:P->P`; the
 * VCH opens no listener for it. In this simulator that address is a model address: it is what
 * other containers on the port group (and `ping`, `ip`, `ifconfig` in the guest) see, not a route
 * from the machine running vicsim — only bridge ports, through the VCH endpoint, are real sockets.
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
import type { ContainerVnics } from './network/vnics.js';
import { BadParameterError } from './engine/errors.js';

/** Who serves a request that reached a container: for the page the simulated service answers with. */
export type ServiceDescriber = (c: Container) => Promise<Record<string, string>>;

/** The VCH's networks as containers use them. */
export class ContainerNetworking implements ContainerNetworks {
  readonly #specs = new Map<string, PortSpec[]>();

  constructor(
    readonly registry: NetworkRegistry,
    readonly mapper: PortMapper,
    readonly describe: ServiceDescriber,
    readonly vnics: ContainerVnics,
  ) {}

  plan(id: string, name: string, req: ContainerCreateRequest): void {
    const specs = portSpecsOf(req);
    this.registry.planContainer({ id, name, hostname: req.Hostname || undefined }, req.HostConfig?.NetworkMode, req.NetworkingConfig?.EndpointsConfig);
    const closed = this.registry.externalAttachments(id).find((a) => a.firewall === 'closed' || a.firewall === 'outbound');
    if (closed && specs.length > 0) {
      this.registry.forgetContainer(id);
      throw new BadParameterError(`ports cannot be published via container network ${closed.networkName} (firewall configured as either "closed" or "outbound")`);
    }
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
      await this.vnics.attach(c.id, c.def.vm);
      // Bindings restored with a saved VCH are reopened as they were; others are published anew (bridge networks only).
      if (this.mapper.has(c.id)) await this.mapper.reopen(c.id, (port) => this.#handler(c, port));
      else if (this.#onBridge(c.id)) await this.mapper.publish(c.id, this.#specs.get(c.id) ?? [], (port) => this.#handler(c, port));
    } catch (e) {
      this.registry.stopContainer(c.id);
      throw e;
    }
  }

  async down(c: Container): Promise<void> {
    await this.mapper.release(c.id);
    this.registry.stopContainer(c.id);
  }

  /** Ports published through the VCH endpoint, then those reachable on the container's own address on a container network. */
  ports(c: Container): PublishedPort[] {
    const direct = this.registry.externalAttachments(c.id).filter((a) => a.ip !== '' && a.firewall !== 'closed' && a.firewall !== 'outbound');
    const specs = this.#specs.get(c.id) ?? [];
    return [...this.mapper.ports(c.id), ...direct.flatMap((a) => specs.map((s) => ({ containerPort: s.containerPort, protocol: s.protocol, hostIp: a.ip, hostPort: s.containerPort })))];
  }

  /** Whether the container is on a bridge network (where ports are mapped through the VCH endpoint). */
  #onBridge(containerId: string): boolean {
    return this.registry.endpoints(containerId).some((e) => this.registry.require(e.networkId).driver === 'bridge');
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
