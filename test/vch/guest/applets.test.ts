/** Busybox applets of the guest: output formats, options and error wording. */
import { describe, expect, it } from 'vitest';
import { FakeServices, run, sh } from './harness.js';

async function out(script: string, input?: string): Promise<string> {
  const r = await sh(script, input === undefined ? {} : { input });
  return r.stdout + r.stderr;
}

describe('text applets', () => {
  it('echo handles -n, -e and \\c', async () => {
    expect(await out('echo -n a; echo -e "b\\tc"; echo -e "d\\ce"; echo -ne "\\x41\\0102\\n"')).toBe('ab\tc\ndAB\n');
  });

  it('printf reuses its format and pads', async () => {
    expect(await out('printf "%-4s|%3d|%05.1f\\n" ab 7 3.14159 c 8 2')).toBe('ab  |  7|003.1\nc   |  8|002.0\n');
    expect(await out('printf "%x %o %c %%\\n" 255 8 hello')).toBe('ff 10 h %\n');
  });

  it('printf refuses a non-numeric argument to %d', async () => {
    const r = await sh('printf "%d\\n" abc');
    expect([r.stderr, r.code]).toEqual(["printf: invalid number 'abc'\n", 1]);
  });

  it('cat concatenates files and stdin, and names a missing file', async () => {
    const r = await sh('echo a > /tmp/a; echo b | cat /tmp/a - /tmp/missing');
    expect([r.stdout, r.stderr, r.code]).toEqual(['a\nb\n', "cat: can't open '/tmp/missing': No such file or directory\n", 1]);
  });

  it('head and tail take line counts, including tail -n +N', async () => {
    expect(await out('seq 10 | head -n 2; seq 10 | head -3 | tail -n 1; seq 5 | tail -n 2; seq 5 | tail -n +4')).toBe('1\n2\n3\n4\n5\n4\n5\n');
  });

  it('wc counts lines, words and bytes; one count from stdin is unpadded', async () => {
    expect(await out('printf "a b\\nc\\n" | wc -l')).toBe('2\n');
    expect(await out('printf "a b\\nc\\n" | wc')).toBe('      2       3       6\n');
    expect(await out('printf "x\\n" > /tmp/f; wc -c /tmp/f')).toBe('      2 /tmp/f\n');
  });

  it('seq counts with first, increment and last, and -s', async () => {
    expect(await out('seq 3; seq 2 2 6; seq -s, 3 -1 1')).toBe('1\n2\n3\n2\n4\n6\n3,2,1\n');
  });

  it('tee copies stdin to stdout and files', async () => {
    expect(await out('echo t | tee /tmp/t1 /tmp/t2 >/dev/null; cat /tmp/t1 /tmp/t2')).toBe('t\nt\n');
  });
});

describe('filters', () => {
  it('grep supports -i -v -n -c -q -E and BRE groups', async () => {
    const text = 'apple\nBanana\ncherry\n';
    expect(await out('grep -i banana', text)).toBe('Banana\n');
    expect(await out('grep -v an', text)).toBe('apple\ncherry\n');
    expect(await out('grep -n e', text)).toBe('1:apple\n3:cherry\n');
    expect(await out('grep -c a', text)).toBe('2\n');
    expect(await out('grep -q cherry && echo found', text)).toBe('found\n');
    expect(await out('grep -E "^(a|c)"', text)).toBe('apple\ncherry\n');
    expect(await out('grep "\\(ch\\)e"', text)).toBe('cherry\n');
    expect(await out('grep "a+"', 'a+b\naab\n')).toBe('a+b\n');
  });

  it('grep exits 1 without a match and names files when given several', async () => {
    expect((await sh('echo x | grep y')).code).toBe(1);
    expect(await out('echo hit > /tmp/a; echo miss > /tmp/b; grep hit /tmp/a /tmp/b')).toBe('/tmp/a:hit\n');
  });

  it('sed substitutes, prints and deletes with addresses', async () => {
    expect(await out("sed 's/o/0/g'", 'foo\nbar\n')).toBe('f00\nbar\n');
    expect(await out("sed -n '2p'", 'a\nb\nc\n')).toBe('b\n');
    expect(await out("sed '/b/d'", 'a\nb\nc\n')).toBe('a\nc\n');
    expect(await out("sed 's/\\(a\\)\\(b\\)/\\2\\1/'", 'ab\n')).toBe('ba\n');
    expect(await out("sed -n '$p'", 'a\nb\n')).toBe('b\n');
    expect(await out("sed '2,3d'", '1\n2\n3\n4\n')).toBe('1\n4\n');
    expect(await out("sed -e 's/a/[&]/'", 'xay\n')).toBe('x[a]y\n');
  });

  it('sed -i edits a file in place', async () => {
    expect(await out("echo hello > /tmp/s; sed -i 's/hello/bye/' /tmp/s; cat /tmp/s")).toBe('bye\n');
  });

  it('cut, sort, uniq and tr', async () => {
    expect(await out('cut -d: -f1,3', 'root:x:0\napp:x:1000\n')).toBe('root:0\napp:1000\n');
    expect(await out('cut -c2-3', 'abcd\n')).toBe('bc\n');
    expect(await out('sort -n', '10\n9\n100\n')).toBe('9\n10\n100\n');
    expect(await out('sort -r -u', 'b\na\nb\n')).toBe('b\na\n');
    expect(await out('sort -t: -k2 -n', 'x:3\ny:1\nz:2\n')).toBe('y:1\nz:2\nx:3\n');
    expect(await out('uniq -d', 'a\na\nb\n')).toBe('a\n');
    expect(await out('tr -d aeiou', 'education\n')).toBe('dctn\n');
    expect(await out('tr -s " "', 'a   b\n')).toBe('a b\n');
    expect(await out("tr '[:lower:]' '[:upper:]'", 'mixed Case\n')).toBe('MIXED CASE\n');
  });

  it('xargs runs a command with words from stdin, in batches with -n', async () => {
    expect(await out('xargs echo got', 'a b\nc\n')).toBe('got a b c\n');
    expect(await out('xargs -n 2 echo', '1 2 3\n')).toBe('1 2\n3\n');
    expect(await out('xargs nope', 'a\n')).toBe("xargs: can't execute 'nope': No such file or directory\n");
  });
});

describe('file applets', () => {
  it('mkdir -p, touch, ls -1 and -a', async () => {
    expect(await out('mkdir -p /tmp/a/b && touch /tmp/a/b/f /tmp/a/.h && ls /tmp/a/b && ls -a /tmp/a')).toBe('f\n.\n..\n.h\nb\n');
  });

  it('ls -l shows busybox long format with symlink targets', async () => {
    const r = await sh('cd /tmp; echo abc > f; ln -s f l; mkdir d; ls -l');
    expect(r.stdout).toBe(
      'drwxr-xr-x    2 root     root          4096 Jan  2 03:04 d\n' +
        '-rw-r--r--    1 root     root             4 Jan  2 03:04 f\n' +
        'lrwxrwxrwx    1 root     root             1 Jan  2 03:04 l -> f\n',
    );
  });

  it('ls names a missing path and exits 2', async () => {
    const r = await sh('ls /nope');
    expect([r.stderr, r.code]).toEqual(['ls: /nope: No such file or directory\n', 2]);
  });

  it('mkdir, rmdir and rm report busybox errors', async () => {
    expect(await out('mkdir /tmp')).toBe("mkdir: can't create directory '/tmp': File exists\n");
    expect(await out('mkdir /tmp/d; touch /tmp/d/f; rmdir /tmp/d')).toBe("rmdir: '/tmp/d': Directory not empty\n");
    expect(await out('mkdir /tmp/d; rm /tmp/d')).toBe("rm: can't remove '/tmp/d': Is a directory\n");
    expect(await out('rm /tmp/none')).toBe("rm: can't remove '/tmp/none': No such file or directory\n");
    expect(await out('rm -f /tmp/none; echo $?')).toBe('0\n');
    expect(await out('mkdir -p /tmp/d/e; touch /tmp/d/e/f; rm -r /tmp/d; ls /tmp')).toBe('');
  });

  it('cp copies files and trees into directories; mv renames', async () => {
    expect(await out('echo c > /tmp/f; mkdir /tmp/d; cp /tmp/f /tmp/d; cat /tmp/d/f')).toBe('c\n');
    expect(await out('mkdir -p /tmp/s/x; echo y > /tmp/s/x/y; cp /tmp/s /tmp/t')).toBe("cp: omitting directory '/tmp/s'\n");
    expect(await out('mkdir -p /tmp/s/x; echo y > /tmp/s/x/y; cp -r /tmp/s /tmp/t; cat /tmp/t/x/y')).toBe('y\n');
    expect(await out('echo m > /tmp/a; mv /tmp/a /tmp/b; cat /tmp/b; ls /tmp')).toBe('m\nb\n');
  });

  it('ln -s creates symlinks; hard links are refused', async () => {
    expect(await out('echo t > /tmp/t; ln -s /tmp/t /tmp/l; cat /tmp/l')).toBe('t\n');
    expect((await sh('ln /tmp /x')).stderr).toBe('ln: hard links are not supported by the vicsim guest (use ln -s)\n');
  });

  it('stat, du, find, basename and dirname', async () => {
    expect(await out('echo 12345 > /tmp/f; stat -c "%n %s %a %U %F" /tmp/f')).toBe('/tmp/f 6 644 root regular file\n');
    expect(await out('mkdir -p /tmp/d; echo x > /tmp/d/a; du -s /tmp/d')).toBe('8\t/tmp/d\n');
    expect(await out('mkdir -p /tmp/f/g; touch /tmp/f/a.txt /tmp/f/g/b.txt /tmp/f/c.log; find /tmp/f -name "*.txt"')).toBe('/tmp/f/a.txt\n/tmp/f/g/b.txt\n');
    expect(await out('mkdir -p /tmp/f/g; find /tmp/f -type d')).toBe('/tmp/f\n/tmp/f/g\n');
    expect(await out('basename /a/b/c.txt .txt; dirname /a/b/c.txt; dirname c')).toBe('c\n/a/b\n.\n');
  });
});

describe('system applets', () => {
  it('env, printenv, hostname, id and whoami', async () => {
    expect(await out('env -i A=1 B=2 env')).toBe('A=1\nB=2\n');
    expect(await out('X=42 printenv X; printenv NOPE; echo $?')).toBe('42\n1\n');
    expect(await out('hostname; hostname -i')).toBe('c0ffee123456\n172.16.0.2\n');
    expect(await out('id; whoami; id -u; id -gn')).toBe('uid=0(root) gid=0(root) groups=0(root),10(wheel)\nroot\n0\nroot\n');
  });

  it('runs as another user given by name or uid', async () => {
    expect((await run(['id'], { user: 'app' })).stdout).toBe('uid=1000(app) gid=1000(app) groups=1000(app)\n');
    expect((await run(['id'], { user: '4242' })).stdout).toBe('uid=4242 gid=4242 groups=4242\n');
    expect((await run(['whoami'], { user: '4242' })).stderr).toBe('whoami: unknown uid 4242\n');
  });

  it('uname reports Linux with the vicsim kernel release', async () => {
    expect(await out('uname; uname -r; uname -m; uname -n; uname -s')).toBe('Linux\n4.19.0-vicsim\nx86_64\nc0ffee123456\nLinux\n');
  });

  it('date formats the simulated time in UTC', async () => {
    expect(await out('date; date -u +%Y-%m-%dT%H:%M:%S; date +%s')).toBe('Fri Jan  2 03:04:05 UTC 2026\n2026-01-02T03:04:05\n1767323045\n');
  });

  it('sleep advances simulated time, with fractions and units', async () => {
    expect(await out('sleep 1.5; sleep 1m; date +%H:%M:%S')).toBe('03:05:06\n');
    expect(await out('sleep x')).toBe("sleep: invalid number 'x'\n");
  });

  it('which finds programs on PATH', async () => {
    const r = await sh('which ls sh nope');
    expect([r.stdout, r.code]).toEqual(['/bin/ls\n/bin/sh\n', 1]);
  });

  it('unsupported busybox applets say so and exit 127', async () => {
    const r = await sh('vi /etc/passwd');
    expect([r.stderr, r.code]).toEqual(['vi: applet not supported by the vicsim guest\n', 127]);
    expect((await run(['busybox', 'wget', 'http://x'])).stderr).toBe('wget: applet not supported by the vicsim guest\n');
  });

  it('busybox APPLET runs the applet', async () => {
    expect((await run(['busybox', 'echo', 'via busybox'])).stdout).toBe('via busybox\n');
    expect((await run(['/bin/busybox', 'sh', '-c', 'echo $0'])).stdout).toBe('sh\n');
  });
});

describe('process and system state', () => {
  const services = () => {
    const s = new FakeServices();
    s.table.push({ pid: 1, ppid: 0, user: 'root', cpuTimeMs: 65_000, vszKB: 1300, command: 'sh -c top' }, { pid: 7, ppid: 1, user: 'app', cpuTimeMs: 0, vszKB: 900, command: 'sleep 100' });
    return s;
  };

  it('ps prints busybox columns', async () => {
    expect((await sh('ps', { services: services() })).stdout).toBe('PID   USER     TIME  COMMAND\n    1 root      1:05 sh -c top\n    7 app       0:00 sleep 100\n');
  });

  it('top -b -n 1 prints one frame', async () => {
    const lines = (await sh('top -b -n 1', { services: services() })).stdout.split('\n');
    expect(lines[0]).toBe('Mem: 150000K used, 1850000K free, 1000K shrd, 0K buff, 0K cached');
    expect(lines[3]).toBe('  PID  PPID USER     STAT   VSZ %VSZ CPU %CPU COMMAND');
    expect(lines[4]).toBe('    1     0 root     S     1300   0%   0   0% sh -c top');
  });

  it('kill signals through the services and reports missing pids', async () => {
    const s = services();
    const r = await sh('kill 7; kill -9 7; kill -s HUP 7; kill 99', { services: s });
    expect(s.signalled).toEqual([[7, 'TERM'], [7, 'KILL'], [7, 'HUP'], [99, 'TERM']]);
    expect([r.stderr, r.code]).toEqual(["sh: kill: can't kill pid 99: No such process\n".replace('sh: ', ''), 1]);
  });

  it('kill -l lists signals and names a number', async () => {
    const r = await sh('kill -l | head -n 2; kill -l 143; kill -l TERM');
    expect(r.stdout).toBe(' 1) HUP\n 2) INT\nTERM\n15\n');
  });

  it('free and df read memory and disks', async () => {
    expect((await sh('free -m')).stdout).toBe(
      '              total        used        free      shared  buff/cache   available\n' +
        'Mem:          1953         146        1806           0           0        1806\n' +
        'Swap:            0           0           0\n',
    );
    expect((await sh('df')).stdout).toBe('Filesystem           1K-blocks      Used Available Use% Mounted on\n/dev/sda               8000000   2000000   6000000  25% /\n');
    expect((await sh('df -h')).stdout.split('\n')[1]).toBe('/dev/sda                  7.6G      1.9G      5.7G  25% /');
  });
});

describe('network applets', () => {
  it('nslookup resolves through the VCH DNS in busybox format', async () => {
    expect((await sh('nslookup web')).stdout).toBe('Server:\t\t172.16.0.1\nAddress:\t172.16.0.1:53\n\nNon-authoritative answer:\nName:\tweb\nAddress: 172.16.0.3\n\n');
    const r = await sh('nslookup nope');
    expect([r.stdout.split('\n')[3], r.code]).toEqual(["** server can't find nope: NXDOMAIN", 1]);
  });

  it('ping -c sends deterministic replies; an unknown name is a bad address', async () => {
    const r = await sh('ping -c 2 db');
    expect(r.stdout).toBe(
      'PING db (172.16.0.4): 56 data bytes\n64 bytes from 172.16.0.4: seq=0 ttl=64 time=0.050 ms\n64 bytes from 172.16.0.4: seq=1 ttl=64 time=0.061 ms\n\n' +
        '--- db ping statistics ---\n2 packets transmitted, 2 packets received, 0% packet loss\nround-trip min/avg/max = 0.050/0.056/0.061 ms\n',
    );
    const bad = await sh('ping -c 1 nope');
    expect([bad.stderr, bad.code]).toEqual(["ping: bad address 'nope'\n", 1]);
  });

  it('ifconfig and ip addr describe the interfaces', async () => {
    expect((await sh('ifconfig eth0')).stdout).toBe(
      'eth0      Link encap:Ethernet  HWaddr 02:42:AC:10:00:02\n          inet addr:172.16.0.2  Bcast:172.16.255.255  Mask:255.255.0.0\n          UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1\n\n',
    );
    const ip = (await sh('ip addr')).stdout;
    expect(ip).toContain('2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500');
    expect(ip).toContain('    inet 172.16.0.2/16 brd 172.16.255.255 scope global eth0\n');
    expect((await sh('ip route')).code).toBe(1);
  });
});
