/**
 * The volumes a container create asks for, read from `HostConfig.Binds` (`-v name:/path[:ro]`),
 * `HostConfig.Mounts` (`--mount type=volume,…`) and `Volumes` (`-v /path`, an image's VOLUME), with
 * docker's messages for malformed specs and VIC's refusal of host directories. Pure.
 */
import type { ContainerCreateRequest, MountSpec } from '../engine/docker-types.js';
import { BadParameterError } from '../engine/errors.js';
import { checkVolumeName } from './options.js';

/** VIC's refusal of host bind mounts (vic-behaviour.md, Volumes). */
export const HOST_DIRECTORY_REFUSAL = 'mounting directories as a data volume is not supported';

/** One volume a container wants mounted. */
export interface MountRequest {
  /** The volume's name; undefined for an anonymous volume. */
  readonly name: string | undefined;
  /** Absolute, normalised path inside the container. */
  readonly destination: string;
  readonly readOnly: boolean;
  /** Do not seed a new volume from the image (`nocopy`, `volume-nocopy`). */
  readonly noCopy: boolean;
  /** Labels for a volume created by this mount (`--mount volume-label=…`). */
  readonly labels: Readonly<Record<string, string>>;
  /** Driver options for a volume created by this mount (`--mount volume-opt=…`). */
  readonly driverOpts: Readonly<Record<string, string>>;
  /** Driver named by the mount (`--mount volume-driver=…`), if any. */
  readonly driver: string | undefined;
}

const BIND_MODES = new Set(['ro', 'rw', 'nocopy', 'z', 'Z', 'shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);

/**
 * Every volume mount of a create request, binds first, then mounts, then anonymous volumes
 * (`Volumes` of the request, then of the image) at destinations nothing else took. O(mounts).
 * @param imageVolumes the image config's `Volumes`.
 * @throws BadParameterError for host paths, tmpfs or other mount types, malformed specs, duplicate
 *   mount points and invalid volume names.
 */
export function mountRequests(req: ContainerCreateRequest, imageVolumes?: Readonly<Record<string, object>> | null): MountRequest[] {
  const host = req.HostConfig ?? {};
  if (host.Tmpfs && typeof host.Tmpfs === 'object' && Object.keys(host.Tmpfs).length > 0) throw tmpfsRefusal();
  const out: MountRequest[] = [];
  const taken = new Set<string>();
  const add = (m: MountRequest): void => {
    if (taken.has(m.destination)) throw new BadParameterError(`Duplicate mount point: ${m.destination}`);
    taken.add(m.destination);
    out.push(m);
  };
  for (const bind of host.Binds ?? []) add(parseBind(bind));
  for (const spec of host.Mounts ?? []) add(parseMountSpec(spec));
  for (const volumes of [req.Volumes, imageVolumes]) {
    for (const path of Object.keys(volumes ?? {})) {
      const destination = checkDestination(path, path);
      if (!taken.has(destination)) add(anonymous(destination, false, false));
    }
  }
  return out;
}

function anonymous(destination: string, readOnly: boolean, noCopy: boolean): MountRequest {
  return { name: undefined, destination, readOnly, noCopy, labels: {}, driverOpts: {}, driver: undefined };
}

/** `name:/path[:mode]`, `/path[:mode]` (anonymous); a host path source is refused. */
function parseBind(raw: string): MountRequest {
  const parts = raw.split(':');
  if (parts.length > 3 || parts.some((p) => p === '')) throw new BadParameterError(`invalid volume specification: '${raw}'`);
  const lastIsMode = parts.length === 2 && !parts[1]!.startsWith('/') && parts[1]!.split(',').every((m) => BIND_MODES.has(m));
  const [source, target, modes] = parts.length === 1 ? [undefined, parts[0]!, ''] : lastIsMode ? [undefined, parts[0]!, parts[1]!] : [parts[0]!, parts[1]!, parts[2] ?? ''];
  if (source !== undefined && (source.startsWith('/') || source.startsWith('.'))) throw new BadParameterError(HOST_DIRECTORY_REFUSAL);
  const flags = modes === '' ? [] : modes.split(',');
  for (const flag of flags) if (!BIND_MODES.has(flag)) throw new BadParameterError(`invalid mode: ${modes}`);
  if (flags.includes('ro') && flags.includes('rw')) throw new BadParameterError(`invalid mode: ${modes}`);
  const destination = checkDestination(target, raw);
  const readOnly = flags.includes('ro');
  const noCopy = flags.includes('nocopy');
  if (source === undefined) return anonymous(destination, readOnly, noCopy);
  return { name: checkVolumeName(source), destination, readOnly, noCopy, labels: {}, driverOpts: {}, driver: undefined };
}

/** `--mount`: type volume only; bind refused as VIC did, tmpfs and the rest said to be unsupported. */
function parseMountSpec(spec: MountSpec): MountRequest {
  if (spec.Type === 'bind') throw new BadParameterError(HOST_DIRECTORY_REFUSAL);
  if (spec.Type === 'tmpfs') throw tmpfsRefusal();
  if (spec.Type !== 'volume') throw new BadParameterError(`mount type ${String(spec.Type ?? '')} is not supported by a VCH: mount volumes only`);
  if (typeof spec.Target !== 'string' || spec.Target === '') throw new BadParameterError('invalid mount config for type "volume": field Target must not be empty');
  const destination = checkDestination(spec.Target, spec.Target);
  const options = (spec.VolumeOptions ?? {}) as { NoCopy?: boolean; Labels?: Record<string, string> | null; DriverConfig?: { Name?: string; Options?: Record<string, string> | null } | null };
  const readOnly = spec.ReadOnly === true;
  const noCopy = options.NoCopy === true;
  if (spec.Source === undefined || spec.Source === '') return anonymous(destination, readOnly, noCopy);
  if (spec.Source.startsWith('/') || spec.Source.startsWith('.')) throw new BadParameterError(HOST_DIRECTORY_REFUSAL);
  return {
    name: checkVolumeName(spec.Source),
    destination,
    readOnly,
    noCopy,
    labels: { ...(options.Labels ?? {}) },
    driverOpts: { ...(options.DriverConfig?.Options ?? {}) },
    driver: options.DriverConfig?.Name || undefined,
  };
}

function tmpfsRefusal(): BadParameterError {
  return new BadParameterError('tmpfs mounts are not supported by a VCH: a container VM mounts only volumes (block disks)');
}

/** An absolute path other than "/", without "." segments, duplicate or trailing slashes. */
function checkDestination(path: string, raw: string): string {
  if (!path.startsWith('/')) {
    throw new BadParameterError(`invalid volume specification: '${raw}': invalid mount config for type "volume": invalid mount path: '${path}' mount path must be absolute`);
  }
  const names: string[] = [];
  for (const name of path.split('/')) {
    if (name === '' || name === '.') continue;
    if (name === '..') names.pop();
    else names.push(name);
  }
  if (names.length === 0) throw new BadParameterError(`invalid specification: destination can't be '/'`);
  return `/${names.join('/')}`;
}
