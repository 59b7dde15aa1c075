/**
 * Renders a VM's `.vmx` configuration file from its record, in the format ESXi writes
 * (`key = "value"` lines). The file is a projection: the record is the source of truth. One walk
 * over the record feeds either a text builder (reads) or a byte counter (the file's size, needed on
 * every create and reconfigure: counting builds no text).
 */
import type { VirtualMachine } from './types.js';

/** Receives a `.vmx` file one `key = "value"` line at a time (the value not escaped yet). */
interface VmxSink {
  /** A line with an ASCII key. */
  line(key: string, value: string | number): void;
  /** A line with a key from the user (extraConfig), any text. */
  userLine(key: string, value: string): void;
}

/**
 * The `.vmx` text of a VM; disks by file name, NICs by port-group name. Built by appending lines to
 * one string (no per-line arrays). O(devices + extraConfig).
 */
export function renderVmx(vm: VirtualMachine, diskFileName: (dsPath: string) => string, networkName: (id: string) => string): string {
  const text = new TextSink();
  writeVmx(vm, diskFileName, networkName, text);
  return text.out;
}

/**
 * `Buffer.byteLength(renderVmx(vm, …))` without building the text: each line's key and value
 * bytes plus its fixed punctuation. O(devices + extraConfig), no allocation for ASCII values.
 */
export function vmxByteLength(vm: VirtualMachine, diskFileName: (dsPath: string) => string, networkName: (id: string) => string): number {
  const counter = new ByteCountSink();
  writeVmx(vm, diskFileName, networkName, counter);
  return counter.bytes;
}

/** The lines of a VM's `.vmx`, in ESXi's order. */
function writeVmx(vm: VirtualMachine, diskFileName: (dsPath: string) => string, networkName: (id: string) => string, out: VmxSink): void {
  const c = vm.config;
  const cpu = c.cpuAllocation;
  const mem = c.memoryAllocation;
  out.line('.encoding', 'UTF-8');
  out.line('config.version', '8');
  out.line('virtualHW.version', '14');
  out.line('displayName', vm.name);
  out.line('guestOS', c.guestId);
  out.line('numvcpus', c.numCpu);
  out.line('memSize', c.memoryMB);
  out.line('sched.cpu.min', cpu.reservation);
  out.line('sched.cpu.max', limitText(cpu.limit));
  out.line('sched.cpu.shares', sharesText(cpu.shares));
  out.line('sched.mem.min', mem.reservation);
  out.line('sched.mem.max', limitText(mem.limit));
  out.line('sched.mem.shares', sharesText(mem.shares));
  out.line('vc.uuid', vm.id);
  out.line('annotation', c.annotation);
  if (c.template) out.line('templateVM', 'TRUE');
  let scsi = 0;
  let eth = 0;
  for (const d of c.devices) {
    if (d.type === 'disk') {
      const keys = slotKeys(DISK_SLOTS, 'scsi0:', DISK_FIELDS, scsi++);
      out.line(keys[0]!, 'TRUE');
      out.line(keys[1]!, diskFileName(d.fileName));
    } else if (d.type === 'nic') {
      const keys = slotKeys(NIC_SLOTS, 'ethernet', NIC_FIELDS, eth++);
      out.line(keys[0]!, 'TRUE');
      out.line(keys[1]!, 'vmxnet3');
      out.line(keys[2]!, networkName(d.network));
      out.line(keys[3]!, d.macAddress);
    } else if (d.type === 'cdrom') {
      out.line('ide0:0.present', 'TRUE');
      out.line('ide0:0.deviceType', d.iso ? 'cdrom-image' : 'atapi-cdrom');
      out.line('ide0:0.fileName', d.iso ?? '');
    } else {
      out.line('serial0.present', 'TRUE');
      out.line('serial0.fileType', 'file');
      out.line('serial0.fileName', d.fileName);
    }
  }
  if (scsi > 0) {
    out.line('scsi0.present', 'TRUE');
    out.line('scsi0.virtualDev', 'pvscsi');
  }
  for (const k in c.extraConfig) out.userLine(k, c.extraConfig[k]!);
}

const DISK_FIELDS = ['present', 'fileName'] as const;
const NIC_FIELDS = ['present', 'virtualDev', 'networkName', 'address'] as const;
/** The keys of each device slot (`scsi0:0.present`, …), made once per slot number, not per `.vmx` walk. */
const DISK_SLOTS: string[][] = [];
const NIC_SLOTS: string[][] = [];

/** The keys `<prefix><n>.<field>` of slot `n`, in `fields` order, from `cache` (filled on first use). O(fields) once, O(1) after. */
function slotKeys(cache: string[][], prefix: string, fields: readonly string[], n: number): readonly string[] {
  let keys = cache[n];
  if (keys === undefined) {
    while (cache.length < n) slotKeys(cache, prefix, fields, cache.length);
    cache[n] = keys = fields.map((f) => `${prefix}${n}.${f}`);
  }
  return keys;
}

/** Builds the text. */
class TextSink implements VmxSink {
  out = '';

  line(key: string, value: string | number): void {
    this.out += `${key} = "${typeof value === 'number' ? value : escapeVmx(value)}"\n`;
  }

  userLine(key: string, value: string): void {
    this.line(key, value);
  }
}

/** Counts the text's UTF-8 bytes. */
class ByteCountSink implements VmxSink {
  bytes = 0;

  line(key: string, value: string | number): void {
    this.bytes += key.length + LINE_PUNCTUATION_BYTES + (typeof value === 'number' ? numberLength(value) : escapedLength(value));
  }

  userLine(key: string, value: string): void {
    this.bytes += Buffer.byteLength(key) + LINE_PUNCTUATION_BYTES + escapedLength(value);
  }
}

/** ` = "` and `"\n` around each value. */
const LINE_PUNCTUATION_BYTES = 6;

function limitText(limit: number): string | number {
  return limit === -1 ? 'unlimited' : limit;
}

function sharesText(s: { level: string; shares: number }): string | number {
  return s.level === 'custom' ? s.shares : s.level;
}

const NEEDS_ESCAPE = /[|"\x00-\x1f]/;

/** ESXi escapes `"`, `|` and control characters as |XX hex. */
function escapeVmx(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/[|"\x00-\x1f]/g, (ch) => `|${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** UTF-8 bytes of `escapeVmx(v)`: one pass over ASCII text (an escape adds two bytes), allocating only for non-ASCII text. O(length). */
function escapedLength(v: string): number {
  let n = v.length;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0x80) return Buffer.byteLength(escapeVmx(v));
    if (c < 0x20 || c === 0x22 || c === 0x7c) n += 2;
  }
  return n;
}

/** Characters of a number as a template literal writes it; whole numbers without a string. */
function numberLength(v: number): number {
  if (!Number.isSafeInteger(v) || v < 0) return String(v).length;
  let digits = 1;
  for (let rest = v; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  return digits;
}
