/**
 * The transport test double's images, networks, volumes and system answers: small maps, docker's
 * messages, the typed errors the real VCH throws (so the error mapping is exercised end to end).
 */
import { createHash } from 'node:crypto';
import tar from 'tar-stream';
import type { EndpointSettings, ImageInspect, NetworkCreateRequest, NetworkResource, VolumeCreateRequest, VolumeResource } from '../../../src/vch/engine/docker-types.js';
import type { Filters, PruneReport, PullProgressLine, RegistryAuth, SystemInfo } from '../../../src/vch/engine/engine.js';
import { BadParameterError, ConflictError, NoSuchObjectError, UnauthorizedError } from '../../../src/vch/engine/errors.js';
import { ImageArchiveError } from '../../../src/vch/archive/errors.js';
import { ManifestUnknownError, RepositoryNotFoundError } from '../../../src/vch/registry/errors.js';
import { EventLog } from './events.js';

/** Repositories the double's "registry" has, with their tags. */
const REGISTRY: Record<string, string[]> = { busybox: ['latest', '1.36'], alpine: ['latest'] };

export const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Normalises `docker.io/library/busybox:latest` → `busybox:latest`. */
export function normalizeRef(ref: string): string {
  const bare = ref.replace(/^docker\.io\//, '').replace(/^library\//, '');
  return /:[^/]+$/.test(bare) || bare.includes('@') ? bare : `${bare}:latest`;
}

async function readTar(bytes: Uint8Array): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => void chunks.push(c as Buffer));
      stream.on('end', () => {
        files.set(header.name, Buffer.concat(chunks));
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.end(Buffer.from(bytes));
  await done;
  return files;
}

/** Builds a tar of `files`. */
export async function writeTar(files: Record<string, string | Buffer>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name, mode: 0o644 }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

export { readTar };

/** Images, networks, volumes and system of the double. */
export class ResourceEngine extends EventLog {
  protected readonly images = new Map<string, string>(); // tag → image id
  protected readonly networks = new Map<string, NetworkResource>();
  protected readonly volumes = new Map<string, VolumeResource>();
  /** Names of volumes in use by containers (set by the container side). */
  protected readonly volumesInUse = new Set<string>();

  constructor() {
    super();
    this.images.set('busybox:latest', sha('busybox'));
    this.networks.set('bridge', this.network('bridge', 'bridge'));
  }

  private network(name: string, driver: string, labels: Record<string, string> = {}): NetworkResource {
    return { Name: name, Id: sha(`net-${name}`), Created: new Date().toISOString(), Scope: 'local', Driver: driver, EnableIPv6: false, IPAM: { Driver: 'default', Options: null, Config: [{ Subnet: '172.16.0.0/16', Gateway: '172.16.0.1' }] }, Internal: false, Attachable: false, Ingress: false, Containers: {}, Options: {}, Labels: labels };
  }

  protected imageId(ref: string): string {
    const tagged = this.images.get(normalizeRef(ref));
    if (tagged) return tagged;
    const bare = ref.replace(/^sha256:/, '');
    const byId = [...this.images.values()].find((id) => bare.length >= 4 && id.startsWith(bare));
    if (!byId) throw NoSuchObjectError.image(ref);
    return byId;
  }

  async pullImage(fromImage: string, tag: string | undefined, opts: { readonly auth?: RegistryAuth; readonly onProgress: (line: PullProgressLine) => void }): Promise<void> {
    const repo = normalizeRef(fromImage).split(':')[0]!;
    const t = tag ?? normalizeRef(fromImage).split(':')[1]!;
    if (!REGISTRY[repo]) throw new RepositoryNotFoundError(repo);
    if (!REGISTRY[repo].includes(t)) throw new ManifestUnknownError(`library/${repo}`, t, `${repo}:${t}`);
    const layer = sha(`${repo}-layer`).slice(0, 12);
    opts.onProgress({ status: `Pulling from library/${repo}`, id: t });
    opts.onProgress({ status: 'Downloading', progressDetail: { current: 1024, total: 2048 }, progress: '[=====>     ] 1.024kB/2.048kB', id: layer });
    opts.onProgress({ status: 'Pull complete', id: layer });
    opts.onProgress({ status: `Digest: sha256:${sha(repo + t)}` });
    this.images.set(`${repo}:${t}`, sha(repo));
    this.emit('image', 'pull', `${repo}:${t}`, { name: `${repo}:${t}` });
    opts.onProgress({ status: `Status: Downloaded newer image for ${repo}:${t}` });
  }

  async listImages(): Promise<import('../../../src/vch/engine/docker-types.js').ImageSummary[]> {
    const byId = new Map<string, string[]>();
    for (const [tag, id] of this.images) byId.set(id, [...(byId.get(id) ?? []), tag]);
    return [...byId].map(([id, tags]) => ({ Id: `sha256:${id}`, ParentId: '', RepoTags: tags, RepoDigests: [], Created: 1700000000, Size: 4_261_550, SharedSize: -1, Labels: {}, Containers: -1 }));
  }

  async inspectImage(ref: string): Promise<ImageInspect> {
    const id = this.imageId(ref);
    const tags = [...this.images].filter(([, v]) => v === id).map(([k]) => k);
    return { Id: `sha256:${id}`, RepoTags: tags, RepoDigests: [], Parent: '', Comment: '', Created: '2023-11-14T22:13:20Z', DockerVersion: '', Author: '', Config: { Cmd: ['sh'] }, Architecture: 'amd64', Os: 'linux', Size: 4_261_550, GraphDriver: { Name: 'vsphere', Data: {} }, RootFS: { Type: 'layers', Layers: [`sha256:${sha(id)}`] }, Metadata: { LastTagTime: '0001-01-01T00:00:00Z' } };
  }

  async imageHistory(ref: string): Promise<import('../../../src/vch/engine/docker-types.js').ImageHistoryItem[]> {
    return [{ Id: `sha256:${this.imageId(ref)}`, Created: 1700000000, CreatedBy: '/bin/sh -c #(nop) CMD ["sh"]', Tags: [], Size: 4_261_550, Comment: '' }];
  }

  async tagImage(ref: string, repo: string, tag: string | undefined): Promise<void> {
    const id = this.imageId(ref);
    this.images.set(normalizeRef(tag ? `${repo}:${tag}` : repo), id);
    this.emit('image', 'tag', id, { name: `${repo}:${tag ?? 'latest'}` });
  }

  async removeImage(ref: string, opts: { readonly force: boolean }): Promise<({ Untagged: string } | { Deleted: string })[]> {
    const id = this.imageId(ref);
    if (!opts.force && this.imageInUse(id)) throw new ConflictError(`conflict: unable to remove repository reference "${ref}" - container is using its referenced image ${id.slice(0, 12)}`);
    const tags = [...this.images].filter(([, v]) => v === id).map(([k]) => k);
    const named = normalizeRef(ref);
    if (tags.length > 1 && tags.includes(named)) {
      this.images.delete(named);
      this.emit('image', 'untag', id, { name: named });
      return [{ Untagged: named }];
    }
    for (const t of tags) this.images.delete(t);
    this.emit('image', 'delete', id, {});
    return [...tags.map((t) => ({ Untagged: t })), { Deleted: `sha256:${id}` }];
  }

  protected imageInUse(_id: string): boolean {
    return false;
  }

  async saveImages(refs: readonly string[]): Promise<Uint8Array> {
    const manifest = refs.map((r) => ({ Config: `${this.imageId(r)}.json`, RepoTags: [normalizeRef(r)], Layers: [] }));
    return writeTar({ 'manifest.json': JSON.stringify(manifest) });
  }

  async loadImages(bytes: Uint8Array): Promise<string[]> {
    const files = await readTar(bytes).catch((e: Error) => { throw new ImageArchiveError(`invalid tar: ${e.message}`); });
    const manifest = files.get('manifest.json');
    if (!manifest) throw new ImageArchiveError('manifest.json not found in the archive');
    const entries = JSON.parse(manifest.toString()) as { RepoTags: string[] }[];
    const loaded = entries.flatMap((e) => e.RepoTags);
    for (const t of loaded) this.images.set(normalizeRef(t), sha(t.split(':')[0]!));
    return loaded.map((t) => `Loaded image: ${t}`);
  }

  async pruneImages(): Promise<{ ImagesDeleted: ({ Untagged: string } | { Deleted: string })[]; SpaceReclaimed: number }> {
    return { ImagesDeleted: [], SpaceReclaimed: 0 };
  }

  async login(auth: RegistryAuth): Promise<{ Status: string }> {
    if (auth.username === 'user' && auth.password === 'pass') return { Status: 'Login Succeeded' };
    throw new UnauthorizedError('Get "https://registry.local/v2/": unauthorized: incorrect username or password');
  }

  async createNetwork(body: NetworkCreateRequest): Promise<{ Id: string; Warning: string }> {
    if (this.networks.has(body.Name)) throw new ConflictError(`network with name ${body.Name} already exists`);
    const n = this.network(body.Name, body.Driver ?? 'bridge', body.Labels ?? {});
    this.networks.set(body.Name, n);
    this.emit('network', 'create', n.Id, { name: n.Name, type: n.Driver });
    return { Id: n.Id, Warning: '' };
  }

  async listNetworks(filters: Filters): Promise<NetworkResource[]> {
    return [...this.networks.values()].filter((n) => !filters['name'] || filters['name'].some((f) => n.Name.includes(f)));
  }

  async inspectNetwork(ref: string): Promise<NetworkResource> {
    const n = this.networks.get(ref) ?? [...this.networks.values()].find((x) => x.Id.startsWith(ref));
    if (!n) throw new NoSuchObjectError(`network ${ref} not found`);
    return n;
  }

  async removeNetwork(ref: string): Promise<void> {
    const n = await this.inspectNetwork(ref);
    if (n.Name === 'bridge') throw new ConflictError('bridge is a pre-defined network and cannot be removed');
    this.networks.delete(n.Name);
    this.emit('network', 'destroy', n.Id, { name: n.Name });
  }

  async connectNetwork(ref: string, _container: string, _endpoint: EndpointSettings | undefined): Promise<void> {
    await this.inspectNetwork(ref);
  }

  async disconnectNetwork(ref: string): Promise<void> {
    await this.inspectNetwork(ref);
  }

  async pruneNetworks(): Promise<PruneReport> {
    return { deleted: [], spaceReclaimed: 0 };
  }

  async createVolume(body: VolumeCreateRequest): Promise<VolumeResource> {
    const name = body.Name || sha(String(this.volumes.size + Date.now()));
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name)) throw new BadParameterError(`"${name}" includes invalid characters for a local volume name`);
    const v: VolumeResource = { Name: name, Driver: body.Driver ?? 'vsphere', Mountpoint: `/vols/${name}`, CreatedAt: new Date().toISOString(), Labels: body.Labels ?? {}, Options: body.DriverOpts ?? {}, Scope: 'local' };
    if (!this.volumes.has(name)) this.volumes.set(name, v);
    return this.volumes.get(name)!;
  }

  async listVolumes(): Promise<{ Volumes: VolumeResource[]; Warnings: string[] }> {
    return { Volumes: [...this.volumes.values()], Warnings: [] };
  }

  async inspectVolume(name: string): Promise<VolumeResource> {
    const v = this.volumes.get(name);
    if (!v) throw new NoSuchObjectError(`get ${name}: no such volume`);
    return v;
  }

  async removeVolume(name: string, force: boolean): Promise<void> {
    await this.inspectVolume(name);
    if (this.volumesInUse.has(name) && !force) throw new ConflictError(`remove ${name}: volume is in use`);
    this.volumes.delete(name);
  }

  async pruneVolumes(): Promise<PruneReport> {
    return { deleted: [], spaceReclaimed: 0 };
  }

  async info(): Promise<SystemInfo> {
    return { ID: 'transport-test-double', Name: 'double', Driver: 'vSphere Integrated Containers Backend Engine', DriverStatus: [['VCH', 'transport test double']], NCPU: 4, MemTotal: 8 * 2 ** 30, ServerVersion: 'test-double' };
  }

  async version(): Promise<SystemInfo> {
    return { Version: 'test-double', Arch: 'amd64', GitCommit: 'none', GoVersion: 'n/a', KernelVersion: 'n/a', BuildTime: '', Platform: { Name: 'vicsim transport test double' } };
  }

  async diskUsage(): Promise<SystemInfo> {
    return { LayersSize: 0, Images: await this.listImages(), Containers: [], Volumes: [...this.volumes.values()].map((v) => ({ ...v, UsageData: { Size: 0, RefCount: 0 } })) };
  }
}
