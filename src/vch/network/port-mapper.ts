/**
 * Port mapping of one VCH (shared/reference/vic-behaviour.md, Networks): at container start the
 * host ports are reserved (a taken one is VIC's "port N is not available"; none given picks a random
 * free port of the ephemeral range 32768–60999 with the injected Rng) and a real TCP listener per
 * tcp binding opens on the VCH endpoint's address, handing each accepted socket to the caller's
 * handler for that binding; at stop the listeners close, their sockets are destroyed and the ports
 * are free again. Publishing is all or nothing. udp and sctp bindings are reserved and shown but
 * carry no traffic (the simulated guests serve tcp only). This is the vch layer's I/O.
 */
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Rng } from '../../sim/rng.js';
import { ConflictError, EngineSystemError } from '../engine/errors.js';
import { RestoreError } from '../../sim/errors.js';
import type { PortProtocol, PortSpec } from './port-spec.js';

/** Linux's default ephemeral range (net.ipv4.ip_local_port_range), docker's for random host ports. */
export const DEFAULT_EPHEMERAL_RANGE: readonly [number, number] = [32768, 60999];

/** What to do with one accepted connection of a published port. */
export type ConnectionHandler = (socket: Socket) => void;

/** A published port: container port/protocol → host port (containers/inspect.ts `PublishedPort`). */
export interface PublishedPort {
  readonly containerPort: number;
  readonly protocol: PortProtocol;
  /** The host IP as asked for ("" for any). */
  readonly hostIp: string;
  readonly hostPort: number;
}

/** What a mapper is built with. */
export interface PortMapperOptions {
  /** Chooses random host ports. */
  readonly rng: Rng;
  /** The VCH endpoint's address the listeners bind, default 127.0.0.1. */
  readonly listenAddress?: string;
  /** Inclusive range of random host ports, default 32768–60999. */
  readonly ephemeralRange?: readonly [number, number];
}

/** Saved form of a mapper (format version 1): the bindings held per container. */
export interface PortMapperState {
  readonly version: 1;
  readonly bindings: Readonly<Record<string, readonly PublishedPort[]>>;
}

interface Mapping {
  readonly ports: PublishedPort[];
  /** Indices of ports chosen at random (another may replace one the OS refuses). */
  readonly random: Set<number>;
  readonly servers: Server[];
  readonly sockets: Set<Socket>;
}

/** Random attempts after the OS refuses a randomly chosen port before giving up. */
const RANDOM_PORT_ATTEMPTS = 16;

/** The published ports of one VCH. */
export class PortMapper {
  readonly listenAddress: string;
  readonly #range: readonly [number, number];
  /** `proto/port` → container id. */
  readonly #reserved = new Map<string, string>();
  readonly #mappings = new Map<string, Mapping>();
  /** Bytes through the published ports of closed connections, per container (received, sent). */
  readonly #closedTraffic = new Map<string, { rx: number; tx: number }>();

  constructor(readonly options: PortMapperOptions) {
    this.listenAddress = options.listenAddress ?? '127.0.0.1';
    this.#range = options.ephemeralRange ?? DEFAULT_EPHEMERAL_RANGE;
  }

  /**
   * Reserves the container's host ports and opens a listener per tcp binding, all or nothing: when
   * any port is taken (500 "port N is not available") or cannot be bound, everything this call took
   * is released before the error is thrown. `handlerFor` gives each binding its connection handler
   * (undefined: connections are closed at once). 409 when the container already has published ports.
   */
  async publish(containerId: string, specs: readonly PortSpec[], handlerFor: (port: PublishedPort) => ConnectionHandler | undefined): Promise<PublishedPort[]> {
    if (this.#mappings.has(containerId)) throw new ConflictError(`ports of container ${containerId} are already published`);
    const mapping: Mapping = { ports: [], random: new Set(), servers: [], sockets: new Set() };
    this.#mappings.set(containerId, mapping);
    try {
      for (const spec of specs) {
        if (spec.hostPort === undefined) mapping.random.add(mapping.ports.length);
        mapping.ports.push({ ...spec, hostPort: this.#reserve(containerId, spec) });
      }
      await this.#listenAll(containerId, mapping, handlerFor);
      return [...mapping.ports];
    } catch (e) {
      await this.release(containerId);
      throw e;
    }
  }

  /**
   * Opens the listeners of bindings restored by {@link fromJSON}, all or nothing (on failure the
   * container's ports are released). A no-op for a container without restored bindings.
   */
  async reopen(containerId: string, handlerFor: (port: PublishedPort) => ConnectionHandler | undefined): Promise<PublishedPort[]> {
    const mapping = this.#mappings.get(containerId);
    if (!mapping || mapping.servers.length > 0) return mapping ? [...mapping.ports] : [];
    try {
      await this.#listenAll(containerId, mapping, handlerFor);
      return [...mapping.ports];
    } catch (e) {
      await this.release(containerId);
      throw e;
    }
  }

  /** Closes the container's listeners, destroys their open sockets and frees its ports. Never throws. */
  async release(containerId: string): Promise<void> {
    const mapping = this.#mappings.get(containerId);
    if (!mapping) return;
    this.#mappings.delete(containerId);
    for (const [key, owner] of [...this.#reserved]) if (owner === containerId) this.#reserved.delete(key);
    for (const s of mapping.sockets) s.destroy();
    await Promise.all(mapping.servers.map((server) => new Promise<void>((done) => server.close(() => done()))));
  }

  /** The container's published ports (empty unless published: ps and inspect show ports only while running). */
  ports(containerId: string): PublishedPort[] {
    return [...(this.#mappings.get(containerId)?.ports ?? [])];
  }

  /**
   * Bytes the container's published ports carried, from the container's side: received (what
   * clients sent) and sent, closed and open connections. O(open connections).
   */
  traffic(containerId: string): { readonly rxBytes: number; readonly txBytes: number } {
    const closed = this.#closedTraffic.get(containerId) ?? { rx: 0, tx: 0 };
    let rxBytes = closed.rx;
    let txBytes = closed.tx;
    for (const s of this.#mappings.get(containerId)?.sockets ?? []) {
      rxBytes += s.bytesRead;
      txBytes += s.bytesWritten;
    }
    return { rxBytes, txBytes };
  }

  /** Forgets a removed container's traffic counters. */
  forgetTraffic(containerId: string): void {
    this.#closedTraffic.delete(containerId);
  }

  /** Whether the container holds a mapping: published, or restored by {@link fromJSON} and not yet reopened. O(1). */
  has(containerId: string): boolean {
    return this.#mappings.has(containerId);
  }

  /** Which container holds a host port, if any. O(1). */
  holder(hostPort: number, protocol: PortProtocol = 'tcp'): string | undefined {
    return this.#reserved.get(`${protocol}/${hostPort}`);
  }

  /** The saved form: every container's bindings. */
  toJSON(): PortMapperState {
    const bindings: Record<string, PublishedPort[]> = {};
    for (const [id, m] of this.#mappings) bindings[id] = m.ports.map((p) => ({ ...p }));
    return { version: 1, bindings };
  }

  /** A mapper holding the saved bindings as reservations, listeners closed; the caller calls {@link reopen}. */
  static fromJSON(state: PortMapperState, options: PortMapperOptions): PortMapper {
    if (state?.version !== 1) throw new RestoreError(`unsupported port mapping state version ${String(state?.version)}`);
    const mapper = new PortMapper(options);
    for (const [id, ports] of Object.entries(state.bindings)) {
      for (const p of ports) {
        const key = `${p.protocol}/${p.hostPort}`;
        if (mapper.#reserved.has(key)) throw new RestoreError(`host port ${key} is saved for two containers`);
        mapper.#reserved.set(key, id);
      }
      mapper.#mappings.set(id, { ports: ports.map((p) => ({ ...p })), random: new Set(), servers: [], sockets: new Set() });
    }
    return mapper;
  }

  /** Reserves the spec's host port, or a random free one. O(1) usually; O(range) when the range is nearly full. */
  #reserve(containerId: string, spec: PortSpec): number {
    const port = spec.hostPort ?? this.#randomFreePort(spec.protocol, this.options.rng.int(this.#range[0], this.#range[1]));
    const key = `${spec.protocol}/${port}`;
    if (this.#reserved.has(key)) throw notAvailable(port);
    this.#reserved.set(key, containerId);
    return port;
  }

  /** The first port from `start` (wrapping within the range) that no container holds. */
  #randomFreePort(protocol: PortProtocol, start: number): number {
    const [lo, hi] = this.#range;
    for (let i = 0; i <= hi - lo; i++) {
      const port = lo + ((start - lo + i) % (hi - lo + 1));
      if (!this.#reserved.has(`${protocol}/${port}`)) return port;
    }
    throw new EngineSystemError(`no free host port in ${lo}-${hi}`);
  }

  async #listenAll(containerId: string, mapping: Mapping, handlerFor: (port: PublishedPort) => ConnectionHandler | undefined): Promise<void> {
    for (let i = 0; i < mapping.ports.length; i++) {
      const port = mapping.ports[i]!;
      if (port.protocol !== 'tcp') continue;
      const handler = handlerFor(port) ?? ((s: Socket) => s.destroy());
      mapping.ports[i] = await this.#listenOne(containerId, mapping, port, mapping.random.has(i), handler);
    }
  }

  /** Opens the binding's listener; a random port the OS refuses is swapped for another free one. */
  async #listenOne(containerId: string, mapping: Mapping, port: PublishedPort, random: boolean, handler: ConnectionHandler): Promise<PublishedPort> {
    let current = port;
    for (let attempt = 0; ; attempt++) {
      const server = createServer((socket) => {
        mapping.sockets.add(socket);
        socket.on('close', () => {
          mapping.sockets.delete(socket);
          const t = this.#closedTraffic.get(containerId) ?? { rx: 0, tx: 0 };
          this.#closedTraffic.set(containerId, { rx: t.rx + socket.bytesRead, tx: t.tx + socket.bytesWritten });
        });
        handler(socket);
      });
      try {
        await listen(server, current.hostPort, this.listenAddress);
        mapping.servers.push(server);
        return current;
      } catch {
        if (!random || attempt >= RANDOM_PORT_ATTEMPTS) throw notAvailable(current.hostPort);
        this.#reserved.delete(`tcp/${current.hostPort}`);
        current = { ...current, hostPort: this.#reserve(containerId, { ...current, hostPort: undefined }) };
      }
    }
  }
}

function notAvailable(port: number): EngineSystemError {
  return new EngineSystemError(`port ${port} is not available`);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
