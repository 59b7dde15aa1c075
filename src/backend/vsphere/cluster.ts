/**
 * Cluster services over vim25: ClusterComputeResource.configurationEx (DRS, HA, DPM, rules,
 * groups, DRS VM overrides) read and mapped to the Backend's shapes, ReconfigureComputeResource_Task with a ClusterConfigSpecEx (modify = true, so
 * only what is given changes) written in WSDL order, and the `recommendation` and
 * `migrationHistory` properties. Nested values of these types arrive without xsi:type from some
 * servers (vcsim), so arrays are read with `list` and numbers with `num`.
 */
import { InvalidArgumentError, NotSupportedError } from '../../sim/errors.js';
import type { ClusterId, HostId, VmId } from '../../sim/ids.js';
import type {
  ClusterConfigInfo,
  ClusterConfigSpec,
  ClusterDpmConfig,
  ClusterGroupChange,
  ClusterGroupInfo,
  ClusterHaConfig,
  ClusterRuleChange,
  ClusterRuleInfo,
  ClusterRuleSpec,
  DrsBehavior,
  DrsMigrationInfo,
  DrsMoveReason,
  DrsRecommendationInfo,
  DrsVmOverride,
  DrsVmOverrideChange,
  HaAdmissionPolicy,
} from '../cluster.js';
import { bool, idOf, isoTime, list, num, obj, ref, str } from './refs.js';
import { ManagedObjectReference, readObject, type SoapData, type SoapValue, type VimClient, type VimObject, type VimValue } from './vim25/index.js';

/** A data object with xsi:type `type` and the defined fields of `fields` in the order given (callers give WSDL order). */
function typed(type: string, fields: Record<string, SoapValue | undefined>): SoapData {
  const out: Record<string, SoapValue> = { $type: type };
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out;
}

/** The configuration of a cluster from its `configurationEx`. One property read. */
export async function readClusterConfig(client: VimClient, cluster: ClusterId): Promise<ClusterConfigInfo> {
  const props = await readObject(client, ref('cluster', cluster), ['configurationEx']);
  const cfg = obj(props.get('configurationEx'));
  const drs = obj(cfg?.drsConfig);
  const das = obj(cfg?.dasConfig);
  return {
    drs: {
      enabled: bool(drs?.enabled),
      defaultVmBehavior: (str(drs?.defaultVmBehavior) || 'fullyAutomated') as DrsBehavior,
      migrationThreshold: 6 - num(drs?.vmotionRate, 3),
    },
    ha: { enabled: bool(das?.enabled), admissionControlEnabled: bool(das?.admissionControlEnabled), admissionControlPolicy: policyOf(obj(das?.admissionControlPolicy), num(das?.failoverLevel, 1)) },
    dpm: dpmOf(obj(cfg?.dpmConfigInfo)),
    rules: list(cfg?.rule).flatMap((r) => (obj(r) ? [ruleOf(obj(r)!)] : [])),
    groups: list(cfg?.group).flatMap((g) => (obj(g) ? [groupOf(obj(g)!)] : [])),
    drsVmOverrides: list(cfg?.drsVmConfig).flatMap((o) => (obj(o) ? overrideOf(obj(o)!) : [])),
  };
}

/** DPM as configured; vCenter leaves `dpmConfigInfo` unset on a cluster DPM was never configured on (off, automated, rate 3). */
function dpmOf(d: VimObject | undefined): ClusterDpmConfig {
  return { enabled: bool(d?.enabled), defaultDpmBehavior: str(d?.defaultDpmBehavior) === 'manual' ? 'manual' : 'automated', hostPowerActionRate: num(d?.hostPowerActionRate, 3) };
}

function overrideOf(o: VimObject): DrsVmOverride[] {
  const vm = refId<VmId>(o.key);
  return vm === undefined ? [] : [{ vm, enabled: bool(o.enabled, true), behavior: (str(o.behavior) || 'fullyAutomated') as DrsBehavior }];
}

function policyOf(p: VimObject | undefined, failoverLevel: number): HaAdmissionPolicy {
  if (p?.$type === 'ClusterFailoverResourcesAdmissionControlPolicy') {
    return { type: 'failoverResources', cpuFailoverPercent: num(p.cpuFailoverResourcesPercent), memoryFailoverPercent: num(p.memoryFailoverResourcesPercent) };
  }
  return { type: 'failoverLevel', failoverLevel: num(p?.failoverLevel, failoverLevel) };
}

/** A reference's id; nested references of types the schema does not know decode as their bare text. */
function refId<T extends string>(v: VimValue | undefined): T | undefined {
  if (v instanceof ManagedObjectReference) return idOf<T>(v);
  return typeof v === 'string' && v !== '' ? (v as T) : undefined;
}

function refs<T extends string>(value: VimValue | undefined): T[] {
  return list(value).flatMap((v) => {
    const id = refId<T>(v);
    return id === undefined ? [] : [id];
  });
}

function ruleOf(r: VimObject): ClusterRuleInfo {
  const base = { key: num(r.key), name: str(r.name), enabled: bool(r.enabled, true) };
  if (r.$type === 'ClusterVmHostRuleInfo') {
    const affine = str(r.affineHostGroupName) !== '';
    return { ...base, type: 'vmHost', vmGroup: str(r.vmGroupName), hostGroup: affine ? str(r.affineHostGroupName) : str(r.antiAffineHostGroupName), affine, mandatory: bool(r.mandatory) };
  }
  return { ...base, type: r.$type === 'ClusterAntiAffinityRuleSpec' ? 'vmAntiAffinity' : 'vmAffinity', vms: refs<VmId>(r.vm) };
}

function groupOf(g: VimObject): ClusterGroupInfo {
  return g.$type === 'ClusterHostGroup' ? { type: 'host', name: str(g.name), hosts: refs<HostId>(g.host) } : { type: 'vm', name: str(g.name), vms: refs<VmId>(g.vm) };
}

/**
 * The ClusterConfigSpecEx of `spec`, fields in WSDL order. Pure.
 * @throws InvalidArgumentError for a migration threshold or power action rate outside 1..5;
 * NotSupportedError for removing a VM override (its removeKey is a typed reference in an anyType
 * field, which the encoder cannot write yet).
 */
export function clusterConfigSpecEx(spec: ClusterConfigSpec): SoapData {
  return typed('ClusterConfigSpecEx', {
    dasConfig: spec.ha ? dasConfig(spec.ha) : undefined,
    drsConfig: spec.drs ? drsConfig(spec.drs) : undefined,
    drsVmConfigSpec: spec.drsVmOverrides?.map(drsVmConfigSpec),
    rulesSpec: spec.rules?.map(ruleSpec),
    dpmConfig: spec.dpm ? dpmConfig(spec.dpm) : undefined,
    groupSpec: spec.groups?.map(groupSpec),
  });
}

function dpmConfig(d: Partial<ClusterDpmConfig>): SoapData {
  const rate = d.hostPowerActionRate;
  if (rate !== undefined && (!Number.isInteger(rate) || rate < 1 || rate > 5)) throw new InvalidArgumentError('hostPowerActionRate', `hostPowerActionRate must be an integer from 1 to 5, got ${rate}`);
  return typed('ClusterDpmConfigInfo', { enabled: d.enabled, defaultDpmBehavior: d.defaultDpmBehavior, hostPowerActionRate: rate });
}

function drsVmConfigSpec(c: DrsVmOverrideChange): SoapData {
  if (c.operation === 'remove') throw new NotSupportedError(`removing the DRS override of ${c.vm} is not supported on a live vCenter yet: its removeKey is a typed VM reference the SOAP encoder cannot write; edit it to enabled, fullyAutomated instead`);
  const o = c.override;
  return typed('ClusterDrsVmConfigSpec', { operation: c.operation, info: typed('ClusterDrsVmConfigInfo', { key: ref('vm', o.vm), enabled: o.enabled, behavior: o.behavior }) });
}

function drsConfig(d: Partial<ClusterConfigInfo['drs']>): SoapData {
  const t = d.migrationThreshold;
  if (t !== undefined && (!Number.isInteger(t) || t < 1 || t > 5)) throw new InvalidArgumentError('migrationThreshold', `migration threshold must be an integer from 1 to 5, got ${t}`);
  return typed('ClusterDrsConfigInfo', { enabled: d.enabled, defaultVmBehavior: d.defaultVmBehavior, vmotionRate: t === undefined ? undefined : 6 - t });
}

function dasConfig(h: Partial<ClusterHaConfig>): SoapData {
  const p = h.admissionControlPolicy;
  const policy =
    p === undefined
      ? undefined
      : p.type === 'failoverLevel'
        ? typed('ClusterFailoverLevelAdmissionControlPolicy', { failoverLevel: p.failoverLevel })
        : typed('ClusterFailoverResourcesAdmissionControlPolicy', { cpuFailoverResourcesPercent: p.cpuFailoverPercent, memoryFailoverResourcesPercent: p.memoryFailoverPercent });
  return typed('ClusterDasConfigInfo', { enabled: h.enabled, admissionControlPolicy: policy, admissionControlEnabled: h.admissionControlEnabled });
}

function ruleInfo(rule: ClusterRuleSpec, key: number | undefined): SoapData {
  const base = { key, enabled: rule.enabled ?? true, name: rule.name };
  if (rule.type === 'vmHost') {
    const groups = rule.affine ? { affineHostGroupName: rule.hostGroup } : { antiAffineHostGroupName: rule.hostGroup };
    return typed('ClusterVmHostRuleInfo', { key, enabled: base.enabled, name: rule.name, mandatory: rule.mandatory, vmGroupName: rule.vmGroup, ...groups });
  }
  return typed(rule.type === 'vmAffinity' ? 'ClusterAffinityRuleSpec' : 'ClusterAntiAffinityRuleSpec', { ...base, vm: rule.vms.map((v) => ref('vm', v)) });
}

function ruleSpec(c: ClusterRuleChange): SoapData {
  if (c.operation === 'remove') return typed('ClusterRuleSpec', { operation: 'remove', removeKey: { $type: 'xsd:int', $text: c.key } });
  return typed('ClusterRuleSpec', { operation: c.operation, info: ruleInfo(c.rule, c.operation === 'edit' ? c.rule.key : undefined) });
}

function groupSpec(c: ClusterGroupChange): SoapData {
  if (c.operation === 'remove') return typed('ClusterGroupSpec', { operation: 'remove', removeKey: { $type: 'xsd:string', $text: c.name } });
  const g = c.group;
  const info = g.type === 'vm' ? typed('ClusterVmGroup', { name: g.name, vm: g.vms.map((v) => ref('vm', v)) }) : typed('ClusterHostGroup', { name: g.name, host: g.hosts.map((h) => ref('host', h)) });
  return typed('ClusterGroupSpec', { operation: c.operation, info });
}

const REASONS: Readonly<Record<string, DrsMoveReason>> = { hostMaint: 'maintenance', enterStandby: 'maintenance', antiAffin: 'rule', affinity: 'rule', vmHostHardAffinity: 'rule', vmHostSoftAffinity: 'rule', vmHostAntiAffinity: 'rule', vmHostSoftAntiAffinity: 'rule' };

/** The cluster's pending migration recommendations (ClusterRecommendation with ClusterMigrationAction). One property read. */
export async function readRecommendations(client: VimClient, cluster: ClusterId): Promise<DrsRecommendationInfo[]> {
  const props = await readObject(client, ref('cluster', cluster), ['recommendation']);
  return list(props.get('recommendation')).flatMap((value) => {
    const r = obj(value);
    if (!r) return [];
    return list(r.action).flatMap((a) => {
      const m = obj(obj(a)?.drsMigration);
      const vm = refId<VmId>(m?.vm);
      const source = refId<HostId>(m?.source);
      const destination = refId<HostId>(m?.destination);
      if (!vm || !source || !destination) return [];
      const reason = str(r.reason);
      return [{ key: str(r.key), time: isoTime(r.time) ?? '', priority: 6 - num(r.rating, 1), reason: REASONS[reason] ?? 'balance', reasonText: str(r.reasonText) || reason, vm, source, destination }];
    });
  });
}

/** The cluster's `migrationHistory`, oldest first. One property read. */
export async function readMigrationHistory(client: VimClient, cluster: ClusterId): Promise<DrsMigrationInfo[]> {
  const props = await readObject(client, ref('cluster', cluster), ['migrationHistory']);
  return list(props.get('migrationHistory')).flatMap((value) => {
    const m = obj(value);
    const vm = refId<VmId>(m?.vm);
    const source = refId<HostId>(m?.source);
    const destination = refId<HostId>(m?.destination);
    if (!m || !vm || !source || !destination) return [];
    return [{ key: str(m.key), time: isoTime(m.time) ?? '', vm, source, destination }];
  });
}

/** Starts ReconfigureComputeResource_Task(spec, modify = true) on `cluster`; returns the Task reference. */
export async function startReconfigure(client: VimClient, cluster: ClusterId, spec: ClusterConfigSpec): Promise<ManagedObjectReference> {
  const task = await client.invoke('ReconfigureComputeResource_Task', ref('cluster', cluster), [['spec', clusterConfigSpecEx(spec)], ['modify', true]], { returns: 'ManagedObjectReference' });
  if (!(task instanceof ManagedObjectReference)) throw new InvalidArgumentError('cluster', 'ReconfigureComputeResource_Task returned no task');
  return task;
}
