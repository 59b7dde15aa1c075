/**
 * `vicsim serve` (what `npm start` runs): the model (or a live vCenter), a set of VCHs — `default`
 * with its Docker API on tcp://127.0.0.1:2375 and a unix socket, further ones (`vicsim vch create`)
 * each on its own port from 2376 — and the admin API on 127.0.0.1:2378 that manages them.
 * Prints the DOCKER_HOST to use; SIGINT/SIGTERM close everything cleanly. The simulated cluster
 * runs DRS and HA (VIC deploys to a DRS cluster), set through the Backend at the first start.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../backend/backend.js';
import type { ClusterConfigSpec } from '../backend/cluster.js';
import { ModelBackend } from '../backend/model/index.js';
import { resumeClusterServices } from '../backend/model/cluster.js';
import { vchComputeScope, VSphereBackend } from '../backend/vsphere/index.js';
import { generateTlsMaterial } from '../dockerapi/tls.js';
import { restoreModel, saveModel } from '../hypervisor/persist.js';
import { clusterPreset } from '../hypervisor/presets.js';
import type { VSphereModel } from '../hypervisor/model.js';
import { Clock } from '../sim/clock.js';
import { RealtimeDriver, type WallClock } from '../sim/drivers.js';
import { InvalidArgumentError, NotSupportedError } from '../sim/errors.js';
import { Rng } from '../sim/rng.js';
import type { ProvisionMode } from '../vch/containers/provisioner.js';
import type { Vch } from '../vch/vch.js';
import type { VchSpec } from '../vch/vch-spec.js';
import { startAdminServer, type AdminServer } from './admin/server.js';
import { readState, SERVE_STATE_FORMAT, SERVE_STATE_VERSION, StateSaver, type ServeState } from './state-dir.js';
import { VchSet } from './vch-set.js';

/** Flags of `vicsim serve`. */
export interface ServeOptions {
  readonly hosts: number;
  readonly dockerPort: number;
  readonly socket: string | undefined;
  readonly stateDir: string | undefined;
  readonly provision: ProvisionMode;
  readonly timeScale: number;
  readonly backend: 'model' | 'vsphere';
  /** With `backend: 'vsphere'`: where the vCenter is and what part of it the VCH uses. */
  readonly vsphere?: LiveVCenterOptions;
  readonly tls: { readonly mode: 'verify' | 'no-verify'; readonly dir: string } | undefined;
  readonly insecureRegistries: readonly string[];
  /** Serve unanswered pulls from the offline catalog (default true). */
  readonly offlineCatalog?: boolean;
  readonly seed: number;
  /** The admin API's port (0 = any free port); no admin API when undefined. */
  readonly adminPort?: number;
  /** Where further VCHs' Docker API ports start (default 2376; 0 = any free port). */
  readonly firstDockerPort?: number;
  /** DRS, HA and DPM of the simulated cluster at its first start (default {@link DEFAULT_CLUSTER_SERVICES}). */
  readonly clusterServices?: ServeClusterServices;
}

/** DRS automation of `--drs`: off, or the vim DrsBehavior it stands for. */
export type ServeDrsMode = 'off' | 'manual' | 'partial' | 'full';

/** How the simulated cluster is configured at its first start (`--drs`, `--ha`, `--dpm`). */
export interface ServeClusterServices {
  readonly drs: ServeDrsMode;
  readonly ha: boolean;
  /** Precondition: DRS is not off (DPM runs inside DRS). */
  readonly dpm: boolean;
}

/** vSphere's cluster defaults as VIC needs them: DRS fully automated, HA on, DPM off. */
export const DEFAULT_CLUSTER_SERVICES: ServeClusterServices = { drs: 'full', ha: true, dpm: false };

const DRS_BEHAVIORS = { manual: 'manual', partial: 'partiallyAutomated', full: 'fullyAutomated' } as const;

/**
 * The reconfiguration that gives a fresh cluster of `hosts` hosts these services: DRS at the default
 * migration threshold 3; HA with admission control reserving the share of CPU and memory of one
 * host failure (vSphere's default percentage policy, ⌊100 ÷ hosts⌋ %; admission control off on a
 * one-host cluster, which cannot tolerate a failure); DPM automated at rate 3. Pure.
 */
export function servedClusterSpec(services: ServeClusterServices, hosts: number): ClusterConfigSpec {
  const percent = Math.min(99, Math.floor(100 / Math.max(1, hosts)));
  return {
    drs: services.drs === 'off' ? { enabled: false } : { enabled: true, defaultVmBehavior: DRS_BEHAVIORS[services.drs], migrationThreshold: 3 },
    ha: { enabled: services.ha, admissionControlEnabled: services.ha && hosts > 1, admissionControlPolicy: { type: 'failoverResources', cpuFailoverPercent: percent, memoryFailoverPercent: percent } },
    ...(services.dpm ? { dpm: { enabled: true, defaultDpmBehavior: 'automated', hostPowerActionRate: 3 } } : {}),
  };
}

/** The vCenter `--backend vsphere` connects to (`--vc-url`, scope names, certificate checks). */
export interface LiveVCenterOptions {
  /** SDK URL with credentials: `https://user:pass@vc/sdk`, or plain http to a loopback vcsim. */
  readonly url: string;
  readonly datacenter?: string;
  /** The cluster the VCH's pool and container VMs go in (default: the first one). */
  readonly cluster?: string;
  /** The datastore of images, container VMs and the default volume store (default: the first one). */
  readonly datastore?: string;
  /** A resource pool the VCH's own pool is made under (default: the cluster's root pool). */
  readonly pool?: string;
  /** SHA-1 or SHA-256 fingerprint pinning the vCenter's certificate. */
  readonly thumbprint?: string;
  /** PEM CA certificates trusted in place of the system store. */
  readonly ca?: string;
}

/** VIC's Docker API port with TLS; further VCHs take the next free port from here. */
export const DEFAULT_FIRST_DOCKER_PORT = 2376;

/** The wall clock the realtime driver follows (only the composition root reads it). */
export const SYSTEM_WALL_CLOCK: WallClock = {
  now: () => performance.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** A running `vicsim serve`. */
export interface Served {
  /** The VCH named `default` (as configured now). @throws NoSuchVchError once it was deleted. */
  readonly vch: Vch;
  /** Every VCH this serve runs. */
  readonly vchs: VchSet;
  /** The default VCH's Docker API port. */
  readonly dockerPort: number;
  readonly socket: string;
  /** The admin API's port; undefined when `adminPort` was not given. */
  readonly adminPort: number | undefined;
  /**
   * Closes the admin API and every VCH's listeners, then the backend. On a live vCenter the VCHs are
   * deleted from it first (volumes kept); rejects with an AggregateError naming those that could not be.
   */
  close(): Promise<void>;
}

/** What the VCHs of a serve run on: the backend, the clock of guest time and its driver, and (model only) the model to save. */
interface ServeBase {
  readonly backend: Backend;
  readonly clock: Clock;
  readonly driver: RealtimeDriver;
  readonly model: VSphereModel | undefined;
  readonly state: ServeState | undefined;
  /** Fields of the default VCH's spec the backend decides (the live backend's cluster and datastore). */
  readonly defaultSpec: Pick<VchSpec, 'computeResource' | 'imageStore'>;
}

/**
 * The model (restored from --state-dir when it holds one) behind a ModelBackend, its clock driven
 * at the time scale. A fresh model's cluster gets `opts.clusterServices` through the Backend; a
 * restored one keeps the configuration it was saved with, and its drivers are started again.
 */
async function modelBase(opts: ServeOptions): Promise<ServeBase> {
  const state = opts.stateDir === undefined ? undefined : readState(opts.stateDir);
  const model = state ? restoredModel(state) : clusterPreset({ hosts: opts.hosts, seed: opts.seed, clock: new Clock(Date.now()) }).model;
  if (state) resumeClusterServices(model);
  const driver = new RealtimeDriver(model.clock, { scale: opts.timeScale, wall: SYSTEM_WALL_CLOCK });
  driver.start();
  const backend = new ModelBackend(model, driver);
  if (!state) {
    try {
      for (const cluster of await backend.clusters()) {
        const hosts = await backend.hosts({ cluster: cluster.id });
        await (await backend.reconfigureCluster(cluster.id, servedClusterSpec(opts.clusterServices ?? DEFAULT_CLUSTER_SERVICES, hosts.length))).wait();
      }
    } catch (e) {
      driver.stop();
      await backend.close();
      throw e;
    }
  }
  return { backend, clock: model.clock, driver, model, state, defaultSpec: {} };
}

/**
 * The live backend, logged in to the vCenter of `opts.vsphere` and seen through {@link vchComputeScope};
 * the clock only times the in-process guests (the vCenter times its own tasks).
 * @throws NotSupportedError with --state-dir (the VCH's images, containers, networks and volumes
 * records live in serve's memory); InvalidArgumentError without a URL; the backend's errors for a
 * bad login, certificate or scope name.
 */
async function liveBase(opts: ServeOptions): Promise<ServeBase> {
  if (opts.stateDir !== undefined) {
    throw new NotSupportedError(
      '--state-dir is not supported with --backend vsphere: it saves the simulated model, and the VCH\'s own records of images, containers, networks and volumes on a live vCenter are not saved; drop --state-dir',
    );
  }
  const vc = opts.vsphere;
  if (vc === undefined || vc.url === '') throw new InvalidArgumentError('vc-url', '--backend vsphere needs --vc-url https://USER:PASSWORD@VCENTER/sdk');
  const tls = vc.thumbprint === undefined && vc.ca === undefined ? {} : { tls: { ...(vc.thumbprint === undefined ? {} : { thumbprint: vc.thumbprint }), ...(vc.ca === undefined ? {} : { ca: vc.ca }) } };
  const backend = await new VSphereBackend({ url: vc.url, datacenter: vc.datacenter, cluster: vc.cluster, datastore: vc.datastore, pool: vc.pool, ...tls }).connect();
  try {
    const scoped = await vchComputeScope(backend);
    const clock = new Clock(Date.now());
    const driver = new RealtimeDriver(clock, { scale: opts.timeScale, wall: SYSTEM_WALL_CLOCK });
    driver.start();
    return { backend: scoped, clock, driver, model: undefined, state: undefined, defaultSpec: { computeResource: vc.cluster, imageStore: vc.datastore } };
  } catch (e) {
    await backend.close();
    throw e;
  }
}

/** Starts everything; resolves once the default VCH's Docker API and the admin API listen. */
export async function startServe(opts: ServeOptions): Promise<Served> {
  const { backend, clock, driver, model, state, defaultSpec } = opts.backend === 'vsphere' ? await liveBase(opts) : await modelBase(opts);
  if (opts.tls) generateTlsMaterial(opts.tls.dir);
  const seed = state?.seed ?? opts.seed;
  const restarts = state ? state.restarts + 1 : 0;
  const rng = restarts === 0 ? Rng.seeded(seed) : Rng.seeded(seed).fork(`restart-${restarts}`);
  let vchs: VchSet;
  const saver = opts.stateDir === undefined || model === undefined ? undefined : new StateSaver(opts.stateDir, async () => {
    const saved = await vchs.snapshot();
    return { format: SERVE_STATE_FORMAT, version: SERVE_STATE_VERSION, seed, restarts, model: saveModel(model), vchs: saved };
  });
  vchs = new VchSet({ backend, clock, rng, tls: opts.tls, firstDockerPort: opts.firstDockerPort ?? DEFAULT_FIRST_DOCKER_PORT, saver });
  const socket = opts.socket ?? join(tmpdir(), 'vicsim', 'docker.sock');
  mkdirSync(join(socket, '..'), { recursive: true });
  const shutdown = async (admin?: AdminServer): Promise<void> => {
    await admin?.close();
    const failures = model === undefined ? await deleteLiveVchs(vchs) : [];
    await vchs.close();
    driver.stop();
    await backend.close();
    if (failures.length > 0) throw new AggregateError(failures, `vicsim: ${failures.length} VCH(s) could not be deleted from the vCenter: ${failures.map((f) => (f instanceof Error ? f.message : String(f))).join('; ')}`);
  };
  try {
    if (state) for (const saved of state.vchs) await vchs.restore(saved, rng.fork(`vch-${saved.vch.spec.name}`));
    else await vchs.create({ name: 'default', ...defaultSpec, provisioning: opts.provision, insecureRegistries: opts.insecureRegistries, offlineCatalog: opts.offlineCatalog }, { dockerPort: opts.dockerPort, socket });
    await saver?.save();
    const admin = opts.adminPort === undefined ? undefined : await startAdminServer(vchs, opts.adminPort);
    return {
      get vch() {
        return vchs.vch('default');
      },
      vchs,
      dockerPort: (await vchs.describe('default')).dockerPort,
      socket,
      adminPort: admin?.port,
      close: () => shutdown(admin),
    };
  } catch (e) {
    await shutdown();
    throw e;
  }
}

/**
 * On a live vCenter nothing keeps a VCH's records past this serve (no --state-dir), so closing
 * deletes each VCH as `vicsim vch delete` does — containers, templates, its VIC folder and pool —
 * keeping volumes (a later serve finds them again in their volume stores). Returns what failed.
 */
async function deleteLiveVchs(vchs: VchSet): Promise<unknown[]> {
  const failures: unknown[] = [];
  for (const name of vchs.names()) await vchs.delete(name, false).catch((e: unknown) => failures.push(e));
  return failures;
}

/**
 * The model saved in a state directory, its clock moved on to the wall clock's now (nothing ran
 * while serve was down), so dates shown to docker stay true.
 */
function restoredModel(state: ServeState): VSphereModel {
  const model = restoreModel(state.model);
  model.clock.advanceIdleTo(Date.now() - model.clock.epochMs);
  return model;
}

/** What `vicsim serve` prints once it listens. */
export function serveBanner(s: Served, opts: ServeOptions): string {
  const lines = [
    opts.backend === 'vsphere'
      ? `vicsim: VCH "default" on the vCenter at ${withoutCredentials(opts.vsphere?.url ?? '')}, provisioning ${opts.provision}, guest time scale ${opts.timeScale}`
      : `vicsim: VCH "default" on ${opts.hosts} simulated hosts, provisioning ${opts.provision}, time scale ${opts.timeScale}`,
    `Docker API on tcp://127.0.0.1:${s.dockerPort} and unix://${s.socket}`,
    ...(s.adminPort !== undefined ? [`Admin API on http://127.0.0.1:${s.adminPort} (vicsim vch create|ls|inspect|configure|delete)`] : []),
    '',
    `export DOCKER_HOST=tcp://127.0.0.1:${s.dockerPort}`,
  ];
  if (opts.tls) lines.push(`export DOCKER_TLS_VERIFY=${opts.tls.mode === 'verify' ? 1 : ''}`, `export DOCKER_CERT_PATH=${opts.tls.dir}`);
  return lines.join('\n');
}

/** A URL as printable: user name and password left out. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.href;
  } catch {
    return '(an unparsable URL)';
  }
}
