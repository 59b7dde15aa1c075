/**
 * Admission control: reservations held in the resource pool tree and on hosts, kept incrementally.
 *
 * vSphere's rule: a pool's used reservation is the sum of its child pools' charges and of the
 * reservations (memory: plus overhead) of its powered-on VMs. A pool charges its parent its own
 * reservation, or — when its reservation is expandable and its children use more — what they use,
 * borrowing the difference from the parent. A non-expandable pool can never use more than it
 * reserves, an expandable one no more than its limit (vSphere Resource Management guide: an
 * ancestor lends only while no limit stops it from growing). The root pool reserves the cluster's
 * capacity (hosts that are connected).
 * Every check is O(depth of the pool tree); nothing is changed when a check fails.
 */
import { InsufficientResourcesError } from '../sim/errors.js';
import type { HostId, ResourcePoolId } from '../sim/ids.js';

/** The two resources admission control counts. */
export type Resource = 'cpu' | 'memory';

/** An amount of both resources (MHz, MB). */
export interface Amount {
  readonly cpu: number;
  readonly memory: number;
}

/** What accounting needs to know about a pool. */
export interface PoolNode {
  readonly id: ResourcePoolId;
  readonly name: string;
  readonly parent: ResourcePoolId | undefined;
  readonly reservation: Amount;
  /** Upper bound of what an expandable pool may use; -1 = unlimited. */
  readonly limit: Amount;
  readonly expandable: { readonly cpu: boolean; readonly memory: boolean };
}

/** Pool and host reservation bookkeeping. */
export class ReservationAccounting {
  readonly #pools = new Map<ResourcePoolId, PoolNode>();
  readonly #used = new Map<ResourcePoolId, { cpu: number; memory: number }>();
  readonly #hostUsed = new Map<HostId, { cpu: number; memory: number; vms: number }>();

  /** Registers or replaces a pool's node (its used amount is kept). */
  setPool(node: PoolNode): void {
    this.#pools.set(node.id, node);
    if (!this.#used.has(node.id)) this.#used.set(node.id, { cpu: 0, memory: 0 });
  }

  /** Forgets a pool (it must hold nothing). */
  deletePool(id: ResourcePoolId): void {
    this.#pools.delete(id);
    this.#used.delete(id);
  }

  /** What the pool's children and powered-on VMs use, as a copy (later changes do not show in it). */
  used(id: ResourcePoolId): Amount {
    const u = this.#used.get(id);
    return u ? { cpu: u.cpu, memory: u.memory } : { cpu: 0, memory: 0 };
  }

  /** What a host's powered-on VMs reserve (memory includes overhead), as a copy. */
  hostUsed(id: HostId): Amount {
    const u = this.#hostUsed.get(id);
    return u ? { cpu: u.cpu, memory: u.memory } : { cpu: 0, memory: 0 };
  }

  /** How much more of `r` pool `id` could admit, borrowing through expandable reservations. */
  available(id: ResourcePoolId, r: Resource): number {
    const p = this.#pools.get(id);
    if (!p) return 0;
    const used = this.#used.get(id)![r];
    const own = Math.max(0, p.reservation[r] - used);
    return Math.min(own + (p.expandable[r] && p.parent ? this.available(p.parent, r) : 0), Math.max(0, ceiling(p, r) - used));
  }

  /** The error admitting `delta` into pool `id` would raise, or undefined when it fits. */
  checkPool(id: ResourcePoolId, delta: Amount): InsufficientResourcesError | undefined {
    for (const r of ['cpu', 'memory'] as const) {
      if (delta[r] <= 0) continue;
      if (!this.#propagate(id, r, delta[r], false)) {
        const p = this.#pools.get(id)!;
        return new InsufficientResourcesError(`resource pool '${p.name}' (${id})`, r, delta[r], this.available(id, r), r === 'cpu' ? 'MHz' : 'MB');
      }
    }
    return undefined;
  }

  /** Adds (or with negative amounts releases) usage in pool `id`. Call checkPool first. */
  applyPool(id: ResourcePoolId, delta: Amount): void {
    for (const r of ['cpu', 'memory'] as const) if (delta[r] !== 0) this.#propagate(id, r, delta[r], true);
  }

  /**
   * The error changing pool `node`'s reservation or expandability would raise, or undefined.
   * Checks the pool still covers its own children and that its parent can grant the new charge.
   */
  checkPoolChange(node: PoolNode): InsufficientResourcesError | undefined {
    const old = this.#pools.get(node.id);
    const used = this.#used.get(node.id) ?? { cpu: 0, memory: 0 };
    for (const r of ['cpu', 'memory'] as const) {
      if (used[r] > ceiling(node, r) + 1e-9) {
        const unit = r === 'cpu' ? 'MHz' : 'MB';
        return new InsufficientResourcesError(`resource pool '${node.name}' (${node.id}) whose children hold ${used[r]} ${unit}`, r, used[r], ceiling(node, r), unit);
      }
      const dCharge = charge(node, used, r) - (old ? charge(old, used, r) : 0);
      if (dCharge > 0 && node.parent && !this.#propagate(node.parent, r, dCharge, false)) {
        const parent = this.#pools.get(node.parent)!;
        return new InsufficientResourcesError(`resource pool '${parent.name}' (${parent.id})`, r, dCharge, this.available(parent.id, r), r === 'cpu' ? 'MHz' : 'MB');
      }
    }
    return undefined;
  }

  /** Applies a pool change that checkPoolChange accepted (or a new pool: charge from zero). */
  applyPoolChange(node: PoolNode): void {
    const old = this.#pools.get(node.id);
    const used = this.#used.get(node.id) ?? { cpu: 0, memory: 0 };
    this.setPool(node);
    for (const r of ['cpu', 'memory'] as const) {
      const dCharge = charge(node, used, r) - (old ? charge(old, used, r) : 0);
      if (dCharge !== 0 && node.parent) this.#propagate(node.parent, r, dCharge, true);
    }
  }

  /** Moves a pool under another parent (node.parent), carrying what it uses with it. */
  movePool(node: PoolNode): void {
    const old = this.#pools.get(node.id);
    const used = this.#used.get(node.id);
    if (!old || !used) return;
    for (const r of ['cpu', 'memory'] as const) {
      const c = charge(old, used, r);
      if (c !== 0 && old.parent) this.#propagate(old.parent, r, -c, true);
    }
    this.#pools.set(node.id, node);
    for (const r of ['cpu', 'memory'] as const) {
      const c = charge(node, used, r);
      if (c !== 0 && node.parent) this.#propagate(node.parent, r, c, true);
    }
  }

  /** Releases everything pool `id` charges its parent, then forgets it. */
  removePool(id: ResourcePoolId): void {
    const node = this.#pools.get(id);
    if (!node) return;
    const used = this.#used.get(id)!;
    for (const r of ['cpu', 'memory'] as const) {
      const c = charge(node, used, r);
      if (c !== 0 && node.parent) this.#propagate(node.parent, r, -c, true);
    }
    this.deletePool(id);
  }

  /** The error reserving `delta` on a host of the given capacity would raise, or undefined. */
  checkHost(id: HostId, name: string, capacity: Amount, delta: Amount): InsufficientResourcesError | undefined {
    const used = this.#hostUsed.get(id) ?? NOTHING;
    for (const r of ['cpu', 'memory'] as const) {
      if (delta[r] > 0 && used[r] + delta[r] > capacity[r]) {
        return new InsufficientResourcesError(`host '${name}' (${id})`, r, delta[r], Math.max(0, capacity[r] - used[r]), r === 'cpu' ? 'MHz' : 'MB');
      }
    }
    return undefined;
  }

  /** Adds (or releases) reservations on a host, of `vms` powered-on VMs more (or fewer). O(1). */
  applyHost(id: HostId, delta: Amount, vms = 0): void {
    const u = this.#hostUsed.get(id) ?? { cpu: 0, memory: 0, vms: 0 };
    u.cpu += delta.cpu;
    u.memory += delta.memory;
    u.vms += vms;
    this.#hostUsed.set(id, u);
  }

  /** Powered-on VMs holding reservations on host `id`. O(1). */
  hostVms(id: HostId): number {
    return this.#hostUsed.get(id)?.vms ?? 0;
  }

  /**
   * Walks the charge of `d` up from pool `id`. As a check (`apply` false) returns whether it fits;
   * as an apply it always books it — a pool may already be over its reservation when its capacity
   * shrank (a failed host), and bookkeeping must stay exact then too.
   */
  #propagate(id: ResourcePoolId, r: Resource, d: number, apply: boolean): boolean {
    let pool = this.#pools.get(id);
    let delta = d;
    while (pool && delta !== 0) {
      const used = this.#used.get(pool.id)!;
      const before = charge(pool, used, r);
      const nextUsed = used[r] + delta;
      if (!apply && delta > 0 && nextUsed > ceiling(pool, r) + 1e-9) return false;
      if (apply) used[r] = nextUsed;
      const after = pool.expandable[r] ? Math.max(pool.reservation[r], nextUsed) : pool.reservation[r];
      delta = after - before;
      pool = pool.parent ? this.#pools.get(pool.parent) : undefined;
    }
    return true;
  }
}

const NOTHING: Amount = Object.freeze({ cpu: 0, memory: 0 });

/** The most a pool may use of one resource: its reservation, or when expandable its limit (-1: none). */
function ceiling(p: PoolNode, r: Resource): number {
  if (!p.expandable[r]) return p.reservation[r];
  return p.limit[r] === -1 ? Infinity : p.limit[r];
}

/** What a pool charges its parent for one resource. */
function charge(p: PoolNode, used: Amount, r: Resource): number {
  return p.expandable[r] ? Math.max(p.reservation[r], used[r]) : p.reservation[r];
}
