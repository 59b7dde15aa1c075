/**
 * A datastore's file namespace.
 *
 * Files with content of their own (logs, nvram, anything a guest or user writes) live in a memfs
 * volume. Files whose content is derived from the model — a VM's `.vmx`, a disk's descriptor —
 * are projections: listed with their size, rendered from the model when read, never stored twice
 * (storing them in memfs costs ~4 KB and ~48 µs per VM, measured; the model keeps ≤ 4 KB per VM).
 * Disk extents (`-flat.vmdk`, `-sesparse.vmdk`) are entries whose size is the thin-provisioned
 * allocation. Usage is the sum of every file's size, kept incrementally.
 */
import { Volume } from 'memfs';
import { DuplicateNameError, InsufficientResourcesError, InvalidArgumentError, NotFoundError } from '../sim/errors.js';
import { folderDelete, folderEntries, folderGet, folderNames, folderOf, folderSet, folderSize, type FolderEntries } from './folder-entries.js';

/** A projected or extent entry. */
export interface VirtualEntry {
  readonly kind: 'projection' | 'extent';
  /** The object whose record renders or sizes the file (a VM id, a disk path…). */
  readonly owner: string;
  /** What the owner renders (e.g. 'vmx', 'descriptor'); empty for extents. */
  readonly render: string;
  size: number;
}

/** Renders projected files on read. */
export type Projector = (entry: VirtualEntry) => string;

/** One file, as listings and the usage invariant see it. */
export interface FileInfo {
  readonly path: string;
  readonly size: number;
  readonly kind: 'stored' | 'projection' | 'extent';
}

/** One entry of a folder listing. */
export interface DirectoryEntry {
  readonly name: string;
  readonly kind: 'directory' | 'stored' | 'projection' | 'extent';
  readonly size: number;
  /** The projected or extent entry, for those kinds. */
  readonly entry?: VirtualEntry;
}

/** The namespace of one datastore. Paths are relative to its root, `/`-separated, no leading slash. */
export class DatastoreFiles {
  readonly #vol = new Volume();
  /** Folder → its projected and extent entries (folders without any are not keys). */
  readonly #virtual = new Map<string, FolderEntries>();
  /**
   * Folder → number of folders holding virtual entries strictly below it (for exists/readdir); a
   * folder holding entries itself is a key of the entry map, so a VM folder adds nothing here.
   */
  readonly #virtualDirs = new Map<string, number>();
  #usage = 0;
  /**
   * First path segments that may have stored content (memfs): every stored write or mkdir adds its
   * first segment; removing a top-level file or folder drops it. A superset of the root's stored
   * names, so a path whose first segment is absent has nothing stored and memfs need not be asked.
   */
  readonly #storedRoots = new Set<string>();

  constructor(
    readonly name: string,
    readonly capacityBytes: number,
    readonly projector: Projector,
  ) {}

  /** Bytes used by every file. */
  get usage(): number {
    return this.#usage;
  }

  /** Bytes still free. */
  get free(): number {
    return this.capacityBytes - this.#usage;
  }

  /** The `[name] path` form vSphere prints. */
  dsPath(path: string): string {
    return `[${this.name}] ${path}`;
  }

  /** Throws InsufficientResourcesError when `bytes` more do not fit. */
  ensureSpace(bytes: number, what: string): void {
    if (bytes > 0 && this.#usage + bytes > this.capacityBytes) {
      throw new InsufficientResourcesError(`datastore '${this.name}' for ${what}`, 'disk', bytes, Math.max(0, this.free), 'bytes');
    }
  }

  /** Writes (replaces) a stored file, creating its folders. */
  writeFile(path: string, data: string | Uint8Array): void {
    const p = norm(path);
    this.#checkStoredPath(p);
    const old = this.#storedSize(p);
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    this.ensureSpace(size - old, p);
    this.#storedRoots.add(rootOf(p));
    this.#fs(p, () => {
      this.#vol.mkdirSync('/' + dirOf(p), { recursive: true });
      this.#vol.writeFileSync('/' + p, data);
    });
    this.#usage += size - old;
  }

  /** Appends to a stored file, creating it. */
  appendFile(path: string, data: string | Uint8Array): void {
    const p = norm(path);
    this.#checkStoredPath(p);
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    this.ensureSpace(size, p);
    this.#storedRoots.add(rootOf(p));
    this.#fs(p, () => {
      this.#vol.mkdirSync('/' + dirOf(p), { recursive: true });
      this.#vol.appendFileSync('/' + p, data);
    });
    this.#usage += size;
  }

  /** Adds or resizes a projected or extent entry. */
  setVirtual(path: string, entry: VirtualEntry): void {
    const p = norm(path);
    const dir = dirOf(p);
    const files = this.#virtual.get(dir);
    const old = (files && folderGet(files, p)?.size) ?? 0;
    this.ensureSpace(entry.size - old, p);
    if (!files) {
      this.#virtual.set(dir, folderOf(p, entry));
      this.#countDir(dir, 1);
    } else {
      const kept = folderSet(files, p, entry);
      if (kept !== files) this.#virtual.set(dir, kept);
    }
    this.#usage += entry.size - old;
  }

  /** Changes the size of an existing virtual entry (thin disks grow). */
  resizeVirtual(path: string, size: number): void {
    const entry = this.#virtualEntry(norm(path));
    if (!entry) throw new NotFoundError('file', this.dsPath(path));
    this.ensureSpace(size - entry.size, path);
    this.#usage += size - entry.size;
    entry.size = size;
  }

  /** Whether a file or folder exists. O(1) unless stored content may be there (then memfs is asked). */
  exists(path: string): boolean {
    const p = norm(path);
    return this.#virtualEntry(p) !== undefined || this.#isVirtualDir(p) || this.#mayBeStored(p);
  }

  /** A file's size and kind. @throws NotFoundError */
  stat(path: string): FileInfo {
    const p = norm(path);
    const v = this.#virtualEntry(p);
    if (v) return { path: p, size: v.size, kind: v.kind };
    if (this.#vol.existsSync('/' + p) && this.#vol.statSync('/' + p).isFile()) return { path: p, size: this.#storedSize(p), kind: 'stored' };
    throw new NotFoundError('file', this.dsPath(p));
  }

  /** A file's content: stored bytes, or a projection rendered now. Extents read as empty. */
  readFile(path: string): string {
    const p = norm(path);
    const v = this.#virtualEntry(p);
    if (v) return v.kind === 'projection' ? this.projector(v) : '';
    if (!this.#vol.existsSync('/' + p)) throw new NotFoundError('file', this.dsPath(p));
    return this.#fs(p, () => this.#vol.readFileSync('/' + p, 'utf8') as string);
  }

  /** The projected or extent entry at `path`, if that is one. O(1). */
  virtualEntry(path: string): VirtualEntry | undefined {
    return this.#virtualEntry(norm(path));
  }

  /** Whether `path` is a folder ('' = the root always is). O(1). */
  isDirectory(path: string): boolean {
    if (path === '') return true;
    const p = norm(path);
    return this.#isVirtualDir(p) || (this.#vol.existsSync('/' + p) && this.#vol.statSync('/' + p).isDirectory());
  }

  /**
   * Creates a folder (vim: FileManager.MakeDirectory). With `parents`, missing parents are made too
   * and an existing folder is accepted; without, the parent must exist and the folder must not.
   * @throws NotFoundError naming the missing parent folder; DuplicateNameError when it exists;
   *   InvalidArgumentError when a file stands on the path.
   */
  mkdir(path: string, parents = false): void {
    const p = norm(path);
    if (this.#virtualEntry(p) || (this.#vol.existsSync('/' + p) && !this.isDirectory(p))) throw new InvalidArgumentError('path', `${this.dsPath(p)} is a file, not a folder`);
    if (this.isDirectory(p)) {
      if (parents) return;
      throw new DuplicateNameError('folder', this.dsPath(p), `datastore '${this.name}'`);
    }
    if (!parents && !this.isDirectory(dirOf(p))) throw new NotFoundError('folder', this.dsPath(dirOf(p)));
    this.#checkStoredPath(p);
    this.#storedRoots.add(rootOf(p));
    this.#fs(p, () => this.#vol.mkdirSync('/' + p, { recursive: true }));
  }

  /** A file's content as bytes: stored bytes, or a projection rendered now. Extents read as empty. @throws NotFoundError */
  readBytes(path: string): Uint8Array {
    const p = norm(path);
    const v = this.#virtualEntry(p);
    if (v) return Buffer.from(v.kind === 'projection' ? this.projector(v) : '');
    if (!this.#vol.existsSync('/' + p) || this.isDirectory(p)) throw new NotFoundError('file', this.dsPath(p));
    return new Uint8Array(this.#fs(p, () => this.#vol.readFileSync('/' + p) as Buffer));
  }

  /**
   * The entries of one folder ('' = root), sorted by name: folders, stored files, and projected or
   * extent entries with the entry itself (its owner says which disk or VM). O(entries).
   * @throws NotFoundError when the folder does not exist.
   */
  list(dir: string): DirectoryEntry[] {
    const d = dir === '' ? '' : norm(dir);
    if (!this.isDirectory(d)) throw new NotFoundError('folder', this.dsPath(d));
    return this.readdir(d).map((name) => {
      const p = d === '' ? name : `${d}/${name}`;
      const entry = this.#virtualEntry(p);
      if (entry) return { name, kind: entry.kind, size: entry.size, entry };
      if (this.isDirectory(p)) return { name, kind: 'directory', size: 0 };
      return { name, kind: 'stored', size: this.#storedSize(p) };
    });
  }

  /** Every stored folder (memfs), parents first, for save. O(folders). */
  directories(): string[] {
    const out: string[] = [];
    const walk = (real: string): void => {
      for (const n of this.#vol.readdirSync(real) as string[]) {
        const child = real === '/' ? `/${n}` : `${real}/${n}`;
        if (!this.#vol.statSync(child).isDirectory()) continue;
        out.push(child.slice(1));
        walk(child);
      }
    };
    walk('/');
    return out;
  }

  /** Names in a folder ('' = root), sorted. */
  readdir(dir: string): string[] {
    const d = dir === '' ? '' : norm(dir);
    const own = this.#virtual.get(d);
    const names = new Set<string>(own ? folderNames(own, d === '' ? 0 : d.length + 1) : []);
    const prefix = d === '' ? '' : d + '/';
    for (const sub of this.#virtual.keys()) {
      if (sub !== d && sub.startsWith(prefix)) names.add(sub.slice(prefix.length).split('/')[0]!);
    }
    const real = '/' + d;
    if (this.#vol.existsSync(real)) for (const n of this.#vol.readdirSync(real) as string[]) names.add(n);
    return [...names].sort();
  }

  /** Removes one file. @throws NotFoundError */
  rm(path: string): void {
    const p = norm(path);
    const files = this.#virtual.get(dirOf(p));
    const v = files && folderGet(files, p);
    if (v && files) {
      folderDelete(files, p);
      if (folderSize(files) === 0) {
        this.#virtual.delete(dirOf(p));
        this.#countDir(dirOf(p), -1);
      }
      this.#usage -= v.size;
      return;
    }
    const size = this.#storedSize(p);
    if (!this.#vol.existsSync('/' + p)) throw new NotFoundError('file', this.dsPath(p));
    this.#fs(p, () => this.#vol.unlinkSync('/' + p));
    this.#usage -= size;
    if (!p.includes('/')) this.#storedRoots.delete(p);
  }

  /** Removes a folder and everything under it (no error when absent). */
  rmdir(dir: string): void {
    const d = norm(dir);
    for (const f of this.files(d)) this.rm(f.path);
    if (this.#vol.existsSync('/' + d)) this.#vol.rmSync('/' + d, { recursive: true, force: true });
    if (!d.includes('/')) this.#storedRoots.delete(d);
  }

  /** Every file under `dir` ('' = all), with sizes. O(files). */
  files(dir = ''): FileInfo[] {
    const d = dir === '' ? '' : norm(dir);
    const out: FileInfo[] = [];
    for (const [folder, files] of this.#virtual) {
      if (d && folder !== d && !folder.startsWith(d + '/')) continue;
      for (const [path, e] of folderEntries(files)) out.push({ path, size: e.size, kind: e.kind });
    }
    const walk = (real: string): void => {
      if (!this.#vol.existsSync(real)) return;
      for (const n of this.#vol.readdirSync(real) as string[]) {
        const child = real === '/' ? `/${n}` : `${real}/${n}`;
        if (this.#vol.statSync(child).isDirectory()) walk(child);
        else out.push({ path: child.slice(1), size: this.#storedSize(child.slice(1)), kind: 'stored' });
      }
    };
    walk('/' + d);
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Stored files (not projections or extents) as path → content, for save. */
  storedFiles(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of this.files()) if (f.kind === 'stored') out[f.path] = this.readFile(f.path);
    return out;
  }

  /**
   * Refuses a stored file where the model keeps a projection or extent, where a folder is, or
   * below a projection or extent: one path names one thing. O(depth).
   */
  #checkStoredPath(p: string): void {
    const v = this.#virtualEntry(p);
    if (v) throw new InvalidArgumentError('path', `${this.dsPath(p)} is ${v.kind === 'extent' ? 'a disk extent' : 'a projection'} the model keeps; it cannot be written`);
    if (this.#isVirtualDir(p)) throw new InvalidArgumentError('path', `${this.dsPath(p)} is a folder`);
    for (let d = dirOf(p); d !== ''; d = dirOf(d)) {
      if (this.#virtualEntry(d)) throw new InvalidArgumentError('path', `${this.dsPath(d)} is a file, not a folder`);
    }
  }

  /** Runs a memfs call; a file where a folder is needed, or the reverse, becomes InvalidArgumentError. */
  #fs<T>(p: string, call: () => T): T {
    try {
      return call();
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (code === 'EISDIR' || code === 'EPERM') throw new InvalidArgumentError('path', `${this.dsPath(p)} is a folder, not a file`);
      if (code === 'ENOTDIR' || code === 'EEXIST') throw new InvalidArgumentError('path', `a file in ${this.dsPath(p)} stands where a folder is needed`);
      throw e;
    }
  }

  /** Whether memfs holds `p` (a file or folder), skipping memfs when its first segment holds nothing stored. */
  #mayBeStored(p: string): boolean {
    return this.#storedRoots.has(rootOf(p)) && this.#vol.existsSync('/' + p);
  }

  #isVirtualDir(p: string): boolean {
    return this.#virtual.has(p) || this.#virtualDirs.has(p);
  }

  /** Counts `d` more folders holding entries below each ancestor of `dir`. O(depth). */
  #countDir(dir: string, d: number): void {
    if (dir === '') return;
    for (let cur = dirOf(dir); ; cur = dirOf(cur)) {
      const n = (this.#virtualDirs.get(cur) ?? 0) + d;
      if (n <= 0) this.#virtualDirs.delete(cur);
      else this.#virtualDirs.set(cur, n);
      if (cur === '') return;
    }
  }

  #virtualEntry(p: string): VirtualEntry | undefined {
    const files = this.#virtual.get(dirOf(p));
    return files && folderGet(files, p);
  }

  #storedSize(p: string): number {
    const real = '/' + p;
    return this.#vol.existsSync(real) ? Number(this.#vol.statSync(real).size) : 0;
  }
}

/** Paths that need no cleaning: no leading or trailing slash, no empty, `.` or `..` segment. */
const CLEAN_PATH = /^(?!\.\.?(?:\/|$))[^/]+(?:\/(?!\.\.?(?:\/|$))[^/]+)*$/;

/**
 * A clean path as given, otherwise the path without leading and trailing slashes. O(length): paths
 * with no empty segment and no segment starting with '.' are clean without the regular expression.
 * @throws InvalidArgumentError for an empty path or one with an empty, `.` or `..` segment.
 */
function norm(path: string): string {
  if (path !== '' && path[0] !== '/' && path[0] !== '.' && path[path.length - 1] !== '/' && !path.includes('//') && !path.includes('/.')) return path;
  if (CLEAN_PATH.test(path)) return path;
  const p = path.replace(/^\/+/, '').replace(/\/+$/, '');
  if (p === '' || p.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new InvalidArgumentError('path', `invalid datastore path '${path}'`);
  }
  return p;
}

/** The first segment of a clean path. */
function rootOf(p: string): string {
  const i = p.indexOf('/');
  return i < 0 ? p : p.slice(0, i);
}

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}
