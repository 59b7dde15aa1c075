import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ipam } from '../../../src/vch/network/ipam.js';
import { formatIpv4, parseIpv4 } from '../../../src/vch/network/ipv4.js';
import { EngineError } from '../../../src/vch/engine/errors.js';

function thrown(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error('expected an engine error');
}

describe('Ipam pools', () => {
  it('gives the first network 172.16.0.0/16 with gateway .1 and each next one the next /16', () => {
    const ipam = new Ipam();
    expect(ipam.createPool('bridge', 'bridge')).toEqual({ Subnet: '172.16.0.0/16', Gateway: '172.16.0.1' });
    expect(ipam.createPool('a', 'a').Subnet).toBe('172.17.0.0/16');
    expect(ipam.createPool('b', 'b').Subnet).toBe('172.18.0.0/16');
  });

  it('reuses a freed block before taking a later one', () => {
    const ipam = new Ipam();
    ipam.createPool('bridge', 'bridge');
    ipam.createPool('a', 'a');
    ipam.createPool('b', 'b');
    ipam.deletePool('a');
    expect(ipam.createPool('c', 'c').Subnet).toBe('172.17.0.0/16');
  });

  it('runs out after sixteen networks in a /12 with a clear message', () => {
    const ipam = new Ipam();
    for (let i = 0; i < 16; i++) ipam.createPool(`n${i}`, `n${i}`);
    const e = thrown(() => ipam.createPool('x', 'x'));
    expect(e.status).toBe(500);
    expect(e.message).toBe('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
  });

  it('honours a configured bridge range and block size', () => {
    const ipam = new Ipam('10.10.0.0/16', 24);
    expect(ipam.createPool('bridge', 'bridge')).toEqual({ Subnet: '10.10.0.0/24', Gateway: '10.10.0.1' });
    expect(ipam.createPool('a', 'a').Subnet).toBe('10.10.1.0/24');
  });

  it('honours a requested subnet, gateway and ip range, and skips it when carving later blocks', () => {
    const ipam = new Ipam();
    ipam.createPool('bridge', 'bridge');
    expect(ipam.createPool('u', 'u', { Subnet: '172.17.0.0/16', Gateway: '172.17.0.254', IPRange: '172.17.5.0/24' })).toEqual({
      Subnet: '172.17.0.0/16',
      Gateway: '172.17.0.254',
      IPRange: '172.17.5.0/24',
    });
    expect(ipam.createPool('n', 'n').Subnet).toBe('172.18.0.0/16');
    expect(ipam.allocate('u')).toBe('172.17.5.0');
    expect(ipam.createPool('out', 'out', { Subnet: '192.168.10.0/24' }).Gateway).toBe('192.168.10.1');
  });

  it('refuses a subnet overlapping another network with docker\'s words', () => {
    const ipam = new Ipam();
    ipam.createPool('bridge', 'bridge');
    const e = thrown(() => ipam.createPool('x', 'x', { Subnet: '172.16.128.0/24' }));
    expect([e.status, e.message]).toEqual([403, 'Pool overlaps with other one on this address space']);
    expect(thrown(() => ipam.createPool('y', 'y', { Subnet: '172.0.0.0/8' })).status).toBe(403);
  });

  it('refuses a malformed subnet, a gateway outside it and an ip range outside it', () => {
    const ipam = new Ipam();
    expect(thrown(() => ipam.createPool('a', 'a', { Subnet: '10.0.0.0/33' })).message).toBe('invalid CIDR address: 10.0.0.0/33');
    expect(thrown(() => ipam.createPool('a', 'a', { Subnet: '10.0.0.1/24' })).message).toBe('invalid subnet 10.0.0.1/24 : it should be 10.0.0.0/24');
    expect(thrown(() => ipam.createPool('a', 'a', { Subnet: '10.0.0.0/24', Gateway: '10.0.1.1' })).message).toBe('no matching subnet for gateway 10.0.1.1');
    expect(thrown(() => ipam.createPool('a', 'a', { Subnet: '10.0.0.0/24', IPRange: '10.0.0.0/23' })).message).toBe('no matching subnet for range 10.0.0.0/23');
    expect(thrown(() => ipam.createPool('a', 'a', { Gateway: '10.0.0.1' })).status).toBe(400);
  });
});

describe('Ipam addresses', () => {
  it('hands out the lowest free address, skipping the network address and the gateway', () => {
    const ipam = new Ipam();
    ipam.createPool('b', 'bridge');
    expect([ipam.allocate('b'), ipam.allocate('b'), ipam.allocate('b')]).toEqual(['172.16.0.2', '172.16.0.3', '172.16.0.4']);
    ipam.release('b', '172.16.0.3');
    expect(ipam.allocate('b')).toBe('172.16.0.3');
    expect(ipam.allocate('b')).toBe('172.16.0.5');
  });

  it('honours a requested address and refuses one in use, the gateway or one outside the subnet', () => {
    const ipam = new Ipam();
    ipam.createPool('b', 'bridge');
    expect(ipam.allocate('b', '172.16.9.9')).toBe('172.16.9.9');
    expect(thrown(() => ipam.allocate('b', '172.16.9.9')).message).toBe('Address already in use');
    expect(thrown(() => ipam.allocate('b', '172.16.0.1')).message).toBe('Address already in use');
    expect(thrown(() => ipam.allocate('b', '172.16.255.255')).message).toBe('requested address is out of range');
    expect(thrown(() => ipam.allocate('b', '10.0.0.1')).message).toBe('requested address is out of range');
  });

  it('reports exhaustion naming the network', () => {
    const ipam = new Ipam();
    ipam.createPool('t', 'tiny (abc)', { Subnet: '10.0.0.0/30' });
    expect(ipam.allocate('t')).toBe('10.0.0.2');
    const e = thrown(() => ipam.allocate('t'));
    expect(e.message).toBe("no available IPv4 addresses on this network's address pools: tiny (abc)");
  });

  it('never hands out an address twice, never the gateway, always inside the subnet (any allocate/release sequence)', () => {
    const op = fc.oneof(
      fc.constant({ kind: 'alloc' as const }),
      fc.record({ kind: fc.constant('fixed' as const), host: fc.integer({ min: 0, max: 40 }) }),
      fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const ipam = new Ipam();
        ipam.createPool('n', 'n', { Subnet: '10.1.0.0/26' });
        const held = new Set<string>();
        for (const o of ops) {
          if (o.kind === 'release') {
            const list = [...held];
            const ip = list[o.pick % Math.max(1, list.length)];
            if (ip) ipam.release('n', ip), held.delete(ip);
            continue;
          }
          let ip: string | undefined;
          try {
            ip = ipam.allocate('n', o.kind === 'fixed' ? formatIpv4(parseIpv4('10.1.0.0')! + o.host) : undefined);
          } catch {
            continue;
          }
          expect(held.has(ip)).toBe(false);
          expect(ip).not.toBe('10.1.0.1');
          const host = parseIpv4(ip)! - parseIpv4('10.1.0.0')!;
          expect(host > 0 && host < 63).toBe(true);
          held.add(ip);
        }
        expect(ipam.allocatedCount('n')).toBe(held.size);
      }),
      { numRuns: 200 },
    );
  });

  it('dynamic allocation always returns the lowest free address', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(-1), fc.nat({ max: 30 })), { maxLength: 80 }), (ops) => {
        const ipam = new Ipam();
        ipam.createPool('n', 'n', { Subnet: '10.2.0.0/27' });
        const held = new Set<number>();
        for (const o of ops) {
          if (o >= 0) {
            const ip = [...held][o % Math.max(1, held.size)];
            if (ip !== undefined) ipam.release('n', formatIpv4(ip)), held.delete(ip);
            continue;
          }
          const lowest = [...Array(29).keys()].map((i) => parseIpv4('10.2.0.2')! + i).find((n) => !held.has(n));
          if (lowest === undefined) continue;
          expect(ipam.allocate('n')).toBe(formatIpv4(lowest));
          held.add(lowest);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('round-trips through its saved form, keeping held addresses held', () => {
    const ipam = new Ipam();
    ipam.createPool('b', 'bridge');
    ipam.allocate('b');
    ipam.allocate('b', '172.16.3.3');
    const copy = Ipam.fromJSON(JSON.parse(JSON.stringify(ipam.toJSON())));
    expect(copy.toJSON()).toEqual(ipam.toJSON());
    expect(copy.allocate('b')).toBe('172.16.0.3');
    expect(thrown(() => copy.allocate('b', '172.16.3.3')).message).toBe('Address already in use');
  });
});
