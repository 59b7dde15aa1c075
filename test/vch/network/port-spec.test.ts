import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadParameterError } from '../../../src/vch/engine/errors.js';
import { parsePortKey, parsePortSpecs } from '../../../src/vch/network/port-spec.js';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BadParameterError);
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('port specs', () => {
  it('reads what `docker run -p 8080:80 -p 53/udp -p 127.0.0.1::443` sends', () => {
    const specs = parsePortSpecs({
      exposedPorts: { '80/tcp': {}, '53/udp': {}, '443/tcp': {} },
      portBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }], '53/udp': [{ HostIp: '', HostPort: '' }], '443/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
    });
    expect(specs).toEqual([
      { containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: 8080 },
      { containerPort: 53, protocol: 'udp', hostIp: '', hostPort: undefined },
      { containerPort: 443, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: undefined },
    ]);
  });

  it('publishes every other exposed port on a random port with PublishAllPorts', () => {
    const specs = parsePortSpecs({ exposedPorts: { '80/tcp': {}, '9000': {} }, portBindings: { '80/tcp': [{ HostPort: '8080' }] }, publishAllPorts: true });
    expect(specs).toEqual([
      { containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: 8080 },
      { containerPort: 9000, protocol: 'tcp', hostIp: '', hostPort: undefined },
    ]);
  });

  it('publishes nothing for exposed ports alone', () => {
    expect(parsePortSpecs({ exposedPorts: { '80/tcp': {} }, portBindings: { '80/tcp': null } })).toEqual([]);
  });

  it("refuses host port ranges, other host IPs, bad ports and protocols with VIC's and docker's words", () => {
    expect(message(() => parsePortSpecs({ portBindings: { '80/tcp': [{ HostPort: '8081-8088' }] } }))).toBe('host port ranges are not supported for port bindings');
    expect(message(() => parsePortSpecs({ portBindings: { '80/tcp': [{ HostIp: '10.10.10.10', HostPort: '8088' }] } }))).toBe(
      'host IP for port bindings is only supported for 0.0.0.0 and the public interface IP address',
    );
    expect(message(() => parsePortSpecs({ portBindings: { '80/tcp': [{ HostPort: '99999' }] } }))).toBe('invalid hostPort: 99999');
    expect(message(() => parsePortSpecs({ portBindings: { '0/tcp': [{ HostPort: '80' }] } }))).toBe('invalid containerPort: 0');
    expect(message(() => parsePortSpecs({ exposedPorts: { '80/icmp': {} } }))).toBe('invalid proto: icmp');
    expect(parsePortSpecs({ portBindings: { '80/tcp': [{ HostPort: '8080-8080' }] } })[0]!.hostPort).toBe(8080);
  });

  it('accepts the public interface address when the VCH allows it', () => {
    const specs = parsePortSpecs({ portBindings: { '80/tcp': [{ HostIp: '192.0.2.7', HostPort: '80' }] } }, ['', '0.0.0.0', '192.0.2.7']);
    expect(specs[0]!.hostIp).toBe('192.0.2.7');
  });

  it('parses every valid port key and refuses every number outside 1–65535', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 70000 }), fc.constantFrom('tcp', 'udp', 'sctp', 'TCP'), (port, proto) => {
        const key = `${port}/${proto}`;
        if (port >= 1 && port <= 65535) expect(parsePortKey(key)).toEqual({ port, protocol: proto.toLowerCase() });
        else expect(() => parsePortKey(key)).toThrow(BadParameterError);
      }),
      { numRuns: 200 },
    );
  });
});
