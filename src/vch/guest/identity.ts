/** Users and groups of the guest, from its /etc/passwd and /etc/group. */
import type { GuestFs } from '../fs/types.js';
import { fromBytes } from './io.js';

/** Who a process runs as. */
export interface Identity {
  readonly uid: number;
  readonly gid: number;
  readonly user: string | undefined;
  readonly group: string | undefined;
  readonly home: string;
  /** Supplementary groups as [gid, name]. */
  readonly groups: readonly (readonly [number, string | undefined])[];
}

/** Parsed /etc/passwd and /etc/group texts: containers of one image read the same files at every start. */
const PARSED = new Map<string, readonly (readonly string[])[]>();
/** Distinct texts remembered before the cache starts afresh (estimate: a few images' files). */
const PARSED_CACHE_SIZE = 64;

/** The colon-separated rows of a guest file (comments and blank lines out); none when it cannot be read. The file is read each time (the guest's I/O). */
function table(fs: GuestFs, path: string): readonly (readonly string[])[] {
  let text: string;
  try {
    text = fromBytes(fs.readFile(path));
  } catch {
    return [];
  }
  let rows = PARSED.get(text);
  if (!rows) {
    rows = text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(':'));
    if (PARSED.size >= PARSED_CACHE_SIZE) PARSED.clear();
    PARSED.set(text, rows);
  }
  return rows;
}

/**
 * Resolves docker's `--user` value ("", "root", "1000", "app:staff", "1000:1000") against the
 * guest's files. A numeric id without a passwd entry is used as is (no name). O(lines of the files).
 */
export function resolveIdentity(fs: GuestFs, user: string): Identity {
  const [userPart = '', groupPart] = user.split(':');
  const passwd = table(fs, '/etc/passwd');
  const groups = table(fs, '/etc/group');
  const wanted = userPart || 'root';
  const row = passwd.find((r) => r[0] === wanted || (/^\d+$/.test(wanted) && r[2] === wanted));
  const uid = row ? Number(row[2]) : /^\d+$/.test(wanted) ? Number(wanted) : 0;
  const name = row?.[0] ?? (uid === 0 ? 'root' : undefined);
  const groupRow = groupPart !== undefined ? groups.find((g) => g[0] === groupPart || g[2] === groupPart) : groups.find((g) => g[2] === (row?.[3] ?? String(uid === 0 ? 0 : uid)));
  const gid = groupRow ? Number(groupRow[2]) : groupPart && /^\d+$/.test(groupPart) ? Number(groupPart) : row ? Number(row[3]) : uid === 0 ? 0 : uid;
  const extra = groups
    .filter((g) => Number(g[2]) !== gid && name !== undefined && (g[3] ?? '').split(',').includes(name))
    .map((g) => [Number(g[2]), g[0]!] as const);
  return {
    uid,
    gid,
    user: name,
    group: groupRow?.[0] ?? (gid === 0 ? 'root' : undefined),
    home: row?.[5] || (uid === 0 ? '/root' : '/'),
    groups: [[gid, groupRow?.[0] ?? (gid === 0 ? 'root' : undefined)] as const, ...extra],
  };
}
