/**
 * The offline catalog's images: busybox, alpine, nginx, redis, postgres, python, httpd and memcached,
 * with the layer counts, default commands, entrypoints, environment, exposed ports, working
 * directories and stop signals of the official images (early 2024 releases). Layer sizes are the
 * unpacked sizes `docker history` reported for those releases, rounded (estimate); they are carried
 * as the layers' disk fill and in Size, while the files themselves stay small.
 */
import type { LayerEntry } from '../archive/layer-tar.js';
import { bookwormRoot, busyboxRoot, entrypointScript, lines, type EntryBuilder } from './catalog-files.js';

/** One layer of a catalog image. */
export interface CatalogLayer {
  /** Declared unpacked size in bytes. */
  readonly size: number;
  /** The history line of the layer (`docker history` CREATED BY). */
  readonly createdBy: string;
  readonly files: (b: EntryBuilder) => LayerEntry[];
  /** Fixed mtime (seconds) for a layer shared between images; else the image's creation time. */
  readonly mtime?: number;
}

/** What the guest reads from an image's `vicsim.workload.*` labels. */
export interface CatalogWorkload {
  /** "80/http", "6379/tcp". */
  readonly listen?: string;
  readonly cpuMhz: number;
  /** A size, e.g. "64MB". */
  readonly activeMemory: string;
  /** 4 KiB pages written per second. */
  readonly dirtyRate: number;
}

/** One catalog image. */
export interface CatalogSpec {
  /** Repository name under docker.io/library. */
  readonly name: string;
  /** Tags it answers to; the first is "latest". */
  readonly tags: readonly string[];
  /** RFC 3339 creation time (fixed). */
  readonly created: string;
  readonly layers: readonly CatalogLayer[];
  /** The container config defaults (Env, Cmd, Entrypoint, ExposedPorts, WorkingDir, …). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly workload?: CatalogWorkload;
  /** History lines of instructions without a layer (ENV, CMD, EXPOSE …), after the layers. */
  readonly trailer: readonly string[];
}

const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const BASE_MTIME = Date.UTC(2024, 1, 13) / 1000;

/** debian:bookworm-slim, the base layer every service image shares (stored once). */
const BOOKWORM: CatalogLayer = { size: 74_763_459, createdBy: '/bin/sh -c #(nop) ADD file:bookworm-slim-rootfs.tar.xz in / ', files: bookwormRoot, mtime: BASE_MTIME };

const layer = (size: number, createdBy: string, files: (b: EntryBuilder) => LayerEntry[]): CatalogLayer => ({ size, createdBy, files });
const run = (command: string): string => `/bin/sh -c ${command}`;

const BUSYBOX: CatalogSpec = {
  name: 'busybox',
  tags: ['latest', '1.36', '1.36.1'],
  created: '2024-01-17T21:49:12Z',
  layers: [layer(4_261_550, '/bin/sh -c #(nop) ADD file:busybox-1.36.1-glibc.tar in / ', (b) => busyboxRoot(b, { hostname: 'busybox', osRelease: lines(['NAME="BusyBox"', 'ID=busybox', 'VERSION_ID=1.36.1', 'PRETTY_NAME="BusyBox v1.36.1"']) }))],
  config: { Env: [PATH], Cmd: ['sh'] },
  trailer: ['/bin/sh -c #(nop)  CMD ["sh"]'],
};

const ALPINE: CatalogSpec = {
  name: 'alpine',
  tags: ['latest', '3.19', '3.19.1'],
  created: '2024-01-27T00:30:48Z',
  layers: [
    layer(7_377_121, '/bin/sh -c #(nop) ADD file:alpine-minirootfs-3.19.1-x86_64.tar.gz in / ', (b) =>
      busyboxRoot(b, {
        hostname: 'alpine',
        osRelease: lines(['NAME="Alpine Linux"', 'ID=alpine', 'VERSION_ID=3.19.1', 'PRETTY_NAME="Alpine Linux v3.19"', 'HOME_URL="https://alpinelinux.org/"']),
        extra: [b.file('etc/alpine-release', '3.19.1\n'), b.dir('sbin'), b.program('sbin/apk', 'apk-tools 2.14.0')],
      }),
    ),
  ],
  config: { Env: [PATH], Cmd: ['/bin/sh'] },
  trailer: ['/bin/sh -c #(nop)  CMD ["/bin/sh"]'],
};

const NGINX: CatalogSpec = {
  name: 'nginx',
  tags: ['latest', '1.25', '1.25.4'],
  created: '2024-02-14T18:31:51Z',
  layers: [
    BOOKWORM,
    layer(112_061_497, run('set -x && groupadd --system nginx && apt-get install nginx=1.25.4-1~bookworm'), (b) =>
      b.withParents([
        b.program('usr/sbin/nginx', 'nginx/1.25.4'),
        b.file('etc/nginx/nginx.conf', 'user nginx;\nworker_processes auto;\nevents { worker_connections 1024; }\nhttp { include /etc/nginx/conf.d/*.conf; }\n'),
        b.file('etc/nginx/conf.d/default.conf', 'server {\n    listen 80;\n    root /usr/share/nginx/html;\n}\n'),
        b.file('usr/share/nginx/html/index.html', '<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to nginx!</h1></body></html>\n'),
        b.symlink('var/log/nginx/access.log', '/dev/stdout'),
        b.symlink('var/log/nginx/error.log', '/dev/stderr'),
        b.dir('var/cache/nginx'),
      ]),
    ),
    layer(1_620, 'COPY docker-entrypoint.sh / # buildkit', (b) => [entrypointScript(b, 'docker-entrypoint.sh', 'nginx')]),
    layer(2_125, 'COPY 10-listen-on-ipv6-by-default.sh /docker-entrypoint.d # buildkit', (b) => b.withParents([b.script('docker-entrypoint.d/10-listen-on-ipv6-by-default.sh', 'exit 0\n')])),
    layer(336, 'COPY 15-local-resolvers.envsh /docker-entrypoint.d # buildkit', (b) => b.withParents([b.script('docker-entrypoint.d/15-local-resolvers.envsh', 'exit 0\n')])),
    layer(3_018, 'COPY 20-envsubst-on-templates.sh /docker-entrypoint.d # buildkit', (b) => b.withParents([b.script('docker-entrypoint.d/20-envsubst-on-templates.sh', 'exit 0\n')])),
    layer(4_620, 'COPY 30-tune-worker-processes.sh /docker-entrypoint.d # buildkit', (b) => b.withParents([b.script('docker-entrypoint.d/30-tune-worker-processes.sh', 'exit 0\n')])),
  ],
  config: {
    Env: [PATH, 'NGINX_VERSION=1.25.4', 'NJS_VERSION=0.8.3', 'PKG_RELEASE=1~bookworm'],
    Entrypoint: ['/docker-entrypoint.sh'],
    Cmd: ['nginx', '-g', 'daemon off;'],
    ExposedPorts: { '80/tcp': {} },
    StopSignal: 'SIGQUIT',
    Labels: { maintainer: 'NGINX Docker Maintainers <docker-maint@nginx.com>' },
  },
  workload: { listen: '80/http', cpuMhz: 50, activeMemory: '12MB', dirtyRate: 25 },
  trailer: ['ENTRYPOINT ["/docker-entrypoint.sh"]', 'EXPOSE map[80/tcp:{}]', 'STOPSIGNAL SIGQUIT', 'CMD ["nginx" "-g" "daemon off;"]'],
};

const REDIS: CatalogSpec = {
  name: 'redis',
  tags: ['latest', '7.2', '7.2.4'],
  created: '2024-02-13T23:14:05Z',
  layers: [
    BOOKWORM,
    layer(4_096, run('set -eux; groupadd -r -g 999 redis; useradd -r -g redis -u 999 redis'), (b) => [b.file('etc/passwd', lines(['root:x:0:0:root:/root:/bin/sh', 'nobody:x:65534:65534:nobody:/home:/bin/false', 'redis:x:999:999::/home/redis:/bin/sh'])), b.file('etc/group', lines(['root:x:0:', 'nogroup:x:65534:', 'redis:x:999:']))]),
    layer(4_472_341, run('set -eux; apt-get install -y --no-install-recommends ca-certificates; gosu 1.17'), (b) => [b.program('usr/local/bin/gosu', 'gosu 1.17')]),
    layer(58_834_602, run('set -eux; make -C /usr/src/redis all; make install'), (b) => [
      b.program('usr/local/bin/redis-server', 'Redis server v=7.2.4'),
      b.program('usr/local/bin/redis-cli', 'redis-cli 7.2.4'),
      b.symlink('usr/local/bin/redis-sentinel', 'redis-server'),
      b.symlink('usr/local/bin/redis-check-aof', 'redis-server'),
    ]),
    layer(0, run('mkdir /data && chown redis:redis /data'), (b) => [b.dir('data')]),
    layer(661, 'COPY docker-entrypoint.sh /usr/local/bin/ # buildkit', (b) => [entrypointScript(b, 'usr/local/bin/docker-entrypoint.sh', 'redis')]),
  ],
  config: {
    Env: [PATH, 'GOSU_VERSION=1.17', 'REDIS_VERSION=7.2.4'],
    Entrypoint: ['docker-entrypoint.sh'],
    Cmd: ['redis-server'],
    ExposedPorts: { '6379/tcp': {} },
    Volumes: { '/data': {} },
    WorkingDir: '/data',
  },
  workload: { listen: '6379/tcp', cpuMhz: 100, activeMemory: '64MB', dirtyRate: 200 },
  trailer: ['VOLUME [/data]', 'WORKDIR /data', 'ENTRYPOINT ["docker-entrypoint.sh"]', 'EXPOSE map[6379/tcp:{}]', 'CMD ["redis-server"]'],
};

const PG_BIN = 'usr/lib/postgresql/16/bin';
const POSTGRES: CatalogSpec = {
  name: 'postgres',
  tags: ['latest', '16', '16.2'],
  created: '2024-02-13T19:02:11Z',
  layers: [
    BOOKWORM,
    layer(4_194, run('set -eux; groupadd -r postgres --gid=999; useradd -r -g postgres --uid=999 postgres'), (b) => [b.file('etc/passwd', lines(['root:x:0:0:root:/root:/bin/sh', 'nobody:x:65534:65534:nobody:/home:/bin/false', 'postgres:x:999:999::/var/lib/postgresql:/bin/sh'])), b.dir('var/lib/postgresql')]),
    layer(4_338_122, run('set -eux; apt-get install -y --no-install-recommends ca-certificates wget; gosu 1.17'), (b) => [b.program('usr/local/bin/gosu', 'gosu 1.17 (postgres)')]),
    layer(24_941_356, run('set -eux; apt-get install -y --no-install-recommends locales; localedef -i en_US -f UTF-8 en_US.UTF-8'), (b) => b.withParents([b.file('usr/lib/locale/locale-archive', 'en_US.UTF-8\n')])),
    layer(4_219_337, run('set -eux; apt-get install -y --no-install-recommends libnss-wrapper xz-utils zstd'), (b) => b.withParents([b.program('usr/bin/zstd', 'zstd 1.5.4'), b.program('usr/bin/xz', 'xz 5.4.1')])),
    layer(0, run('mkdir /docker-entrypoint-initdb.d'), (b) => [b.dir('docker-entrypoint-initdb.d')]),
    layer(2_047, run('set -ex; key=B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8; gpg --batch --export "$key"'), (b) => b.withParents([b.file('usr/local/share/keyrings/postgres.gpg.asc', '-----BEGIN PGP PUBLIC KEY BLOCK-----\nvicsim synthetic\n-----END PGP PUBLIC KEY BLOCK-----\n')])),
    layer(5_902_416, run('set -ex; apt-get install -y --no-install-recommends gnupg dirmngr'), (b) => b.withParents([b.program('usr/bin/gpg', 'gpg (GnuPG) 2.2.40')])),
    layer(186, run('set -ex; echo "deb http://apt.postgresql.org/pub/repos/apt/ bookworm-pgdg main 16" > /etc/apt/sources.list.d/pgdg.list'), (b) => b.withParents([b.file('etc/apt/sources.list.d/pgdg.list', 'deb http://apt.postgresql.org/pub/repos/apt/ bookworm-pgdg main 16\n')])),
    layer(322_970_817, run('set -ex; apt-get install -y --no-install-recommends "postgresql-16=16.2-1.pgdg120+2"'), (b) => b.withParents([b.program(`${PG_BIN}/postgres`, 'postgres (PostgreSQL) 16.2'), b.program(`${PG_BIN}/initdb`, 'initdb (PostgreSQL) 16.2'), b.program(`${PG_BIN}/pg_ctl`, 'pg_ctl (PostgreSQL) 16.2'), b.program('usr/bin/psql', 'psql (PostgreSQL) 16.2')])),
    layer(59_523, run("set -eux; sed -ri \"s!^#?(listen_addresses)\\s*=\\s*\\S+.*!\\1 = '*'!\" /usr/share/postgresql/postgresql.conf.sample"), (b) => b.withParents([b.file('usr/share/postgresql/postgresql.conf.sample', "listen_addresses = '*'\n")])),
    layer(0, run('mkdir -p /var/run/postgresql && chmod 3777 /var/run/postgresql'), (b) => b.withParents([b.dir('var/run/postgresql', 0o3777)])),
    layer(0, run('mkdir -p "$PGDATA" && chmod 1777 "$PGDATA"'), (b) => b.withParents([b.dir('var/lib/postgresql/data', 0o1777)])),
    layer(12_337, 'COPY docker-entrypoint.sh docker-ensure-initdb.sh /usr/local/bin/ # buildkit', (b) => [entrypointScript(b, 'usr/local/bin/docker-entrypoint.sh', 'postgres'), entrypointScript(b, 'usr/local/bin/docker-ensure-initdb.sh', 'postgres initdb')]),
    layer(34, run('ln -sT docker-ensure-initdb.sh /usr/local/bin/docker-enforce-initdb.sh'), (b) => [b.symlink('usr/local/bin/docker-enforce-initdb.sh', 'docker-ensure-initdb.sh')]),
  ],
  config: {
    Env: [`PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/${PG_BIN}`, 'GOSU_VERSION=1.17', 'LANG=en_US.utf8', 'PG_MAJOR=16', 'PG_VERSION=16.2-1.pgdg120+2', 'PGDATA=/var/lib/postgresql/data'],
    Entrypoint: ['docker-entrypoint.sh'],
    Cmd: ['postgres'],
    ExposedPorts: { '5432/tcp': {} },
    Volumes: { '/var/lib/postgresql/data': {} },
    StopSignal: 'SIGINT',
  },
  workload: { listen: '5432/tcp', cpuMhz: 150, activeMemory: '128MB', dirtyRate: 400 },
  trailer: ['VOLUME [/var/lib/postgresql/data]', 'ENTRYPOINT ["docker-entrypoint.sh"]', 'STOPSIGNAL SIGINT', 'EXPOSE map[5432/tcp:{}]', 'CMD ["postgres"]'],
};

const PYTHON: CatalogSpec = {
  name: 'python',
  tags: ['latest', '3.12', '3.12.2'],
  created: '2024-02-07T05:42:27Z',
  layers: [
    BOOKWORM,
    layer(48_476_218, run('set -eux; apt-get install -y --no-install-recommends ca-certificates curl gnupg netbase wget'), (b) => b.withParents([b.program('usr/bin/curl', 'curl 7.88.1'), b.program('usr/bin/gpg', 'gpg (GnuPG) 2.2.40')])),
    layer(145_432_321, run('set -ex; apt-get install -y --no-install-recommends git mercurial openssh-client subversion procps'), (b) => b.withParents([b.program('usr/bin/git', 'git version 2.39.2'), b.program('usr/bin/ssh', 'OpenSSH_9.2p1')])),
    layer(658_905_113, run('set -ex; apt-get install -y --no-install-recommends autoconf automake bzip2 dpkg-dev file g++ gcc make patch libssl-dev zlib1g-dev'), (b) => b.withParents([b.program('usr/bin/gcc', 'gcc (Debian 12.2.0-14) 12.2.0'), b.program('usr/bin/make', 'GNU Make 4.3')])),
    layer(18_720_541, run('set -eux; apt-get install -y --no-install-recommends libbluetooth-dev tk-dev uuid-dev'), (b) => b.withParents([b.file('usr/include/uuid/uuid.h', '/* vicsim synthetic header */\n')])),
    layer(57_676_003, run('set -eux; ./configure --enable-optimizations --with-lto; make -j "$nproc"; make install'), (b) =>
      b.withParents([b.program('usr/local/bin/python3.12', 'Python 3.12.2'), b.symlink('usr/local/bin/python3', 'python3.12'), b.program('usr/local/bin/pip3', 'pip 24.0 (python 3.12)'), b.file('usr/local/lib/python3.12/os.py', '# vicsim synthetic module\n')]),
    ),
    layer(32, run('set -eux; for src in idle3 pip3 pydoc3 python3 python3-config; do ln -svT "$src" "/usr/local/bin/${src%3}"; done'), (b) => ['idle', 'pip', 'pydoc', 'python', 'python-config'].map((name) => b.symlink(`usr/local/bin/${name}`, `${name}3`))),
  ],
  config: { Env: ['PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8', 'GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305', 'PYTHON_VERSION=3.12.2'], Cmd: ['python3'] },
  workload: { cpuMhz: 20, activeMemory: '16MB', dirtyRate: 10 },
  trailer: ['ENV PYTHON_VERSION=3.12.2', 'CMD ["python3"]'],
};

const HTTPD_PREFIX = 'usr/local/apache2';
const HTTPD: CatalogSpec = {
  name: 'httpd',
  tags: ['latest', '2.4', '2.4.58'],
  created: '2024-02-13T22:16:50Z',
  layers: [
    BOOKWORM,
    layer(0, run('mkdir -p "$HTTPD_PREFIX" && chown www-data:www-data "$HTTPD_PREFIX"'), (b) => b.withParents([b.dir(HTTPD_PREFIX)])),
    layer(11_913_874, run('set -eux; apt-get install -y --no-install-recommends ca-certificates libaprutil1-ldap libldap-common'), (b) => b.withParents([b.file('usr/lib/x86_64-linux-gnu/libaprutil-1.so.0', 'vicsim synthetic library\n')])),
    layer(69_782_210, run('set -eux; ./configure --prefix="$HTTPD_PREFIX" --enable-mods-shared=reallyall; make -j "$(nproc)"; make install'), (b) =>
      b.withParents([
        b.program(`${HTTPD_PREFIX}/bin/httpd`, 'Apache/2.4.58 (Unix)'),
        b.program(`${HTTPD_PREFIX}/bin/apachectl`, 'apachectl 2.4.58'),
        b.file(`${HTTPD_PREFIX}/conf/httpd.conf`, 'ServerRoot "/usr/local/apache2"\nListen 80\nDocumentRoot "/usr/local/apache2/htdocs"\n'),
        b.file(`${HTTPD_PREFIX}/htdocs/index.html`, '<html><body><h1>It works!</h1></body></html>\n'),
        b.dir(`${HTTPD_PREFIX}/logs`),
      ]),
    ),
    layer(138, 'COPY httpd-foreground /usr/local/bin/ # buildkit', (b) => [b.script('usr/local/bin/httpd-foreground', 'set -e\nrm -f /usr/local/apache2/logs/httpd.pid\nexec httpd -DFOREGROUND "$@"\n')]),
  ],
  config: {
    Env: ['PATH=/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HTTPD_PREFIX=/usr/local/apache2', 'HTTPD_VERSION=2.4.58'],
    Cmd: ['httpd-foreground'],
    ExposedPorts: { '80/tcp': {} },
    WorkingDir: '/usr/local/apache2',
    StopSignal: 'SIGWINCH',
  },
  workload: { listen: '80/http', cpuMhz: 60, activeMemory: '24MB', dirtyRate: 30 },
  trailer: ['WORKDIR /usr/local/apache2', 'STOPSIGNAL SIGWINCH', 'EXPOSE map[80/tcp:{}]', 'CMD ["httpd-foreground"]'],
};

const MEMCACHED: CatalogSpec = {
  name: 'memcached',
  tags: ['latest', '1.6', '1.6.23'],
  created: '2024-01-12T01:05:40Z',
  layers: [
    BOOKWORM,
    layer(4_081, run('set -eux; groupadd --system --gid 11211 memcache; useradd --system --gid memcache --uid 11211 memcache'), (b) => [b.file('etc/passwd', lines(['root:x:0:0:root:/root:/bin/sh', 'nobody:x:65534:65534:nobody:/home:/bin/false', 'memcache:x:11211:11211::/home/memcache:/bin/sh'])), b.file('etc/group', lines(['root:x:0:', 'nogroup:x:65534:', 'memcache:x:11211:']))]),
    layer(1_192_517, run('set -eux; apt-get install -y --no-install-recommends libevent-2.1-7 libsasl2-2 libssl3'), (b) => b.withParents([b.file('usr/lib/x86_64-linux-gnu/libevent-2.1.so.7', 'vicsim synthetic library\n')])),
    layer(3_033_784, run('set -x; ./configure --build="$gnuArch" --enable-extstore --enable-sasl --enable-tls; make -j "$nproc"; make install'), (b) => [b.program('usr/local/bin/memcached', 'memcached 1.6.23')]),
    layer(1_087, 'COPY docker-entrypoint.sh /usr/local/bin/ # buildkit', (b) => [entrypointScript(b, 'usr/local/bin/docker-entrypoint.sh', 'memcached')]),
    layer(34, run('ln -s usr/local/bin/docker-entrypoint.sh /entrypoint.sh # backwards compat'), (b) => [b.symlink('entrypoint.sh', 'usr/local/bin/docker-entrypoint.sh')]),
  ],
  config: { Env: [PATH, 'MEMCACHED_VERSION=1.6.23'], Entrypoint: ['docker-entrypoint.sh'], Cmd: ['memcached'], ExposedPorts: { '11211/tcp': {} }, User: 'memcache' },
  workload: { listen: '11211/tcp', cpuMhz: 40, activeMemory: '64MB', dirtyRate: 150 },
  trailer: ['USER memcache', 'ENTRYPOINT ["docker-entrypoint.sh"]', 'EXPOSE map[11211/tcp:{}]', 'CMD ["memcached"]'],
};

/** Every catalog image, by repository name. */
export const CATALOG_SPECS: readonly CatalogSpec[] = [BUSYBOX, ALPINE, NGINX, REDIS, POSTGRES, PYTHON, HTTPD, MEMCACHED];
