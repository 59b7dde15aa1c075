/**
 * The `docker save` / `docker load` tar format.
 *
 * Written as docker (before 25) writes it, which skopeo's `docker-archive:` transport also reads:
 * `manifest.json` ([{Config, RepoTags, Layers}]), the config as `<image id hex>.json`, each layer as
 * `<v1 id>/layer.tar` with `<v1 id>/VERSION` and `<v1 id>/json`, and the legacy `repositories` file
 * ({repo: {tag: top v1 id}}). Read: any archive whose manifest.json names its config and layer paths,
 * which also covers docker 25+'s OCI-layout saves (`blobs/sha256/…`), gzip-compressed archives and
 * layers, and layer paths that are symlinks to an earlier copy (docker's dedup).
 * Round trip: config bytes and layer tars are kept byte for byte, so image ids do not change.
 */
import { gunzipSync } from 'node:zlib';
import { ImageArchiveError } from './errors.js';
import { checkLayersMatchConfig, chainIds, digestHex, layerFromTar, parseImageConfig, sha256Digest } from './image.js';
import type { ArchiveImage, ImageLayer } from './image.js';
import { normaliseLayerPath, readLayerTar, writeLayerTar } from './layer-tar.js';
import type { LayerEntry } from './layer-tar.js';

/** One element of manifest.json. */
interface ManifestItem {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** True when the bytes start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** Returns the bytes, gunzipped when they are gzip. O(n). @throws ImageArchiveError on corrupt gzip. */
export function maybeGunzip(bytes: Uint8Array, what: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new ImageArchiveError(`${what} is not valid gzip: ${(error as Error).message}`);
  }
}

/**
 * Writes images as one docker archive. A layer is stored once: where the same diff_id comes back
 * (even under another v1 id, e.g. a base layer that is the top of another image), manifest.json
 * points at the first copy. (docker save links a second copy instead; skopeo 1.9 misreads such
 * links, so they are not written. The legacy json of a later layer may then name a parent v1 id
 * without a directory of its own; only pre-1.10 loaders read those files.)
 * O(total layer bytes). Preconditions: each image's layers match its config's diff_ids (checked).
 * @throws ImageArchiveError when an image's layers do not match its config.
 */
export async function writeDockerArchive(images: readonly ArchiveImage[]): Promise<Buffer> {
  const entries: LayerEntry[] = [];
  const writtenConfigs = new Set<string>();
  /** diff_id → path of the layer.tar that holds it. */
  const layerPaths = new Map<string, string>();
  const manifest: ManifestItem[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const image of images) {
    checkLayersMatchConfig(image.config, image.layers);
    const v1Ids = legacyLayerIds(image);
    const paths = image.layers.map((layer, i) => {
      const earlier = layerPaths.get(layer.diffId);
      if (earlier) return earlier;
      const id = v1Ids[i]!;
      entries.push(dir(id), file(`${id}/VERSION`, '1.0'), file(`${id}/json`, legacyLayerJson(image, v1Ids, i)), file(`${id}/layer.tar`, layer.tar));
      layerPaths.set(layer.diffId, `${id}/layer.tar`);
      return `${id}/layer.tar`;
    });
    const configName = `${digestHex(image.config.digest)}.json`;
    if (!writtenConfigs.has(configName)) entries.push(file(configName, image.config.bytes));
    writtenConfigs.add(configName);
    manifest.push({ Config: configName, RepoTags: [...image.repoTags], Layers: paths });
    const top = v1Ids[v1Ids.length - 1];
    for (const tag of image.repoTags) {
      const { repository, tagName } = splitRepoTag(tag);
      if (top !== undefined) (repositories[repository] ??= {})[tagName] = top;
    }
  }
  entries.push(file('manifest.json', JSON.stringify(manifest)));
  if (Object.keys(repositories).length > 0) entries.push(file('repositories', JSON.stringify(repositories)));
  return writeLayerTar(entries);
}

/**
 * Reads every image of a docker archive (optionally gzip-compressed). Layers are gunzipped when
 * compressed and checked against the config's diff_ids. O(archive size).
 * @throws ImageArchiveError when manifest.json is missing or malformed, a named file is missing,
 *   or a layer does not match its config.
 */
export async function readDockerArchive(archive: Uint8Array): Promise<ArchiveImage[]> {
  const members = new Map<string, LayerEntry>();
  for (const entry of await readLayerTar(maybeGunzip(archive, 'archive'))) members.set(entry.path, entry);
  const items = parseManifest(members);
  const layerCache = new Map<string, Promise<ImageLayer>>();
  const images: ArchiveImage[] = [];
  for (const item of items) {
    const config = parseImageConfig(readMember(members, item.Config));
    const layers = await Promise.all(
      item.Layers.map((path) => {
        const key = resolveMember(members, path);
        let layer = layerCache.get(key);
        if (!layer) {
          layer = layerFromTar(maybeGunzip(readMember(members, key), `layer ${path}`));
          layerCache.set(key, layer);
        }
        return layer;
      }),
    );
    checkLayersMatchConfig(config, layers);
    images.push({ repoTags: item.RepoTags ?? [], config, layers });
  }
  return images;
}

function parseManifest(members: Map<string, LayerEntry>): ManifestItem[] {
  if (!members.has('manifest.json')) {
    throw new ImageArchiveError('archive has no manifest.json (archives from docker before 1.10 are not supported)');
  }
  let items: unknown;
  try {
    items = JSON.parse(Buffer.from(readMember(members, 'manifest.json')).toString('utf8'));
  } catch (error) {
    throw new ImageArchiveError(`manifest.json is not valid JSON: ${(error as Error).message}`);
  }
  const valid =
    Array.isArray(items) &&
    items.every(
      (item: Partial<ManifestItem> | null) =>
        typeof item?.Config === 'string' &&
        Array.isArray(item.Layers) &&
        item.Layers.every((l) => typeof l === 'string') &&
        (item.RepoTags == null || (Array.isArray(item.RepoTags) && item.RepoTags.every((t) => typeof t === 'string'))),
    );
  if (!valid) throw new ImageArchiveError('manifest.json is not a list of {Config, RepoTags, Layers}');
  return items as ManifestItem[];
}

/** Follows symlinks inside the archive (at most 16 hops) to the member that holds the content. */
function resolveMember(members: Map<string, LayerEntry>, path: string): string {
  let current = normaliseLayerPath(path);
  for (let hop = 0; hop < 16; hop++) {
    const entry = members.get(current);
    if (entry?.type !== 'symlink') return current;
    const base = current.includes('/') ? current.slice(0, current.lastIndexOf('/') + 1) : '';
    current = normaliseRelative(entry.linkname.startsWith('/') ? entry.linkname : base + entry.linkname);
  }
  throw new ImageArchiveError(`too many symlinks resolving ${path} in the archive`);
}

function normaliseRelative(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') out.pop();
    else if (part !== '' && part !== '.') out.push(part);
  }
  return out.join('/');
}

function readMember(members: Map<string, LayerEntry>, path: string): Uint8Array {
  const entry = members.get(resolveMember(members, path));
  if (entry?.type !== 'file' || !entry.content) throw new ImageArchiveError(`archive has no file ${path}`);
  return entry.content;
}

/**
 * Legacy (v1) layer ids, derived as docker's v1.CreateID derives them: sha256 of a JSON document
 * naming the layer's chain id and the parent v1 id, so equal layer stacks get equal ids.
 */
function legacyLayerIds(image: ArchiveImage): string[] {
  const chain = chainIds(image.layers.map((layer) => layer.diffId));
  const ids: string[] = [];
  chain.forEach((chainId, i) => {
    const parent = ids[i - 1];
    const last = i === chain.length - 1;
    const document = { ...(last ? legacyConfigFields(image) : {}), layer_id: chainId, ...(parent ? { parent: `sha256:${parent}` } : {}) };
    ids.push(digestHex(sha256Digest(JSON.stringify(document))));
  });
  return ids;
}

function legacyLayerJson(image: ArchiveImage, v1Ids: readonly string[], index: number): string {
  const parent = v1Ids[index - 1];
  const own = index === v1Ids.length - 1 ? legacyConfigFields(image) : { created: image.config.json.created ?? '1970-01-01T00:00:00Z' };
  return JSON.stringify({ id: v1Ids[index], ...(parent ? { parent } : {}), ...own });
}

/** The config minus rootfs and history: what docker puts in the top layer's legacy json. */
function legacyConfigFields(image: ArchiveImage): Record<string, unknown> {
  const { rootfs: _rootfs, history: _history, ...rest } = image.config.json;
  return rest;
}

/** Splits a familiar `repo:tag` (the repo may hold a registry port) into repository and tag. */
export function splitRepoTag(repoTag: string): { repository: string; tagName: string } {
  const colon = repoTag.lastIndexOf(':');
  if (colon <= repoTag.lastIndexOf('/')) return { repository: repoTag, tagName: 'latest' };
  return { repository: repoTag.slice(0, colon), tagName: repoTag.slice(colon + 1) };
}

function dir(path: string): LayerEntry {
  return { path, type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0, linkname: '' };
}

function file(path: string, content: string | Uint8Array): LayerEntry {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { path, type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 0, size: bytes.length, linkname: '', content: bytes };
}
