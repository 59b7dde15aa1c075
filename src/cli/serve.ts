/**
 * `vicsim serve` (what `npm start` runs): the model (or a live vCenter), a set of VCHs — `default`
 * with its Docker API on tcp://127.0.0.1:2375 and a unix socket, further ones (`vicsim vch create`)
 * each on its own port from 2376 — and the admin API on 127.0.0.1:2378 that manages them.
 * Prints the DOCKER_HOST to use; SIGINT/SIGTERM close everything cleanly.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelBackend } from '../backend/model/index.js';
import { generateTlsMaterial } from '../dockerapi/tls.js';
import { restoreModel, saveModel } from '../hypervisor/persist.js';
import { clusterPreset } from '../hypervisor/presets.js';
import type { VSphereModel } from '../hypervisor/model.js';
import { Clock } from '../sim/clock.js';
import { RealtimeDriver, type WallClock } from '../sim/drivers.js';
import { InvalidArgumentError } from '../sim/errors.js';
import { Rng } from '../sim/rng.js';
import type { ProvisionMode } from '../vch/containers/provisioner.js';
import type { Vch } from '../vch/vch.js';
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
  readonly tls: { readonly mode: 'verify' | 'no-verify'; readonly dir: string } | undefined;
  readonly insecureRegistries: readonly string[];
  /** Serve unanswered pulls from the offline catalog (default true). */
  readonly offlineCatalog?: boolean;
  readonly seed: number;
  /** The admin API's port (0 = any free port); no admin API when undefined. */
  readonly adminPort?: number;
  /** Where further VCHs' Docker API ports start (default 2376; 0 = any free port). */
  readonly firstDockerPort?: number;
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
  /** Closes the admin API and every VCH's listeners, then the backend. */
  close(): Promise<void>;
}

/** Starts everything; resolves once the default VCH's Docker API and the admin API listen. */
export async function startServe(opts: ServeOptions): Promise<Served> {
  if (opts.backend !== 'model') throw new InvalidArgumentError('backend', `--backend ${opts.backend} is not wired to the VCH yet; use --backend model`);
  const state = opts.stateDir === undefined ? undefined : readState(opts.stateDir);
  const model = state ? restoredModel(state) : clusterPreset({ hosts: opts.hosts, seed: opts.seed, clock: new Clock(Date.now()) }).model;
  const driver = new RealtimeDriver(model.clock, { scale: opts.timeScale, wall: SYSTEM_WALL_CLOCK });
  driver.start();
  const backend = new ModelBackend(model, driver);
  if (opts.tls) generateTlsMaterial(opts.tls.dir);
  const seed = state?.seed ?? opts.seed;
  const restarts = state ? state.restarts + 1 : 0;
  const rng = restarts === 0 ? Rng.seeded(seed) : Rng.seeded(seed).fork(`restart-${restarts}`);
  let vchs: VchSet;
  const saver = opts.stateDir === undefined ? undefined : new StateSaver(opts.stateDir, async () => {
    const saved = await vchs.snapshot();
    return { format: SERVE_STATE_FORMAT, version: SERVE_STATE_VERSION, seed, restarts, model: saveModel(model), vchs: saved };
  });
  vchs = new VchSet({ backend, clock: model.clock, rng, tls: opts.tls, firstDockerPort: opts.firstDockerPort ?? DEFAULT_FIRST_DOCKER_PORT, saver });
  const socket = opts.socket ?? join(tmpdir(), 'vicsim', 'docker.sock');
  mkdirSync(join(socket, '..'), { recursive: true });
  const shutdown = async (admin?: AdminServer): Promise<void> => {
    await admin?.close();
    await vchs.close();
    driver.stop();
    await backend.close();
  };
  try {
    if (state) for (const saved of state.vchs) await vchs.restore(saved, rng.fork(`vch-${saved.vch.spec.name}`));
    else await vchs.create({ name: 'default', provisioning: opts.provision, insecureRegistries: opts.insecureRegistries, offlineCatalog: opts.offlineCatalog }, { dockerPort: opts.dockerPort, socket });
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
    `vicsim: VCH "default" on ${opts.hosts} simulated hosts, provisioning ${opts.provision}, time scale ${opts.timeScale}`,
    `Docker API on tcp://127.0.0.1:${s.dockerPort} and unix://${s.socket}`,
    ...(s.adminPort !== undefined ? [`Admin API on http://127.0.0.1:${s.adminPort} (vicsim vch create|ls|inspect|configure|delete)`] : []),
    '',
    `export DOCKER_HOST=tcp://127.0.0.1:${s.dockerPort}`,
  ];
  if (opts.tls) lines.push(`export DOCKER_TLS_VERIFY=${opts.tls.mode === 'verify' ? 1 : ''}`, `export DOCKER_CERT_PATH=${opts.tls.dir}`);
  return lines.join('\n');
}
