/**
 * `vicsim serve` (what `npm start` runs): the model (or a live vCenter), one VCH named `default`,
 * its Docker API on tcp://127.0.0.1:2375 and a unix socket, and the admin API on 127.0.0.1:2378.
 * Prints the DOCKER_HOST to use; SIGINT/SIGTERM close everything cleanly.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelBackend } from '../backend/model/index.js';
import { createDockerApiServer, type DockerApiServer } from '../dockerapi/server.js';
import { generateTlsMaterial } from '../dockerapi/tls.js';
import { clusterPreset } from '../hypervisor/presets.js';
import { Clock } from '../sim/clock.js';
import { RealtimeDriver, type WallClock } from '../sim/drivers.js';
import { InvalidArgumentError } from '../sim/errors.js';
import { Rng } from '../sim/rng.js';
import type { ProvisionMode } from '../vch/containers/provisioner.js';
import type { Vch } from '../vch/vch.js';
import { createVch } from '../vch/vch-setup.js';

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
  readonly seed: number;
}

/** The wall clock the realtime driver follows (only the composition root reads it). */
export const SYSTEM_WALL_CLOCK: WallClock = {
  now: () => performance.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** A running `vicsim serve`. */
export interface Served {
  readonly vch: Vch;
  readonly docker: DockerApiServer;
  readonly dockerPort: number;
  readonly socket: string;
  close(): Promise<void>;
}

/** Starts everything; resolves once the Docker API listens. */
export async function startServe(opts: ServeOptions): Promise<Served> {
  if (opts.backend !== 'model') throw new InvalidArgumentError('backend', `--backend ${opts.backend} is not wired to the VCH yet; use --backend model`);
  if (opts.stateDir !== undefined) throw new InvalidArgumentError('state-dir', '--state-dir is not supported yet: the VCH does not persist across restarts in this version');
  // Simulated time starts at the wall clock's now, so docker's "Created 5 seconds ago" reads true.
  const preset = clusterPreset({ hosts: opts.hosts, seed: opts.seed, clock: new Clock(Date.now()) });
  const driver = new RealtimeDriver(preset.model.clock, { scale: opts.timeScale, wall: SYSTEM_WALL_CLOCK });
  driver.start();
  const backend = new ModelBackend(preset.model, driver);
  const vch = await createVch(
    { backend, clock: preset.model.clock, rng: Rng.seeded(opts.seed).fork('vch-default'), endpointAddress: '127.0.0.1' },
    { name: 'default', provisioning: opts.provision, insecureRegistries: opts.insecureRegistries },
  );
  if (opts.tls) generateTlsMaterial(opts.tls.dir);
  const docker = createDockerApiServer(vch, { tls: opts.tls });
  const dockerPort = await docker.listenTcp(opts.dockerPort, '127.0.0.1');
  const socket = opts.socket ?? join(tmpdir(), 'vicsim', 'docker.sock');
  mkdirSync(join(socket, '..'), { recursive: true });
  await docker.listenUnix(socket);
  return {
    vch,
    docker,
    dockerPort,
    socket,
    close: async () => {
      await docker.close();
      await vch.close();
      driver.stop();
      await backend.close();
    },
  };
}

/** What `vicsim serve` prints once it listens. */
export function serveBanner(s: Served, opts: ServeOptions): string {
  const scheme = opts.tls ? 'tcp' : 'tcp';
  const lines = [
    `vicsim: VCH "default" on ${opts.hosts} simulated hosts, provisioning ${opts.provision}, time scale ${opts.timeScale}`,
    `Docker API on ${scheme}://127.0.0.1:${s.dockerPort} and unix://${s.socket}`,
    '',
    `export DOCKER_HOST=${scheme}://127.0.0.1:${s.dockerPort}`,
  ];
  if (opts.tls) lines.push(`export DOCKER_TLS_VERIFY=${opts.tls.mode === 'verify' ? 1 : ''}`, `export DOCKER_CERT_PATH=${opts.tls.dir}`);
  return lines.join('\n');
}
