/**
 * Model-based testing of any `Backend` with fast-check commands: random sequences of VM operations
 * run against the backend and against a small reference model of what must be true (which VMs
 * exist, their power states); after every step both must agree. Aim it at the ModelBackend, at a
 * VSphereBackend on vcsim, or at your own wrapper of either.
 */
import fc from 'fast-check';
import type { Backend, VmPowerState } from '../backend/backend.js';
import { VicsimError } from '../sim/errors.js';
import type { ResourcePoolId, VmId } from '../sim/ids.js';
import { vmSizeArb, type VmSizeSpec } from './arbitraries.js';

/** What the commands know to be true. */
export interface ReferenceModel {
  /** VM name → id and expected power state. */
  readonly vms: Map<string, { id: VmId; power: VmPowerState }>;
}

/** What the commands run against. */
export interface BackendUnderTest {
  readonly backend: Backend;
  /** The pool new VMs go into. */
  readonly pool: ResourcePoolId;
}

/** Error codes an operation may fail with for reasons the reference model does not track. */
const CAPACITY_CODES = new Set(['InsufficientResourcesFault', 'InvalidHostState']);

type Cmd = fc.AsyncCommand<ReferenceModel, BackendUnderTest>;

/** Runs `run`; returns the typed error it failed with, or undefined. Untyped errors propagate. */
async function outcome(run: () => Promise<unknown>): Promise<VicsimError | undefined> {
  try {
    await run();
    return undefined;
  } catch (e) {
    if (e instanceof VicsimError) return e;
    throw e;
  }
}

function expect(cond: boolean, message: string): void {
  if (!cond) throw new Error(message);
}

/** Creates a VM of a random size; it must then exist, powered off — or fail for capacity. */
class CreateVm implements Cmd {
  constructor(
    readonly name: string,
    readonly size: VmSizeSpec,
  ) {}
  check(m: Readonly<ReferenceModel>): boolean {
    return !m.vms.has(this.name);
  }
  async run(m: ReferenceModel, r: BackendUnderTest): Promise<void> {
    let id: VmId | undefined;
    const err = await outcome(async () => {
      id = await (await r.backend.createVM({ name: this.name, pool: r.pool, ...this.size, disks: [{ capacityBytes: 1 << 30 }] })).wait();
    });
    if (err) {
      expect(CAPACITY_CODES.has(err.code), `create ${this.name} failed unexpectedly: ${err.code} ${err.message}`);
      expect((await r.backend.findVm(this.name)) === undefined, `failed create left VM ${this.name} behind`);
      return;
    }
    m.vms.set(this.name, { id: id!, power: 'poweredOff' });
  }
  toString(): string {
    return `createVM(${this.name}, ${this.size.numCpu} vCPU, ${this.size.memoryMB} MB)`;
  }
}

type PowerVerb = 'powerOn' | 'powerOff' | 'suspend' | 'reset' | 'destroy';

/** Which states allow a verb, and the state it leads to. */
const POWER_RULES: Record<PowerVerb, { from: VmPowerState[]; to: VmPowerState | 'gone' }> = {
  powerOn: { from: ['poweredOff', 'suspended'], to: 'poweredOn' },
  powerOff: { from: ['poweredOn', 'suspended'], to: 'poweredOff' },
  suspend: { from: ['poweredOn'], to: 'suspended' },
  reset: { from: ['poweredOn'], to: 'poweredOn' },
  destroy: { from: ['poweredOff'], to: 'gone' },
};

/** Applies a power verb (or destroy) to the `pick`-th VM; checks the outcome against the rules. */
class PowerVm implements Cmd {
  constructor(
    readonly verb: PowerVerb,
    readonly pick: number,
  ) {}
  check(m: Readonly<ReferenceModel>): boolean {
    return m.vms.size > 0;
  }
  async run(m: ReferenceModel, r: BackendUnderTest): Promise<void> {
    const [name, vm] = [...m.vms.entries()][this.pick % m.vms.size]!;
    const rule = POWER_RULES[this.verb];
    const b = r.backend;
    const call = { powerOn: b.powerOnVM, powerOff: b.powerOffVM, suspend: b.suspendVM, reset: b.resetVM, destroy: b.destroyVM }[this.verb].bind(b);
    const err = await outcome(async () => (await call(vm.id)).wait());
    const allowed = rule.from.includes(vm.power);
    if (!allowed) {
      expect(err?.code === 'InvalidPowerState', `${this.verb} ${name} in ${vm.power} should fail with InvalidPowerState, got ${err?.code ?? 'success'}`);
    } else if (err) {
      expect(this.verb === 'powerOn' && CAPACITY_CODES.has(err.code), `${this.verb} ${name} failed unexpectedly: ${err.code} ${err.message}`);
    } else if (rule.to === 'gone') {
      m.vms.delete(name);
    } else {
      vm.power = rule.to;
    }
    await agree(m, r);
  }
  toString(): string {
    return `${this.verb}(#${this.pick})`;
  }
}

/** Snapshots the `pick`-th VM; power state must not change. */
class SnapshotVm implements Cmd {
  constructor(readonly pick: number) {}
  check(m: Readonly<ReferenceModel>): boolean {
    return m.vms.size > 0;
  }
  async run(m: ReferenceModel, r: BackendUnderTest): Promise<void> {
    const [name, vm] = [...m.vms.entries()][this.pick % m.vms.size]!;
    const err = await outcome(async () => (await r.backend.createSnapshot(vm.id, `snap-${name}`)).wait());
    expect(err === undefined || err.code === 'SnapshotFault' || err.code === 'TooManySnapshotLevels', `snapshot of ${name} failed: ${err?.code} ${err?.message}`);
    await agree(m, r);
  }
  toString(): string {
    return `snapshot(#${this.pick})`;
  }
}

/** After every step: the backend's VMs in the pool are exactly the model's, in the same power states. */
async function agree(m: ReferenceModel, r: BackendUnderTest): Promise<void> {
  const actual = await r.backend.vms({ pool: r.pool });
  expect(actual.length === m.vms.size, `backend has ${actual.length} VMs in the pool, model ${m.vms.size}`);
  for (const vm of actual) {
    const want = m.vms.get(vm.name);
    expect(want !== undefined && want.id === vm.id, `backend has unexpected VM ${vm.name}`);
    expect(want!.power === vm.powerState, `${vm.name} is ${vm.powerState}, model says ${want!.power}`);
  }
}

/** The command arbitraries: creates, power verbs, destroys and snapshots over up to `maxVms` names. */
export function backendCommands(maxVms = 6): fc.Arbitrary<Cmd>[] {
  const pick = fc.nat(1000);
  return [
    fc.tuple(fc.integer({ min: 0, max: maxVms - 1 }), vmSizeArb()).map(([i, size]) => new CreateVm(`vm${i}`, size)),
    fc.tuple(fc.constantFrom<PowerVerb>('powerOn', 'powerOff', 'suspend', 'reset', 'destroy'), pick).map(([v, p]) => new PowerVm(v, p)),
    fc.tuple(fc.constant<PowerVerb>('powerOn'), pick).map(([v, p]) => new PowerVm(v, p)),
    pick.map((p) => new SnapshotVm(p)),
  ];
}

/** Options of {@link runModelBased}. */
export interface ModelBasedOptions {
  readonly numRuns?: number;
  readonly maxCommands?: number;
  readonly seed?: number;
  /** Called after every command sequence, e.g. to check model invariants; throw to fail. */
  readonly after?: (r: BackendUnderTest) => Promise<void> | void;
}

/**
 * Runs random command sequences against fresh backends from `setup` and throws fast-check's
 * report (with the shrunk failing sequence) when the backend and the reference model disagree.
 */
export async function runModelBased(setup: () => Promise<BackendUnderTest>, opts: ModelBasedOptions = {}): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.commands(backendCommands(), { maxCommands: opts.maxCommands ?? 40 }), async (cmds) => {
      const real = await setup();
      try {
        await fc.asyncModelRun(() => ({ model: { vms: new Map() }, real }), cmds);
        await opts.after?.(real);
      } finally {
        await real.backend.close();
      }
    }),
    { numRuns: opts.numRuns ?? 50, ...(opts.seed !== undefined ? { seed: opts.seed } : {}) },
  );
}
