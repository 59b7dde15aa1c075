/**
 * vicsim's library entry point: the simulation core, the vSphere model, and the Backend interface
 * with its two implementations (the model, and a live vCenter over vim25), DRS and HA on the
 * model's clock, and capacity runs. Test helpers live in `vicsim/testing`.
 */
export * from './sim/index.js';
export * from './hypervisor/index.js';
export type {
  AboutInfo,
  AllocationInfo,
  Backend,
  BackendEvent,
  CloneVmSpec,
  ClusterInfo,
  CreateVmSpec,
  DatacenterInfo,
  DatastoreInfo,
  DiskInfo,
  HostInfo,
  NetworkInfo,
  NicInfo,
  ReconfigureVmSpec,
  RelocateVmSpec,
  ResourcePoolInfo,
  SharesInfo,
  SnapshotInfo,
  Subscription,
  Task,
  TaskInfo,
  TaskState,
  VmInfo,
  VmPowerState,
} from './backend/backend.js';
export { ModelBackend } from './backend/model/index.js';
export { VSphereBackend, INSTANT_CLONE_FALLBACK, type VSphereBackendOptions } from './backend/vsphere/index.js';
export type { HostMemoryInfo, VmMemoryInfo } from './backend/backend.js';
export type * from './backend/cluster.js';
export { enableDrs, enableHa, drsState, haState, type DrsHandle, type DrsState, type HaHandle } from './drs/driver/index.js';
export type { DrsSettings as DrsDriverSettings, HaSettings as HaDriverSettings } from './drs/driver/index.js';
export { enableDpm, dpmState, planPowerManagement, type DpmHandle, type DpmState, type DpmSettings as DpmDriverSettings } from './drs/index.js';
export { loadScenarioFile, parseScenario, runScenario, writeReports, type CapacityRunResult, type Scenario } from './capacity/index.js';
export { createVch, type VchDeps } from './vch/vch-setup.js';
export { Vch } from './vch/vch.js';
export type { VchSpec } from './vch/vch-spec.js';
export type { ContainerEngine } from './vch/engine/engine.js';
export { createDockerApiServer, type DockerApiServer, type DockerApiServerOptions } from './dockerapi/index.js';
