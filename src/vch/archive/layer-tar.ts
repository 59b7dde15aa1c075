/**
 * Layer tars to and from entry lists, with tar-stream. Paths are normalised the way an image store
 * wants them: relative POSIX paths without a leading "/" or "./" and without a trailing "/"; the
 * root directory itself is ".". Whiteout files (`.wh.name`, `.wh..wh..opq`) are ordinary entries here;
 * interpreting them belongs to the union filesystem.
 */
import { extract, pack } from 'tar-stream';
import { ImageArchiveError } from './errors.js';

/** What a layer entry is. */
export type LayerEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char-device' | 'block-device' | 'fifo';

/** One entry of a layer tar. */
export interface LayerEntry {
  /** Normalised relative path (see the module comment). */
  readonly path: string;
  readonly type: LayerEntryType;
  /** Permission bits including setuid, setgid and sticky (mode & 0o7777). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Modification time in whole seconds since the Unix epoch; the writer takes 0 ≤ mtime < 2^31 (tar-stream's range). */
  readonly mtime: number;
  /** Content length in bytes; 0 for everything but files. */
  readonly size: number;
  /** Symlink target as written, or the normalised path a hardlink points to; '' otherwise. */
  readonly linkname: string;
  /** File content (files only). */
  readonly content?: Uint8Array;
  /** Device numbers (character and block devices only). */
  readonly devmajor?: number;
  readonly devminor?: number;
}

type TarType = 'file' | 'link' | 'symlink' | 'directory' | 'block-device' | 'character-device' | 'fifo' | 'contiguous-file';

const FROM_TAR: Record<TarType, LayerEntryType> = {
  file: 'file',
  'contiguous-file': 'file',
  link: 'hardlink',
  symlink: 'symlink',
  directory: 'dir',
  'block-device': 'block-device',
  'character-device': 'char-device',
  fifo: 'fifo',
};

const TO_TAR: Record<LayerEntryType, TarType> = {
  file: 'file',
  hardlink: 'link',
  symlink: 'symlink',
  dir: 'directory',
  'block-device': 'block-device',
  'char-device': 'character-device',
  fifo: 'fifo',
};

/**
 * st_mode file-type bits per entry type. tar-stream replaces a mode of 0 with its default (0644 or
 * 0755); with the type bits set the mode is never 0, and the header keeps only mode & 0o7777.
 */
const FILE_TYPE_BITS: Record<LayerEntryType, number> = {
  file: 0o100000,
  hardlink: 0o100000,
  symlink: 0o120000,
  dir: 0o040000,
  'block-device': 0o060000,
  'char-device': 0o020000,
  fifo: 0o010000,
};

/** tar-stream writes mtime as a signed 32-bit number of seconds. */
const MTIME_LIMIT = 2 ** 31;

/** Normalises a tar member name: no leading "/" or "./", no trailing "/", "." for the root. */
export function normaliseLayerPath(name: string): string {
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  return parts.length === 0 ? '.' : parts.join('/');
}

/**
 * Parses an uncompressed tar into entries, in archive order. O(n) in the tar size; file contents
 * are copied out of the tar.
 * @throws ImageArchiveError when the bytes are not a readable tar.
 */
export async function readLayerTar(tar: Uint8Array): Promise<LayerEntry[]> {
  const reader = extract();
  const entries: LayerEntry[] = [];
  reader.end(tar);
  try {
    for await (const member of reader) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of member) chunks.push(chunk as Uint8Array);
      entries.push(entryFromHeader(member.header, chunks));
    }
  } catch (error) {
    throw new ImageArchiveError(`layer is not a valid tar archive: ${(error as Error).message}`);
  }
  return entries;
}

interface TarHeader {
  name: string;
  type: TarType;
  mode: number;
  uid: number;
  gid: number;
  mtime: Date;
  size: number;
  linkname: string | null;
  devmajor: number;
  devminor: number;
}

function entryFromHeader(header: TarHeader, chunks: Uint8Array[]): LayerEntry {
  const type = FROM_TAR[header.type];
  if (type === undefined) throw new ImageArchiveError(`unsupported tar entry type ${String(header.type)} for ${header.name}`);
  const base = {
    path: normaliseLayerPath(header.name),
    type,
    mode: header.mode & 0o7777,
    uid: header.uid,
    gid: header.gid,
    mtime: Math.floor(header.mtime.getTime() / 1000),
    linkname: type === 'hardlink' ? normaliseLayerPath(header.linkname ?? '') : (header.linkname ?? ''),
  };
  if (type === 'file') {
    const content = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    return { ...base, size: content.length, content };
  }
  if (type === 'char-device' || type === 'block-device') {
    return { ...base, size: 0, devmajor: header.devmajor, devminor: header.devminor };
  }
  return { ...base, size: 0 };
}

/**
 * Writes entries as an uncompressed ustar/pax tar, in the given order (directories get a trailing
 * "/" as docker writes them). Same entries, same bytes. O(n) in the total content size.
 * Precondition: file entries carry `content` (a missing one is written empty); `size` is taken from it.
 * @throws ImageArchiveError for an mtime tar-stream cannot write (negative, or 2038 and later).
 */
export async function writeLayerTar(entries: readonly LayerEntry[]): Promise<Buffer> {
  const writer = pack();
  const collected = collect(writer);
  for (const entry of entries) {
    if (!(entry.mtime >= 0 && entry.mtime < MTIME_LIMIT)) throw new ImageArchiveError(`mtime ${entry.mtime} of ${entry.path} is outside 0..2^31-1`);
    const content = entry.type === 'file' ? (entry.content ?? new Uint8Array(0)) : undefined;
    const header = {
      name: entry.type === 'dir' && entry.path !== '.' ? `${entry.path}/` : entry.path === '.' ? './' : entry.path,
      type: TO_TAR[entry.type],
      mode: entry.mode | FILE_TYPE_BITS[entry.type],
      uid: entry.uid,
      gid: entry.gid,
      mtime: new Date(entry.mtime * 1000),
      size: content?.length ?? 0,
      linkname: entry.linkname,
      devmajor: entry.devmajor ?? 0,
      devminor: entry.devminor ?? 0,
    };
    if (content) writer.entry(header, content);
    else writer.entry(header);
  }
  writer.finalize();
  return collected;
}

async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
