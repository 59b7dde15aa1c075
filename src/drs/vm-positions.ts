/**
 * VM positions by id for a {@link HostLedger}: its own map, or a DRS session's index taken as it is
 * (a session's kept ledger holds the session's VMs in the session's order, so one map serves both:
 * ≈ 46 B less per VM) and copied only if a VM is added to the ledger afterwards.
 */
import { InvalidArgumentError } from '../sim/errors.js';
import type { VmId } from '../sim/ids.js';

/** Position of each VM by id, copy-on-write over a shared index. */
export class VmPositions {
  #map: Map<VmId, number>;
  #shared: boolean;

  /** Positions starting empty, or `shared`'s (never changed here; the owner must not change it either). O(1). */
  constructor(shared?: ReadonlyMap<VmId, number>) {
    this.#map = (shared as Map<VmId, number> | undefined) ?? new Map();
    this.#shared = shared !== undefined;
  }

  /** The position of VM `id`, or undefined when it is not booked. O(1). */
  get(id: VmId): number | undefined {
    return this.#map.get(id);
  }

  /**
   * Books VM `id` at position `v`: nothing to do when the shared index already places it there;
   * otherwise a shared index is copied first. O(1), O(V) for the one copy.
   * @throws InvalidArgumentError when `id` is booked at another position.
   */
  book(id: VmId, v: number): void {
    if (this.#shared) {
      if (this.#map.get(id) === v) return;
      this.#map = new Map(this.#map);
      this.#shared = false;
    }
    if (this.#map.has(id)) throw new InvalidArgumentError('vm', `${id} is already in the ledger`);
    this.#map.set(id, v);
  }
}
