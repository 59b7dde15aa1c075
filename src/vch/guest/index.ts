/**
 * The guest of a container VM ("just enough guest", ARCHITECTURE.md §8): start processes over the
 * container's filesystem, resolve executables, read workload profiles from labels.
 */
export { startProcess } from './process.js';
export { resolveExecutable, classifyExecutable, findOnPath, DEFAULT_PATH, type ExecutableKind } from './path-search.js';
export { ExecutableNotFoundError, ExecPermissionDeniedError } from './errors.js';
export {
  serviceProfileFromLabels,
  DEFAULT_SERVICE_PROFILE,
  WORKLOAD_LABEL_PREFIX,
  type ServiceProfile,
  type ListenPort,
} from './profile.js';
export { lookupSignal, parseSignal, SIGNAL_NAMES, type Signal } from './signals.js';
export { APPLETS } from './applets/index.js';
export { KERNEL_RELEASE } from './applets/system.js';
export type {
  DiskInfo,
  ExitStatus,
  GuestProcess,
  GuestServices,
  InputSource,
  InterfaceInfo,
  MemoryInfo,
  ProcessInfo,
  ProcessSpec,
} from './types.js';
