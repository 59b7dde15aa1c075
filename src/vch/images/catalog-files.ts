/**
 * Files of the synthetic catalog images: a busybox root (a small text `/bin/busybox` and applet
 * symlinks in /bin and /usr/bin, /etc/passwd, group, hostname, os-release), a Debian-like base built
 * on it for the service images, and helpers for their own files. Contents are small; the sizes the
 * images report come from the catalog's declared layer sizes. Every entry has a fixed mtime, so the
 * same catalog always gives the same layer tars and image ids.
 */
import type { LayerEntry } from '../archive/layer-tar.js';

/** The text of the synthetic busybox binary; the guest recognises busybox by its first line. */
export const BUSYBOX_BANNER = 'BusyBox v1.36.1 (vicsim synthetic) multi-call binary.';

/** Applets linked in /bin (the shell and core utilities). */
const BIN_APPLETS = [
  'sh', 'ash', 'cat', 'chmod', 'chown', 'cp', 'date', 'dd', 'df', 'echo', 'false', 'grep', 'hostname', 'kill', 'ln', 'ls',
  'mkdir', 'mknod', 'more', 'mount', 'mv', 'ping', 'ps', 'pwd', 'rm', 'rmdir', 'sed', 'sleep', 'stat', 'sync', 'tar', 'touch',
  'true', 'umount', 'uname', 'gzip', 'gunzip', 'zcat', 'su', 'login', 'netstat', 'ip', 'ifconfig', 'mktemp', 'printenv',
];

/** Applets linked in /usr/bin (everything else a shell session commonly reaches for). */
const USR_BIN_APPLETS = [
  'awk', 'basename', 'cut', 'diff', 'dirname', 'du', 'env', 'expr', 'find', 'free', 'head', 'hexdump', 'id', 'install',
  'less', 'md5sum', 'nc', 'nohup', 'nslookup', 'od', 'printf', 'readlink', 'realpath', 'seq', 'sha256sum', 'sort', 'tail',
  'tee', 'test', '[', 'time', 'timeout', 'top', 'tr', 'uniq', 'uptime', 'vi', 'watch', 'wc', 'wget', 'which', 'whoami', 'xargs', 'yes',
];

/** Builds entries with one fixed mtime. */
export class EntryBuilder {
  /** @param mtime seconds since the epoch for every entry (0 ≤ mtime < 2^31). */
  constructor(readonly mtime: number) {}

  /** A directory. */
  dir(path: string, mode = 0o755): LayerEntry {
    return { path, type: 'dir', mode, uid: 0, gid: 0, mtime: this.mtime, size: 0, linkname: '' };
  }

  /** A regular file with text content. */
  file(path: string, text: string, mode = 0o644): LayerEntry {
    const content = Buffer.from(text, 'utf8');
    return { path, type: 'file', mode, uid: 0, gid: 0, mtime: this.mtime, size: content.length, linkname: '', content };
  }

  /** An executable that is not busybox: the guest runs it as a simulated service. */
  program(path: string, description: string): LayerEntry {
    return this.file(path, `vicsim synthetic program: ${description}\n`, 0o755);
  }

  /** A `#!/bin/sh` script. */
  script(path: string, body: string): LayerEntry {
    return this.file(path, `#!/bin/sh\n${body}`, 0o755);
  }

  /** A symbolic link. */
  symlink(path: string, target: string): LayerEntry {
    return { path, type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtime: this.mtime, size: 0, linkname: target };
  }

  /** The entries preceded by a directory entry for every parent folder they do not list themselves. */
  withParents(entries: readonly LayerEntry[]): LayerEntry[] {
    const seen = new Set(entries.filter((e) => e.type === 'dir').map((e) => e.path));
    const parents: LayerEntry[] = [];
    for (const entry of entries) {
      const parts = entry.path.split('/');
      for (let i = 1; i < parts.length; i++) {
        const dir = parts.slice(0, i).join('/');
        if (!seen.has(dir)) {
          seen.add(dir);
          parents.push(this.dir(dir));
        }
      }
    }
    return [...parents, ...entries];
  }
}

/** What distinguishes one busybox-based root from another. */
export interface RootFlavour {
  readonly hostname: string;
  readonly osRelease: string;
  /** Extra users (passwd lines) and groups (group lines). */
  readonly users?: readonly string[];
  readonly groups?: readonly string[];
  /** Extra entries (release files, directories). */
  readonly extra?: readonly LayerEntry[];
}

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/bin/false',
  'bin:x:2:2:bin:/bin:/bin/false',
  'sys:x:3:3:sys:/dev:/bin/false',
  'sync:x:4:100:sync:/bin:/bin/sync',
  'mail:x:8:8:mail:/var/spool/mail:/bin/false',
  'www-data:x:33:33:www-data:/var/www:/bin/false',
  'operator:x:37:37:Operator:/var:/bin/false',
  'nobody:x:65534:65534:nobody:/home:/bin/false',
];

const GROUP = ['root:x:0:', 'daemon:x:1:', 'bin:x:2:', 'sys:x:3:', 'adm:x:4:', 'tty:x:5:', 'disk:x:6:', 'wheel:x:10:root', 'mail:x:8:', 'www-data:x:33:', 'operator:x:37:', 'users:x:100:', 'nogroup:x:65534:'];

/** A busybox root filesystem: the layout, the binary, its applet links and the /etc files. O(applets). */
export function busyboxRoot(b: EntryBuilder, flavour: RootFlavour): LayerEntry[] {
  const dirs = ['bin', 'dev', 'etc', 'home', 'lib', 'proc', 'sys', 'usr', 'usr/bin', 'usr/sbin', 'var', 'var/spool', 'var/spool/mail', 'var/www'].map((d) => b.dir(d));
  return [
    ...dirs,
    b.dir('root', 0o700),
    b.dir('tmp', 0o1777),
    b.file('bin/busybox', `${BUSYBOX_BANNER}\n`, 0o755),
    ...BIN_APPLETS.map((name) => b.symlink(`bin/${name}`, 'busybox')),
    ...USR_BIN_APPLETS.map((name) => b.symlink(`usr/bin/${name}`, '/bin/busybox')),
    b.file('etc/passwd', lines([...PASSWD, ...(flavour.users ?? [])])),
    b.file('etc/group', lines([...GROUP, ...(flavour.groups ?? [])])),
    b.file('etc/hostname', `${flavour.hostname}\n`),
    b.file('etc/os-release', flavour.osRelease),
    b.file('etc/shells', '/bin/sh\n/bin/ash\n'),
    ...(flavour.extra ?? []),
  ];
}

/** The Debian 12 base the service images share (so it is stored once). */
export function bookwormRoot(b: EntryBuilder): LayerEntry[] {
  const osRelease = lines([
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
    'NAME="Debian GNU/Linux"',
    'VERSION_ID="12"',
    'VERSION="12 (bookworm)"',
    'VERSION_CODENAME=bookworm',
    'ID=debian',
    'HOME_URL="https://www.debian.org/"',
  ]);
  const extra = ['opt', 'run', 'srv', 'usr/lib', 'usr/local', 'usr/local/bin', 'usr/local/sbin', 'usr/local/lib', 'usr/share', 'var/cache', 'var/lib', 'var/log'].map((d) => b.dir(d));
  return busyboxRoot(b, { hostname: 'debian', osRelease, extra: [...extra, b.file('etc/debian_version', '12.5\n')] });
}

/** Text lines ending in a newline. */
export function lines(items: readonly string[]): string {
  return items.map((line) => `${line}\n`).join('');
}

/** The docker-entrypoint.sh of the official images, reduced to what matters here: run the command. */
export function entrypointScript(b: EntryBuilder, path: string, image: string): LayerEntry {
  return b.script(path, `# ${image} entrypoint (vicsim synthetic)\nset -e\nexec "$@"\n`);
}
