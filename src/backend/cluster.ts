/**
 * The Backend's cluster shapes: DRS, HA and DPM configuration, rules, groups and DRS VM overrides (vim:
 * ClusterConfigInfoEx and ClusterConfigSpecEx), DRS recommendations with their reasons, and the
 * DRS migration history (vim: ClusterRecommendation, ClusterDrsMigration).
 */
import type { ClusterId, HostId, VmId } from '../sim/ids.js';
import type { Task } from './backend.js';

/** DRS automation (vim: DrsBehavior); only `fullyAutomated` clusters move VMs by themselves. */
export type DrsBehavior = 'manual' | 'partiallyAutomated' | 'fullyAutomated';

/** DRS on a cluster (vim: ClusterDrsConfigInfo). */
export interface ClusterDrsConfig {
  readonly enabled: boolean;
  readonly defaultVmBehavior: DrsBehavior;
  /** 1 (mandatory moves only) to 5 (most aggressive), as the vSphere client shows it (vim vmotionRate = 6 − this). */
  readonly migrationThreshold: number;
}

/**
 * HA admission control policy: tolerate `failoverLevel` host failures with slots (vim:
 * ClusterFailoverLevelAdmissionControlPolicy), or hold back percentages of the cluster's CPU and
 * memory (vim: ClusterFailoverResourcesAdmissionControlPolicy), each an integer 0–99.
 */
export type HaAdmissionPolicy =
  | { readonly type: 'failoverLevel'; readonly failoverLevel: number }
  | { readonly type: 'failoverResources'; readonly cpuFailoverPercent: number; readonly memoryFailoverPercent: number };

/** HA on a cluster (vim: ClusterDasConfigInfo). */
export interface ClusterHaConfig {
  readonly enabled: boolean;
  /** Whether power-ons that would eat into the failover reserve are refused. */
  readonly admissionControlEnabled: boolean;
  readonly admissionControlPolicy: HaAdmissionPolicy;
}

/** DPM automation (vim: DpmBehavior): `automated` carries out host power changes; `manual` only recommends them. */
export type DpmBehavior = 'manual' | 'automated';

/** DPM on a cluster (vim: ClusterDpmConfigInfo). DPM runs inside DRS: it needs DRS enabled on the cluster. */
export interface ClusterDpmConfig {
  readonly enabled: boolean;
  readonly defaultDpmBehavior: DpmBehavior;
  /**
   * 1–5 (vim's rating scale, default 3): power changes rated at or above it are made. A rating is
   * 6 − the recommendation's priority, so the threshold as the vSphere client shows it is 6 − this.
   */
  readonly hostPowerActionRate: number;
}

/**
 * DRS's setting for one VM (vim: ClusterDrsVmConfigInfo, keyed by the VM). `enabled: false` or a
 * behavior other than fully automated means DRS does not move the VM by itself (templates of
 * instant clones are kept on their host this way); it still counts the VM's load, and HA still
 * restarts it when its host fails.
 */
export interface DrsVmOverride {
  readonly vm: VmId;
  readonly enabled: boolean;
  readonly behavior: DrsBehavior;
}

/** One change to the VM overrides (vim: ClusterDrsVmConfigSpec); an override is edited or removed by its VM. */
export type DrsVmOverrideChange =
  | { readonly operation: 'add'; readonly override: DrsVmOverride }
  | { readonly operation: 'edit'; readonly override: Pick<DrsVmOverride, 'vm'> & Partial<DrsVmOverride> }
  | { readonly operation: 'remove'; readonly vm: VmId };

/** A rule as given to add one: VM-VM affinity/anti-affinity, or VM-Host between a VM group and a host group. */
export type ClusterRuleSpec = { readonly name: string; readonly enabled?: boolean } & (
  | { readonly type: 'vmAffinity' | 'vmAntiAffinity'; readonly vms: readonly VmId[] }
  | {
      readonly type: 'vmHost';
      readonly vmGroup: string;
      readonly hostGroup: string;
      /** true: run on the host group (vim affineHostGroupName); false: never on it (antiAffineHostGroupName). */
      readonly affine: boolean;
      /** `must` (true) or `should` (false). */
      readonly mandatory: boolean;
    }
);

/** A rule of a cluster, with the key the server gave it (vim: ClusterRuleInfo and its subtypes). */
export type ClusterRuleInfo = ClusterRuleSpec & { readonly key: number; readonly enabled: boolean };

/** A VM group or a host group (vim: ClusterVmGroup, ClusterHostGroup); groups are keyed by name. */
export type ClusterGroupInfo =
  | { readonly type: 'vm'; readonly name: string; readonly vms: readonly VmId[] }
  | { readonly type: 'host'; readonly name: string; readonly hosts: readonly HostId[] };

/** A cluster's configuration (vim: ClusterComputeResource.configurationEx). */
export interface ClusterConfigInfo {
  readonly drs: ClusterDrsConfig;
  readonly ha: ClusterHaConfig;
  readonly dpm: ClusterDpmConfig;
  readonly rules: readonly ClusterRuleInfo[];
  readonly groups: readonly ClusterGroupInfo[];
  /** VM overrides of DRS (vim drsVmConfig), of VMs that still exist. */
  readonly drsVmOverrides: readonly DrsVmOverride[];
}

/** One change to the rules (vim: ClusterRuleSpec with an ArrayUpdateOperation). */
export type ClusterRuleChange =
  | { readonly operation: 'add'; readonly rule: ClusterRuleSpec }
  | { readonly operation: 'edit'; readonly rule: ClusterRuleInfo }
  | { readonly operation: 'remove'; readonly key: number };

/** One change to the groups (vim: ClusterGroupSpec); a group is edited or removed by name. */
export type ClusterGroupChange =
  | { readonly operation: 'add' | 'edit'; readonly group: ClusterGroupInfo }
  | { readonly operation: 'remove'; readonly name: string };

/**
 * A reconfiguration (vim: ClusterConfigSpecEx with modify = true): only what is given changes.
 * Group changes apply before rule changes, so one spec can add a group and a rule naming it.
 * VM overrides are added, edited (only the fields given change) or removed per VM.
 */
export interface ClusterConfigSpec {
  readonly drs?: Partial<ClusterDrsConfig>;
  readonly ha?: Partial<ClusterHaConfig>;
  readonly dpm?: Partial<ClusterDpmConfig>;
  readonly groups?: readonly ClusterGroupChange[];
  readonly rules?: readonly ClusterRuleChange[];
  readonly drsVmOverrides?: readonly DrsVmOverrideChange[];
}

/** Why DRS recommends a move (vim RecommendationReasonCode: fairnessCpuAvg/…, rule, hostMaint). */
export type DrsMoveReason = 'balance' | 'rule' | 'maintenance';

/** One recommended migration (vim: ClusterRecommendation with a ClusterMigrationAction). */
export interface DrsRecommendationInfo {
  readonly key: string;
  /** ISO 8601. */
  readonly time: string;
  /** 1 (mandatory) to 5 (vim rating = 6 − priority). */
  readonly priority: number;
  readonly reason: DrsMoveReason;
  /** A sentence a person can read (vim reasonText). */
  readonly reasonText: string;
  readonly vm: VmId;
  readonly source: HostId;
  readonly destination: HostId;
  /** Imbalance reduction the move brings and its cost-benefit (the model; vCenter does not say). */
  readonly goodness?: number;
  readonly benefit?: number;
  readonly cost?: number;
}

/** A move DRS considered and turned down, and why (the model; vCenter does not publish these). */
export interface DrsRejectedMoveInfo {
  readonly vm: VmId;
  readonly source: HostId;
  readonly destination?: HostId;
  readonly filter: 'min-goodness' | 'cost-benefit' | 'no-host' | 'threshold';
  readonly explanation: string;
}

/** What DRS recommends on a cluster now (recommendations not applied yet) and what its last pass turned down. */
export interface DrsRecommendationsInfo {
  readonly recommendations: readonly DrsRecommendationInfo[];
  readonly rejected: readonly DrsRejectedMoveInfo[];
}

/** A migration DRS carried out (vim: ClusterDrsMigration of ClusterComputeResource.migrationHistory). */
export interface DrsMigrationInfo {
  readonly key: string;
  /** ISO 8601, when it completed. */
  readonly time: string;
  readonly vm: VmId;
  readonly source: HostId;
  readonly destination: HostId;
}

/** The cluster services of every Backend (part of the Backend interface). */
export interface ClusterServices {
  /** A cluster's DRS, HA and DPM configuration, rules, groups and DRS VM overrides. Rejects with NotFound for an unknown cluster. */
  clusterConfig(cluster: ClusterId): Promise<ClusterConfigInfo>;
  /**
   * Changes what `spec` names (vim ReconfigureComputeResource_Task, modify = true); the rest stays.
   * The task fails with InvalidArgument for a duplicate or unknown rule, group or VM override, a rule
   * naming a missing group, settings out of range, or DPM enabled where DRS is not; nothing of a
   * failed spec is applied.
   */
  reconfigureCluster(cluster: ClusterId, spec: ClusterConfigSpec): Promise<Task<ClusterId>>;
  /** DRS's pending recommendations on a cluster (those not applied by itself) and the moves its last pass turned down. */
  drsRecommendations(cluster: ClusterId): Promise<DrsRecommendationsInfo>;
  /** Migrations DRS carried out on a cluster, oldest first. */
  drsMigrationHistory(cluster: ClusterId): Promise<DrsMigrationInfo[]>;
}
