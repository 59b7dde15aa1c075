/**
 * The busybox applets the guest implements, by name. A name missing here makes the kernel print
 * `<name>: applet not supported by the vicsim guest` and exit 127. `sh`/`ash` are run by the kernel.
 */
import type { Applet } from '../context.js';
import { cut, sort, tr, uniq } from './columns.js';
import { basename, cp, dirname, ln, mkdir, mv, pwd, rm, rmdir, touch } from './files.js';
import { grep, sed } from './grep.js';
import { du, find, ls, stat } from './listing.js';
import { ifconfig, ip, nslookup, ping } from './net.js';
import { df, free, killApplet, mount, ps, top } from './process.js';
import { date, env, falseApplet, hostname, id, printenv, sleep, trueApplet, uname, which, whoami, xargs } from './system.js';
import { test } from './test.js';
import { cat, echo, head, printf, seq, tail, tee, wc, yes } from './text.js';

/** Every implemented applet. Lookups are O(1). */
export const APPLETS: ReadonlyMap<string, Applet> = new Map<string, Applet>([
  ['echo', echo], ['printf', printf], ['cat', cat], ['head', head], ['tail', tail], ['wc', wc], ['tee', tee], ['yes', yes], ['seq', seq],
  ['grep', grep], ['egrep', (ctx) => grep({ ...ctx, argv: ['grep', '-E', ...ctx.argv.slice(1)] })], ['fgrep', (ctx) => grep({ ...ctx, argv: ['grep', '-F', ...ctx.argv.slice(1)] })],
  ['sed', sed], ['cut', cut], ['sort', sort], ['uniq', uniq], ['tr', tr],
  ['ls', ls], ['stat', stat], ['du', du], ['find', find],
  ['mkdir', mkdir], ['rmdir', rmdir], ['rm', rm], ['touch', touch], ['cp', cp], ['mv', mv], ['ln', ln], ['basename', basename], ['dirname', dirname], ['pwd', pwd],
  ['env', env], ['printenv', printenv], ['hostname', hostname], ['id', id], ['whoami', whoami], ['uname', uname], ['date', date], ['sleep', sleep],
  ['true', trueApplet], ['false', falseApplet], ['which', which], ['xargs', xargs], ['test', test], ['[', test],
  ['kill', killApplet], ['ps', ps], ['top', top], ['free', free], ['df', df], ['mount', mount],
  ['nslookup', nslookup], ['ping', ping], ['ifconfig', ifconfig], ['ip', ip],
]);
