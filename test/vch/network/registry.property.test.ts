import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NetworkRegistry } from '../../../src/vch/network/registry.js';

const CONTAINERS = ['a', 'b', 'c', 'd', 'e'].map((c) => ({ id: c.repeat(64), name: c }));
const NETWORKS = ['bridge', 'n1', 'n2'];

type Op =
  | { kind: 'plan' | 'start' | 'stop' | 'forget'; c: number }
  | { kind: 'connect' | 'disconnect'; c: number; n: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom('plan' as const, 'start' as const, 'stop' as const, 'forget' as const), c: fc.nat({ max: 4 }) }),
  fc.record({ kind: fc.constantFrom('connect' as const, 'disconnect' as const), c: fc.nat({ max: 4 }), n: fc.nat({ max: 2 }) }),
);

function apply(reg: NetworkRegistry, o: Op): void {
  const c = CONTAINERS[o.c]!;
  try {
    if (o.kind === 'plan') reg.planContainer(c, NETWORKS[o.c % 3], undefined);
    else if (o.kind === 'start') reg.startContainer(c.id);
    else if (o.kind === 'stop') reg.stopContainer(c.id);
    else if (o.kind === 'forget') reg.forgetContainer(c.id);
    else if (o.kind === 'connect') reg.connect(NETWORKS[o.n]!, c);
    else if (o.kind === 'disconnect') reg.disconnect(NETWORKS[o.n]!, c.id);
  } catch (e) {
    if (!(e instanceof Error && 'status' in e)) throw e;
  }
}

describe('the network registry under any sequence of container operations', () => {
  it('gives every live address to exactly one endpoint, never the gateway, and shows exactly the live endpoints', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        let n = 0;
        const reg = new NetworkRegistry({ newId: () => (++n).toString(16).padStart(64, '0'), now: () => 0 });
        reg.create({ Name: 'n1' });
        reg.create({ Name: 'n2', IPAM: { Config: [{ Subnet: '10.9.0.0/29' }] } });
        for (const o of ops) apply(reg, o);
        for (const net of reg.list({ driver: ['bridge'] })) {
          const live = CONTAINERS.flatMap((c) => reg.endpoints(c.id).filter((e) => e.networkId === net.Id && e.ip !== ''));
          const ips = live.map((e) => e.ip);
          expect(new Set(ips).size).toBe(ips.length);
          expect(ips).not.toContain(net.IPAM.Config[0]!.Gateway);
          expect(Object.keys(net.Containers).length).toBe(live.length);
        }
        for (const a of CONTAINERS) for (const b of CONTAINERS) expect(reg.canReach(a.id, b.id)).toBe(reg.canReach(b.id, a.id));
      }),
      { numRuns: 150 },
    );
  });
});
