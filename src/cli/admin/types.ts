/**
 * The admin API's wire shapes (JSON over HTTP on 127.0.0.1): what `vicsim vch …` sends to a
 * running `vicsim serve` and what it gets back. Errors are `{"message": "…"}` with the status
 * of errors.ts.
 */
import type { AllocationInfo } from '../../backend/backend.js';
import type { VchChanges } from '../../vch/vch-lifecycle.js';
import type { VchSpec } from '../../vch/vch-spec.js';

/** POST /vchs: a VCH's spec, and optionally the Docker API port (default: next free from 2376). */
export interface VchCreateRequest {
  readonly spec: VchSpec;
  readonly dockerPort?: number;
}

/** PATCH /vchs/{name}: only the given fields change. */
export interface VchConfigureRequest {
  readonly changes: VchChanges;
}

/** A VCH as the admin API describes it (GET /vchs, GET /vchs/{name}, and the answers of POST and PATCH). */
export interface VchDescription {
  readonly name: string;
  /** The VCH's uuid (its `[ds] VIC/<uuid>` folder). */
  readonly id: string;
  /** `tcp://127.0.0.1:PORT`. */
  readonly dockerHost: string;
  readonly dockerPort: number;
  /** The unix socket, for the VCH that has one (the default). */
  readonly socket?: string;
  readonly provisioning: string;
  readonly cluster: { readonly id: string; readonly name: string };
  /** `[ds] VIC/<uuid>`. */
  readonly folder: string;
  readonly pool: { readonly id: string; readonly name: string; readonly cpu: AllocationInfo; readonly memory: AllocationInfo };
  readonly containers: { readonly total: number; readonly running: number; readonly limit?: number };
  /** The spec with the resolved compute resource (cluster name) and image store (datastore name). */
  readonly spec: VchSpec;
}

/** DELETE /vchs/{name}[?force=true]. */
export interface VchDeleteResponse {
  readonly name: string;
  readonly containers: number;
  readonly vms: number;
  readonly folder: string;
  /** Volume names removed (force) or kept. */
  readonly volumes: { readonly removed: readonly string[]; readonly kept: readonly string[] };
}
