/** `vicsim serve`'s flags, banner and signal handling (the server itself is serve.ts). */
import { readFileSync } from 'node:fs';
import { VicsimError } from '../sim/errors.js';
import { choiceFlag, intFlag, numberFlag } from './flags.js';
import { DEFAULT_CLUSTER_SERVICES, serveBanner, startServe, type LiveVCenterOptions, type ServeClusterServices, type ServeOptions } from './serve.js';

/** serve's lines of the `vicsim help` text. */
export const SERVE_USAGE = `  serve      Run a simulated VCH: the Docker API on tcp://127.0.0.1:2375 and a unix socket
             --hosts N            hosts in the cluster (default 4)
             --docker-port P      Docker API port (default 2375; 0 = any free port)
             --admin-port P       admin API port for vicsim vch (default 2378; 0 = any free port)
             --state-dir DIR      keep the model and the VCHs in DIR/state.json across restarts
             --socket PATH        unix socket (default $TMPDIR/vicsim/docker.sock)
             --provision MODE     instant, linked, full or boot (default instant)
             --time-scale X       simulated ms per wall ms; 0 completes every operation at once (default 1)
             --tls DIR            mutual TLS; CA, server and client certificates generated into DIR
             --tls-no-verify      with --tls: server authentication only
             --insecure-registry H[,H]  registries reached over plain HTTP
             --no-offline-catalog pulls fail when no registry answers (default: the built-in synthetic images)
             --backend B          model (default: the simulated cluster) or vsphere (a real vCenter, below)
             --seed N             random seed (default 1)
             --drs MODE           DRS on the simulated cluster: off, manual, partial or full (default full,
                                  migration threshold 3; VIC deploys to a DRS cluster)
             --ha on|off          vSphere HA, admission control reserving one host's share (default on)
             --dpm on|off         DPM, hosts put in standby and woken by demand; needs DRS (default off)
           --drs, --ha and --dpm configure the cluster at the first start; a --state-dir restart keeps
           what was saved (vicsim vch configure and the Backend may have changed it since)
           With --backend vsphere (container VMs, layers and volumes are real objects in the vCenter;
           the container's processes run in vicsim's in-process guest and the VM's power follows them):
             --vc-url URL         https://USER:PASSWORD@VCENTER/sdk (plain http only to a loopback vcsim)
             --datacenter NAME    --cluster NAME   --datastore NAME   (default: the first of each)
             --pool NAME          the VCH's pool is made under this pool (default: the cluster's root pool)
             --vc-thumbprint HEX  pin the vCenter's certificate (SHA-1 or SHA-256)
             --vc-ca FILE         PEM CA certificates to trust instead of the system store
             --hosts and --state-dir are refused; --time-scale times the in-process guests only`;

/** serve's flags for node:util parseArgs. */
export const SERVE_OPTIONS = {
  'docker-port': { type: 'string' },
  'admin-port': { type: 'string' },
  socket: { type: 'string' },
  'state-dir': { type: 'string' },
  provision: { type: 'string' },
  'time-scale': { type: 'string' },
  backend: { type: 'string' },
  tls: { type: 'string' },
  'tls-no-verify': { type: 'boolean' },
  'insecure-registry': { type: 'string' },
  'no-offline-catalog': { type: 'boolean' },
  'vc-url': { type: 'string' },
  datacenter: { type: 'string' },
  cluster: { type: 'string' },
  datastore: { type: 'string' },
  pool: { type: 'string' },
  'vc-thumbprint': { type: 'string' },
  'vc-ca': { type: 'string' },
  drs: { type: 'string' },
  ha: { type: 'string' },
  dpm: { type: 'string' },
} as const;

const VCENTER_FLAGS = ['vc-url', 'datacenter', 'cluster', 'datastore', 'pool', 'vc-thumbprint', 'vc-ca'] as const;

/**
 * The vCenter flags as options (the CA file read here), or undefined with the model backend.
 * @throws a usage error for a vCenter flag without --backend vsphere, or --hosts with it; NotFoundError-like fs errors for an unreadable --vc-ca.
 */
function vcenterOptions(backend: 'model' | 'vsphere', str: (k: string) => string | undefined): LiveVCenterOptions | undefined {
  if (backend === 'model') {
    const stray = VCENTER_FLAGS.find((f) => str(f) !== undefined);
    if (stray !== undefined) throw new VicsimError('InvalidArgument', `--${stray} needs --backend vsphere`);
    return undefined;
  }
  if (str('hosts') !== undefined) throw new VicsimError('InvalidArgument', '--hosts sizes the simulated cluster; with --backend vsphere the vCenter has its own hosts');
  const url = str('vc-url');
  if (url === undefined) throw new VicsimError('InvalidArgument', '--backend vsphere needs --vc-url https://USER:PASSWORD@VCENTER/sdk');
  const caFile = str('vc-ca');
  const names = { datacenter: str('datacenter'), cluster: str('cluster'), datastore: str('datastore'), pool: str('pool'), thumbprint: str('vc-thumbprint') };
  const given = Object.fromEntries(Object.entries(names).filter(([, v]) => v !== undefined));
  return { url, ...given, ...(caFile === undefined ? {} : { ca: readFileSync(caFile, 'utf8') }) };
}

/**
 * `--drs`, `--ha` and `--dpm` as cluster services, or undefined with the live backend.
 * @throws a usage error for a bad value, DPM without DRS, or one of them with --backend vsphere.
 */
function clusterServices(backend: 'model' | 'vsphere', str: (k: string) => string | undefined): ServeClusterServices | undefined {
  if (backend === 'vsphere') {
    const stray = (['drs', 'ha', 'dpm'] as const).find((f) => str(f) !== undefined);
    if (stray !== undefined) throw new VicsimError('InvalidArgument', `--${stray} configures the simulated cluster; with --backend vsphere the vCenter's cluster keeps its own settings`);
    return undefined;
  }
  const d = DEFAULT_CLUSTER_SERVICES;
  const drs = choiceFlag('drs', str('drs'), ['off', 'manual', 'partial', 'full'] as const, d.drs);
  const ha = choiceFlag('ha', str('ha'), ['on', 'off'] as const, d.ha ? 'on' : 'off') === 'on';
  const dpm = choiceFlag('dpm', str('dpm'), ['on', 'off'] as const, d.dpm ? 'on' : 'off') === 'on';
  if (dpm && drs === 'off') throw new VicsimError('InvalidArgument', '--dpm on needs DRS: DRS evacuates the hosts DPM puts in standby; drop --drs off');
  return { drs, ha, dpm };
}

/** Parses serve's flags. @throws a usage error naming the flag. */
export function serveOptions(values: Record<string, string | boolean | undefined>): ServeOptions {
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const tlsDir = str('tls');
  const backend = choiceFlag('backend', str('backend'), ['model', 'vsphere'] as const, 'model');
  const vsphere = vcenterOptions(backend, str);
  const services = clusterServices(backend, str);
  return {
    hosts: intFlag('hosts', str('hosts'), 4, 1, 64),
    dockerPort: intFlag('docker-port', str('docker-port'), 2375, 0, 65535),
    adminPort: intFlag('admin-port', str('admin-port'), 2378, 0, 65535),
    socket: str('socket'),
    stateDir: str('state-dir'),
    provision: choiceFlag('provision', str('provision'), ['instant', 'linked', 'full', 'boot'] as const, 'instant'),
    timeScale: numberFlag('time-scale', str('time-scale'), 1),
    backend,
    ...(vsphere === undefined ? {} : { vsphere }),
    tls: tlsDir === undefined ? undefined : { mode: values['tls-no-verify'] === true ? 'no-verify' : 'verify', dir: tlsDir },
    insecureRegistries: (str('insecure-registry') ?? '').split(',').filter((h) => h !== ''),
    offlineCatalog: values['no-offline-catalog'] !== true,
    seed: intFlag('seed', str('seed'), 1, 0),
    ...(services === undefined ? {} : { clusterServices: services }),
  };
}

/** Runs `vicsim serve` until SIGINT or SIGTERM; resolves with the exit status. */
export async function runServe(values: Record<string, string | boolean | undefined>): Promise<number> {
  const opts = serveOptions(values);
  const served = await startServe(opts);
  process.stdout.write(serveBanner(served, opts) + '\n');
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stderr.write('vicsim: shutting down\n');
      served.close().then(() => resolve(0), () => resolve(1));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
