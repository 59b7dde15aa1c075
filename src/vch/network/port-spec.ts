/**
 * Published ports as the Docker API hands them over (`Config.ExposedPorts` keys such as `80/tcp`,
 * `HostConfig.PortBindings` {"80/tcp": [{HostIp, HostPort}]}, `HostConfig.PublishAllPorts`),
 * checked with docker's and VIC's messages (VIC's personality, container create):
 * "host port ranges are not supported for port bindings", "host IP for port bindings is only
 * supported for 0.0.0.0 and the public interface IP address". Pure.
 */
import type { PortBinding } from '../engine/docker-types.js';
import { BadParameterError } from '../engine/errors.js';

/** A transport protocol docker knows. */
export type PortProtocol = 'tcp' | 'udp' | 'sctp';

/** One port to publish: a container port and the host port it is reachable on. */
export interface PortSpec {
  readonly containerPort: number;
  readonly protocol: PortProtocol;
  /** The host IP as asked for: "", "0.0.0.0" or one of the allowed addresses. */
  readonly hostIp: string;
  /** The host port; undefined for a random ephemeral port chosen at start. */
  readonly hostPort: number | undefined;
}

/** The port fields of a container create request. */
export interface PortRequest {
  readonly exposedPorts?: Readonly<Record<string, object>> | null;
  readonly portBindings?: Readonly<Record<string, readonly PortBinding[] | null>> | null;
  readonly publishAllPorts?: boolean;
}

/** Host IPs a binding may name by default: any address, and the VCH endpoint's (loopback). */
export const DEFAULT_ALLOWED_HOST_IPS: readonly string[] = ['', '0.0.0.0', '127.0.0.1'];

/** A container port key (`80`, `80/tcp`) as docker parses it; 400 "invalid containerPort: X" or "invalid proto: X". */
export function parsePortKey(key: string): { readonly port: number; readonly protocol: PortProtocol } {
  const [portText = '', proto = 'tcp', ...rest] = key.split('/');
  const port = parsePortNumber(portText);
  if (port === undefined || rest.length > 0) throw new BadParameterError(`invalid containerPort: ${portText || key}`);
  const protocol = proto.toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'sctp') throw new BadParameterError(`invalid proto: ${proto}`);
  return { port, protocol };
}

/**
 * The ports to publish for a create request, in binding order then exposed order: every binding of
 * `portBindings`, and with `publishAllPorts` every other exposed port on a random host port.
 * Throws 400 with docker's/VIC's message for a bad port, protocol, host port range or host IP.
 * O(bindings + exposed ports).
 * @param allowedHostIps host IPs a binding may name (default "", 0.0.0.0 and 127.0.0.1)
 */
export function parsePortSpecs(req: PortRequest, allowedHostIps: readonly string[] = DEFAULT_ALLOWED_HOST_IPS): PortSpec[] {
  const specs: PortSpec[] = [];
  const bound = new Set<string>();
  for (const [key, bindings] of Object.entries(req.portBindings ?? {})) {
    const { port, protocol } = parsePortKey(key);
    for (const b of bindings ?? []) {
      specs.push({ containerPort: port, protocol, hostIp: checkHostIp(b.HostIp ?? '', allowedHostIps), hostPort: parseHostPort(b.HostPort ?? '') });
      bound.add(`${port}/${protocol}`);
    }
  }
  if (req.publishAllPorts) {
    const keys = [...Object.keys(req.exposedPorts ?? {}), ...Object.keys(req.portBindings ?? {})];
    for (const key of keys) {
      const { port, protocol } = parsePortKey(key);
      if (bound.has(`${port}/${protocol}`)) continue;
      bound.add(`${port}/${protocol}`);
      specs.push({ containerPort: port, protocol, hostIp: '', hostPort: undefined });
    }
  } else {
    for (const key of Object.keys(req.exposedPorts ?? {})) parsePortKey(key);
  }
  return specs;
}

function parsePortNumber(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** "" and "0" mean a random port; "N-N" is N; another range is VIC's refusal. */
function parseHostPort(text: string): number | undefined {
  if (text === '' || text === '0') return undefined;
  const range = /^(\d+)-(\d+)$/.exec(text);
  if (range) {
    if (range[1] !== range[2]) throw new BadParameterError('host port ranges are not supported for port bindings');
    return parseHostPort(range[1]!);
  }
  const port = parsePortNumber(text);
  if (port === undefined) throw new BadParameterError(`invalid hostPort: ${text}`);
  return port;
}

function checkHostIp(ip: string, allowed: readonly string[]): string {
  if (!allowed.includes(ip)) throw new BadParameterError('host IP for port bindings is only supported for 0.0.0.0 and the public interface IP address');
  return ip;
}
