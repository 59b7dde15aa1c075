/**
 * DRS initial placement over a cached ledger per cluster. Building a ledger costs a snapshot and
 * an entitlement divvy, O(H + V); a burst of creates reuses one ledger and commits each placement
 * into it, so each further placement costs O(H). The ledger is rebuilt when the cluster changed
 * in a way it does not already reflect (a host, a pool, a VM removed, moved, stopped or started
 * without DRS placing it, a VM registered elsewhere) or when it is older than `maxAgeMs` of
 * simulated time (measured demand drifts; DRS itself works from periodic statistics), or when
 * the cluster's rules changed (cluster-config.ts).
 * VMs placed but not yet powered on count on their host with their expected demand.
 * Where the hooks switch page-sharing-aware placement on for a cluster (beyond DRS; off by default),
 * the new VM's snapshot carries the MB resident pages would back on each host (expectedSharedMB)
 * and each such placement is reported with its explanation.
 */
import type { ClusterId, HostId, VmId } from '../../sim/ids.js';
import type { VSphereModel } from '../../hypervisor/model.js';
import type { PlacementRefusal } from '../../hypervisor/placement.js';
import type { RegistryChange } from '../../hypervisor/registry.js';
import type { VirtualMachine, VmConfig } from '../../hypervisor/types.js';
import type { BalanceOptions } from '../balance.js';
import { computeEntitlements } from '../entitlement.js';
import { HostLedger } from '../ledger.js';
import { commitPlacement, drsPlacement, type SharingChoice, type SharingPreference } from '../placement.js';
import { RuleIndex } from '../rules.js';
import type { VmSnapshot } from '../snapshot.js';
import { clusterSettings } from './cluster-config.js';
import { expectedDemand, expectedSharedMB, snapshotCluster, vmSnapshot } from './model-snapshot.js';

/** Age after which a cached placement ledger is rebuilt, simulated ms (estimate: one 20 s statistics sample). */
export const PLACEMENT_LEDGER_MAX_AGE_MS = 20_000;

/** One sharing-aware placement: where the VM went and why. */
export interface SharingPlacementRecord extends SharingChoice {
  /** Simulated ms. */
  readonly at: number;
  readonly cluster: ClusterId;
  /** Where the new VM was placed (the placement policy is given its configuration, not its name). */
  readonly host: HostId;
}

/** How the cache learns a cluster's sharing preference and reports sharing-aware placements. */
export interface SharingPlacementHooks {
  /** The preference of `cluster`, or undefined for DRS's choice exactly (the default). */
  readonly preferenceOf?: (cluster: ClusterId) => SharingPreference | undefined;
  /** Called after each sharing-aware placement. */
  readonly record?: (record: SharingPlacementRecord) => void;
}

interface CachedLedger {
  readonly ledger: HostLedger;
  readonly rules: RuleIndex;
  readonly builtAt: number;
  /** The cluster settings' version the rules come from. */
  readonly version: number;
  readonly cores: ReadonlyMap<HostId, number>;
}

/** Cached ledgers and pending VMs of one model's DRS placement. */
export class PlacementCache {
  readonly #ledgers = new Map<ClusterId, CachedLedger>();
  /** VMs DRS placed that have not been powered on yet. */
  readonly #pending = new Set<VmId>();
  /** The host just returned: the next VM registered there is the one placed. */
  #placedOn: HostId | undefined;
  #placements = 0;

  constructor(
    readonly model: VSphereModel,
    readonly options: Omit<BalanceOptions, 'threshold'>,
    readonly maxAgeMs = PLACEMENT_LEDGER_MAX_AGE_MS,
    readonly sharing: SharingPlacementHooks = {},
  ) {}

  /**
   * The host for a new VM of `config` in `cluster`, or why none fits. O(H) on a cached ledger,
   * O(H + V) to rebuild; with sharing on, plus expectedSharedMB's O(H + VMs on TPS hosts).
   */
  place(cluster: ClusterId, config: VmConfig): HostId | PlacementRefusal {
    const cached = this.#ledgerOf(cluster);
    const allowed = new Set([...cached.cores].filter(([, n]) => n >= config.numCpu).map(([id]) => id));
    const id = `vm-placing-${++this.#placements}` as VmId;
    const probe = { id, name: 'new VM', config, host: cached.ledger.hosts[0]?.id, pool: this.model.registry.get('Cluster', cluster).rootPool } as VirtualMachine;
    const vm = vmSnapshot(this.model, probe, expectedDemand(this.model, probe.name, config));
    const sharing = this.sharing.preferenceOf?.(cluster);
    const hosts = cached.ledger.hosts.map((h) => h.id);
    const request = { vm: sharing ? { ...vm, sharedMBIfPlacedOn: expectedSharedMB(this.model, hosts, config) } : vm, allowedHosts: allowed };
    const result = drsPlacement(sharing ? { ledger: cached.ledger, rules: cached.rules, sharing } : { ledger: cached.ledger, rules: cached.rules }, request);
    if (!result.ok) return { refused: `DRS found no host: ${result.rejections.map((r) => `${r.host} ${r.detail}`).join('; ')}` };
    if (result.sharing) this.sharing.record?.({ ...result.sharing, at: this.model.clock.now(), cluster, host: result.host });
    commitPlacement(cached.ledger, request, result);
    this.#placedOn = result.host;
    return result.host;
  }

  /** Keeps the pending set and drops ledgers the change makes wrong. Call for every registry change. O(1). */
  onChange(c: RegistryChange): void {
    const o = c.object;
    if (o.kind === 'Host' || o.kind === 'ResourcePool') {
      this.#ledgers.delete(o.cluster);
      return;
    }
    if (o.kind !== 'VirtualMachine') return;
    if (c.op === 'put') {
      const ours = o.host === this.#placedOn && o.powerState === 'poweredOff';
      this.#placedOn = undefined;
      if (ours) this.#pending.add(o.id);
      else this.#ledgers.delete(o.cluster);
      return;
    }
    const wasPending = this.#pending.delete(o.id);
    const previous = c.op === 'update' ? (c.previous as VirtualMachine) : undefined;
    const started = previous && previous.powerState !== 'poweredOn' && o.powerState === 'poweredOn' && previous.host === o.host;
    if (started && wasPending) return;
    if (c.op === 'update' && previous?.powerState === o.powerState && previous.host === o.host && previous.pool === o.pool && previous.config === o.config) {
      if (wasPending) this.#pending.add(o.id);
      return;
    }
    this.#ledgers.delete(o.cluster);
    if (previous && previous.cluster !== o.cluster) this.#ledgers.delete(previous.cluster);
  }

  #ledgerOf(cluster: ClusterId): CachedLedger {
    const now = this.model.clock.now();
    const cached = this.#ledgers.get(cluster);
    const version = clusterSettings(this.model, cluster).version;
    if (cached && now - cached.builtAt <= this.maxAgeMs && cached.version === version) return cached;
    const snapshot = snapshotCluster(this.model, cluster);
    const pendingVms: VmSnapshot[] = [];
    for (const id of this.#pending) {
      const vm = this.model.registry.find(id);
      if (vm?.kind === 'VirtualMachine' && vm.cluster === cluster && vm.powerState !== 'poweredOn') pendingVms.push(vmSnapshot(this.model, vm, expectedDemand(this.model, vm.name, vm.config)));
    }
    const all = { ...snapshot, vms: [...snapshot.vms, ...pendingVms] };
    const ledger = HostLedger.fromSnapshot(all, computeEntitlements(all, this.options.entitlement), this.options.ledger);
    const fresh = { ledger, rules: new RuleIndex(snapshot.rules), builtAt: now, version, cores: new Map(this.model.hostsOf(cluster).map((h) => [h.id, h.cpuCores])) };
    this.#ledgers.set(cluster, fresh);
    return fresh;
  }
}
