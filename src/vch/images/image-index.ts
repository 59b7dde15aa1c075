/**
 * The image index: image records (config, tags, digests) and the references that name them,
 * resolved as dockerd resolves an image reference (daemon/images GetImage): a full id (with or
 * without `sha256:`), then a tag or digest reference normalised as docker does (`busybox` →
 * `docker.io/library/busybox:latest`), then a unique id prefix. An ambiguous prefix names no image,
 * as in dockerd ("No such image: X").
 */
import type { Digest, ImageConfig } from '../archive/image.js';
import { chainIds, isDigest, parseImageConfig } from '../archive/image.js';
import { NoSuchObjectError, BadParameterError } from '../engine/errors.js';
import { InvalidReferenceError } from '../registry/errors.js';
import { parseReference } from '../registry/reference.js';
import type { ImageReference } from '../registry/reference.js';

/** One image. Tags and digests are normalised reference strings (`docker.io/library/busybox:latest`). */
export interface ImageRecord {
  /** The config digest. */
  readonly id: Digest;
  readonly config: ImageConfig;
  /** Chain ids of its layers, bottom-up (the last is its top layer). */
  readonly chainIds: readonly Digest[];
  readonly repoTags: string[];
  readonly repoDigests: string[];
  /** When a tag was last set (RFC 3339), for inspect's Metadata.LastTagTime. */
  lastTagTime: string | undefined;
}

/** The index file's format. */
interface IndexFileV1 {
  readonly version: 1;
  readonly images: readonly { id: string; config: string; repoTags: string[]; repoDigests: string[]; lastTagTime?: string }[];
}

const HEX_PREFIX_RE = /^(?:sha256:)?([0-9a-f]{1,64})$/;
const FULL_ID_RE = /^(?:sha256:)?([0-9a-f]{64})$/;

/** The key a reference is indexed under: `name:tag`, or `name@digest` when it has a digest. */
export function referenceKey(ref: ImageReference): string {
  return ref.digest !== undefined ? `${ref.name}@${ref.digest}` : ref.toString();
}

/** The familiar form docker prints (`busybox:latest`, `busybox@sha256:…`) of an indexed reference. */
export function familiar(key: string): string {
  return parseReference(key).familiarString;
}

/** Images and their references. Not persistent by itself: see {@link serialize} and {@link deserializeIndex}. */
export class ImageIndex {
  readonly #images = new Map<Digest, ImageRecord>();
  /** Reference key → image id. */
  readonly #refs = new Map<string, Digest>();

  /** Every image, in insertion order. */
  all(): ImageRecord[] {
    return [...this.#images.values()];
  }

  /** The image with that id, if any. O(1). */
  byId(id: Digest): ImageRecord | undefined {
    return this.#images.get(id);
  }

  /** The image a reference key names, if any. O(1). */
  byReference(key: string): ImageRecord | undefined {
    const id = this.#refs.get(key);
    return id === undefined ? undefined : this.#images.get(id);
  }

  /** Adds an image without references; returns the stored record (the existing one when already present). */
  add(config: ImageConfig): ImageRecord {
    const existing = this.#images.get(config.digest);
    if (existing) return existing;
    const record: ImageRecord = {
      id: config.digest,
      config,
      chainIds: chainIds(config.json.rootfs.diff_ids as Digest[]),
      repoTags: [],
      repoDigests: [],
      lastTagTime: undefined,
    };
    this.#images.set(record.id, record);
    return record;
  }

  /**
   * Points a reference at an image, moving it from the image that had it. Returns that image's id
   * when it moved, else undefined. Precondition: the image is in the index. O(refs of the old image).
   */
  setReference(ref: ImageReference, id: Digest, time: string): Digest | undefined {
    const key = referenceKey(ref);
    const previous = this.#refs.get(key);
    if (previous === id) return undefined;
    if (previous !== undefined) this.removeReference(key);
    const record = this.#images.get(id)!;
    this.#refs.set(key, id);
    if (ref.digest !== undefined) record.repoDigests.push(key);
    else {
      record.repoTags.push(key);
      record.lastTagTime = time;
    }
    return previous;
  }

  /** Removes a reference from its image; returns the image, or undefined when the key named none. */
  removeReference(key: string): ImageRecord | undefined {
    const id = this.#refs.get(key);
    if (id === undefined) return undefined;
    this.#refs.delete(key);
    const record = this.#images.get(id)!;
    for (const list of [record.repoTags, record.repoDigests]) {
      const at = list.indexOf(key);
      if (at !== -1) list.splice(at, 1);
    }
    return record;
  }

  /** Removes an image and all its references. */
  delete(id: Digest): void {
    const record = this.#images.get(id);
    if (!record) return;
    for (const key of [...record.repoTags, ...record.repoDigests]) this.#refs.delete(key);
    this.#images.delete(id);
  }

  /**
   * The image `text` names (see the module comment). O(1) for ids and references, O(images) for a prefix.
   * @throws NoSuchObjectError "No such image: X"; BadParameterError for text that is neither a
   *   reference nor an id prefix (docker's reason, e.g. "invalid reference format: repository name must be lowercase").
   */
  resolve(text: string): ImageRecord {
    const full = FULL_ID_RE.exec(text);
    if (full) return this.#images.get(`sha256:${full[1]}`) ?? throwNoSuchImage(text);
    let ref: ImageReference | undefined;
    try {
      ref = parseReference(text);
    } catch (error) {
      if (!(error instanceof InvalidReferenceError)) throw error;
      if (!HEX_PREFIX_RE.test(text)) throw new BadParameterError(error.reason);
    }
    const named = ref ? this.byReference(referenceKey(ref)) : undefined;
    return named ?? this.#byPrefix(text) ?? throwNoSuchImage(text);
  }

  /** True when `text` names the image by its id or an id prefix (dockerd's isImageIDPrefix). O(1). */
  static isIdReference(text: string, record: ImageRecord): boolean {
    return text !== '' && (record.id.startsWith(text) || record.id.slice('sha256:'.length).startsWith(text));
  }

  #byPrefix(text: string): ImageRecord | undefined {
    const match = HEX_PREFIX_RE.exec(text);
    if (!match) return undefined;
    const hex = `sha256:${match[1]!}`;
    let found: ImageRecord | undefined;
    for (const record of this.#images.values()) {
      if (!record.id.startsWith(hex)) continue;
      if (found) return undefined;
      found = record;
    }
    return found;
  }

  /** The index as file bytes (format version 1; configs kept byte for byte, base64). O(images). */
  serialize(): Uint8Array {
    const file: IndexFileV1 = {
      version: 1,
      images: this.all().map((r) => ({
        id: r.id,
        config: Buffer.from(r.config.bytes).toString('base64'),
        repoTags: r.repoTags,
        repoDigests: r.repoDigests,
        ...(r.lastTagTime !== undefined ? { lastTagTime: r.lastTagTime } : {}),
      })),
    };
    return Buffer.from(JSON.stringify(file));
  }
}

function throwNoSuchImage(text: string): never {
  throw NoSuchObjectError.image(text);
}

/**
 * Rebuilds an index from file bytes; undefined when they are not a valid version-1 index (a torn
 * write). Images whose config does not hash to their id are skipped. O(file size).
 */
export function deserializeIndex(bytes: Uint8Array): ImageIndex | undefined {
  let file: IndexFileV1;
  try {
    file = JSON.parse(Buffer.from(bytes).toString('utf8')) as IndexFileV1;
  } catch {
    return undefined;
  }
  if (file?.version !== 1 || !Array.isArray(file.images)) return undefined;
  const index = new ImageIndex();
  for (const entry of file.images) {
    const config = configOf(entry.config);
    if (config === undefined || !isDigest(entry.id) || config.digest !== entry.id) continue;
    const record = index.add(config);
    for (const key of [...entry.repoTags, ...entry.repoDigests]) index.setReference(parseReference(key), record.id, entry.lastTagTime ?? '');
    record.lastTagTime = entry.lastTagTime;
  }
  return index;
}

function configOf(base64: string): ImageConfig | undefined {
  try {
    return parseImageConfig(Buffer.from(base64, 'base64'));
  } catch {
    return undefined;
  }
}
