/** Container network specs, addresses and the model's DHCP leases (network/external.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkContainerNetworks, dhcpLease, ExternalAddresses, externalNetworkOf } from '../../../src/vch/network/external.js';
import { parseIpv4 } from '../../../src/vch/network/ipv4.js';

const BRIDGE = '172.16.0.0/12';

describe('container network specs', () => {
  it.each([
    [{ portGroup: 'pg', alias: 'bridge' }, 'Cannot use reserved name "bridge" for container network'],
    [{ portGroup: 'pg', ipRanges: ['10.1.0.0/28'] }, 'IP range specified without gateway for container network "pg"'],
    [{ portGroup: 'pg', gateway: '10.1.0.1/24', ipRanges: ['10.2.0.0/28'] }, 'IP range "10.2.0.0/28" is not in subnet "10.1.0.1/24"'],
    [{ portGroup: 'pg', gateway: '10.1.0.1/24', ipRanges: ['10.1.0.0/28', '10.1.0.8-10.1.0.20'] }, 'Overlapping ip ranges: "10.1.0.8-10.1.0.20" "10.1.0.0/28"'],
    [{ portGroup: 'pg', gateway: '172.16.5.1/24' }, 'external network cannot overlap with default bridge network'],
    [{ portGroup: 'pg', firewall: 'wide' }, 'Unrecognized container trust level wide.'],
    [{ portGroup: 'my pg' }, 'A network alias must be supplied when network name "my pg" contains spaces.'],
  ])('refuses %j with vic-machine words', (spec, message) => {
    expect(() => checkContainerNetworks([spec as never], BRIDGE)).toThrow(message);
  });

  it('accepts a DHCP network and a static one, defaulting the range to the subnet and the firewall to published', () => {
    expect(() => checkContainerNetworks([{ portGroup: 'a' }, { portGroup: 'b', gateway: '10.1.0.1/24', dns: ['10.1.0.2'] }], BRIDGE)).not.toThrow();
    expect(externalNetworkOf({ portGroup: 'b', gateway: '10.1.0.1/24' }, 'network-3')).toEqual({
      pool: { Subnet: '10.1.0.0/24', Gateway: '10.1.0.1' },
      external: { portGroup: 'b', portGroupId: 'network-3', firewall: 'published', dns: [], ranges: ['10.1.0.1-10.1.0.254'] },
    });
  });
});

describe('container network addresses', () => {
  it('hands out distinct addresses inside the ranges, never the gateway, until they run out', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 40 }), (releases) => {
        const { pool, external } = externalNetworkOf({ portGroup: 'p', gateway: '10.9.0.1/24', ipRanges: ['10.9.0.1-10.9.0.6'] }, 'network-1');
        const addresses = new ExternalAddresses();
        const held: string[] = [];
        for (const release of releases) {
          if (release && held.length > 0) addresses.release('n', held.shift()!);
          else if (held.length < 5) held.push(addresses.allocate('n', pool, external.ranges, ''));
          else expect(() => addresses.allocate('n', pool, external.ranges, '')).toThrow(/no available IPv4 addresses/);
        }
        expect(new Set(held).size).toBe(held.length);
        for (const ip of held) expect(parseIpv4(ip)! >= parseIpv4('10.9.0.2')! && parseIpv4(ip)! <= parseIpv4('10.9.0.6')!).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('leases distinct DHCP addresses in 10.64.0.0/10 to distinct vCenter-generated MACs', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 2 ** 22 - 1 }), { minLength: 2, maxLength: 20 }), (ns) => {
        const macs = ns.map((n) => `00:50:56:${[0x80 | (n >> 16), (n >> 8) & 0xff, n & 0xff].map((b) => b.toString(16).padStart(2, '0')).join(':')}`);
        const leases = macs.map(dhcpLease);
        expect(new Set(leases).size).toBe(leases.length);
        for (const l of leases) expect(parseIpv4(l)! >>> 22).toBe(parseIpv4('10.64.0.0')! >>> 22);
      }),
      { numRuns: 200 },
    );
  });
});
