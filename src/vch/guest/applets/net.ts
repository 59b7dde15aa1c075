/** Network applets over the VCH's DNS and the guest's interfaces: nslookup, ping, ifconfig, ip. */
import type { Applet, ProgramContext } from '../context.js';
import { fromBytes } from '../io.js';
import type { InterfaceInfo } from '../types.js';
import { complain } from './util.js';

function octets(ip: string): number[] {
  return ip.split('.').map(Number);
}

function maskOf(prefixLen: number): number[] {
  return [0, 1, 2, 3].map((i) => (0xff << (8 - Math.min(8, Math.max(0, prefixLen - i * 8)))) & 0xff);
}

function broadcastOf(i: InterfaceInfo): string {
  const m = maskOf(i.prefixLen);
  return octets(i.address).map((o, k) => (o & m[k]!) | (~m[k]! & 0xff)).join('.');
}

/** A deterministic MAC for an address (docker's 02:42 + the IPv4 bytes). */
function macOf(ip: string): string {
  return ['02', '42', ...octets(ip).map((o) => o.toString(16).padStart(2, '0'))].join(':');
}

/** The DNS server the guest uses: /etc/resolv.conf, else the gateway (.1) of its first network. */
function nameserver(ctx: ProgramContext): string {
  try {
    const m = /^nameserver\s+(\S+)/m.exec(fromBytes(ctx.fs.readFile('/etc/resolv.conf')));
    if (m) return m[1]!;
  } catch {
    // no resolv.conf: fall through to the gateway
  }
  const nic = ctx.services.interfaces().find((i) => i.name !== 'lo');
  if (!nic) return '127.0.0.11';
  const m = maskOf(nic.prefixLen);
  const net = octets(nic.address).map((o, k) => o & m[k]!);
  net[3]! += 1;
  return net.join('.');
}

/** Resolves a name: an IPv4 literal, localhost, the own hostname, or the VCH's DNS. */
function resolve(ctx: ProgramContext, name: string): string | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return name;
  if (name === 'localhost') return '127.0.0.1';
  return ctx.services.resolveHost(name);
}

/** nslookup NAME [SERVER]: busybox's output; NXDOMAIN exits 1. */
export const nslookup: Applet = async (ctx) => {
  const name = ctx.argv[1];
  if (name === undefined) {
    await ctx.stderr.write('Usage: nslookup HOST [DNS_SERVER]\n');
    return 1;
  }
  const server = ctx.argv[2] ?? nameserver(ctx);
  const addr = resolve(ctx, name);
  const head = `Server:\t\t${server}\nAddress:\t${server}:53\n\n`;
  if (!addr) {
    await ctx.stdout.write(`${head}** server can't find ${name}: NXDOMAIN\n\n`);
    return 1;
  }
  await ctx.stdout.write(`${head}Non-authoritative answer:\nName:\t${name}\nAddress: ${addr}\n\n`);
  return 0;
};

/** Reply time of echo `seq` in ms: small and deterministic (a virtual switch on one host; estimate). */
function replyMs(seq: number): number {
  return 0.05 + (seq % 7) * 0.011;
}

/** ping [-c N] [-i SECONDS] HOST: one reply per interval until -c replies or SIGINT/SIGTERM (then the summary). */
export const ping: Applet = async (ctx) => {
  const args = ctx.argv.slice(1);
  const opt = (flag: string) => {
    const at = args.indexOf(flag);
    return at < 0 ? undefined : args.splice(at, 2)[1];
  };
  const count = Number(opt('-c') ?? Infinity);
  const intervalMs = Number(opt('-i') ?? 1) * 1000;
  opt('-W');
  opt('-w');
  const host = args.find((a) => !a.startsWith('-'));
  if (host === undefined) {
    await ctx.stderr.write('Usage: ping [-c COUNT] HOST\n');
    return 1;
  }
  const addr = resolve(ctx, host);
  if (!addr) {
    await complain(ctx, `bad address '${host}'`);
    return 1;
  }
  const stop = new AbortController();
  ctx.onSignal((sig) => (sig.name === 'INT' || sig.name === 'TERM' ? (stop.abort(sig), true) : false));
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  await ctx.stdout.write(`PING ${host} (${addr}): 56 data bytes\n`);
  const times: number[] = [];
  for (let seq = 0; seq < count && !signal.aborted; seq++) {
    if (seq > 0) await ctx.services.sleep(intervalMs, signal).catch(() => {});
    if (signal.aborted) break;
    times.push(replyMs(seq));
    await ctx.stdout.write(`64 bytes from ${addr}: seq=${seq} ttl=64 time=${replyMs(seq).toFixed(3)} ms\n`);
  }
  const avg = times.reduce((a, b) => a + b, 0) / (times.length || 1);
  await ctx.stdout.write(
    `\n--- ${host} ping statistics ---\n${times.length} packets transmitted, ${times.length} packets received, 0% packet loss\n` +
      (times.length ? `round-trip min/avg/max = ${Math.min(...times).toFixed(3)}/${avg.toFixed(3)}/${Math.max(...times).toFixed(3)} ms\n` : ''),
  );
  return 0;
};

function withLoopback(ctx: ProgramContext): InterfaceInfo[] {
  const nics = ctx.services.interfaces();
  return nics.some((i) => i.name === 'lo') ? nics : [{ name: 'lo', address: '127.0.0.1', prefixLen: 8 }, ...nics];
}

/** ifconfig [IFACE]: busybox's format (no packet counters: the guest does not count them). */
export const ifconfig: Applet = async (ctx) => {
  const wanted = ctx.argv[1];
  const nics = withLoopback(ctx).filter((i) => wanted === undefined || wanted === '-a' || i.name === wanted);
  if (!nics.length) {
    await complain(ctx, `${wanted}: error fetching interface information: Device not found`);
    return 1;
  }
  const blocks = nics.map((i) => {
    const lo = i.name === 'lo';
    const mask = maskOf(i.prefixLen).join('.');
    return [
      `${i.name.padEnd(10)}Link encap:${lo ? 'Local Loopback' : `Ethernet  HWaddr ${macOf(i.address).toUpperCase()}`}`,
      `          inet addr:${i.address}${lo ? '' : `  Bcast:${broadcastOf(i)}`}  Mask:${mask}`,
      `          ${lo ? 'UP LOOPBACK RUNNING  MTU:65536' : 'UP BROADCAST RUNNING MULTICAST  MTU:1500'}  Metric:1`,
      '',
    ].join('\n');
  });
  await ctx.stdout.write(blocks.join('\n') + '\n');
  return 0;
};

/** ip addr [show] / ip a: iproute2's format; other objects are refused. */
export const ip: Applet = async (ctx) => {
  const [object = '', verb = 'show'] = ctx.argv.slice(1);
  if (!['a', 'addr', 'address'].includes(object) || !['show', 'list', 'ls'].includes(verb)) {
    await complain(ctx, `'ip ${ctx.argv.slice(1).join(' ')}' is not supported by the vicsim guest (only ip addr)`);
    return 1;
  }
  const blocks = withLoopback(ctx).map((i, n) => {
    const lo = i.name === 'lo';
    return [
      `${n + 1}: ${i.name}: <${lo ? 'LOOPBACK,UP,LOWER_UP' : 'BROADCAST,MULTICAST,UP,LOWER_UP'}> mtu ${lo ? 65536 : 1500} qdisc noqueue state UP`,
      lo ? '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00' : `    link/ether ${macOf(i.address)} brd ff:ff:ff:ff:ff:ff`,
      `    inet ${i.address}/${i.prefixLen}${lo ? '' : ` brd ${broadcastOf(i)}`} scope ${lo ? 'host' : 'global'} ${i.name}`,
      '       valid_lft forever preferred_lft forever',
    ].join('\n');
  });
  await ctx.stdout.write(blocks.join('\n') + '\n');
  return 0;
};
