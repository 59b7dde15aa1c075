/**
 * Renders a VM's `.vmx` configuration file from its record, in the format ESXi writes
 * (`key = "value"` lines). The file is a projection: the record is the source of truth.
 */
import type { VirtualMachine } from './types.js';

/**
 * The `.vmx` text of a VM; disks by file name, NICs by port-group name. Built by appending lines to
 * one string (no per-line arrays). O(devices + extraConfig).
 */
export function renderVmx(vm: VirtualMachine, diskFileName: (dsPath: string) => string, networkName: (id: string) => string): string {
  const c = vm.config;
  const cpu = c.cpuAllocation;
  const mem = c.memoryAllocation;
  let out =
    `.encoding = "UTF-8"\nconfig.version = "8"\nvirtualHW.version = "14"\ndisplayName = "${escapeVmx(vm.name)}"\nguestOS = "${escapeVmx(c.guestId)}"\n` +
    `numvcpus = "${c.numCpu}"\nmemSize = "${c.memoryMB}"\n` +
    `sched.cpu.min = "${cpu.reservation}"\nsched.cpu.max = "${limitText(cpu.limit)}"\nsched.cpu.shares = "${escapeVmx(sharesText(cpu.shares))}"\n` +
    `sched.mem.min = "${mem.reservation}"\nsched.mem.max = "${limitText(mem.limit)}"\nsched.mem.shares = "${escapeVmx(sharesText(mem.shares))}"\n` +
    `vc.uuid = "${escapeVmx(vm.id)}"\nannotation = "${escapeVmx(c.annotation)}"\n`;
  if (c.template) out += 'templateVM = "TRUE"\n';
  let scsi = 0;
  let eth = 0;
  for (const d of c.devices) {
    if (d.type === 'disk') {
      const slot = `scsi0:${scsi++}`;
      out += `${slot}.present = "TRUE"\n${slot}.fileName = "${escapeVmx(diskFileName(d.fileName))}"\n`;
    } else if (d.type === 'nic') {
      const slot = `ethernet${eth++}`;
      out += `${slot}.present = "TRUE"\n${slot}.virtualDev = "vmxnet3"\n${slot}.networkName = "${escapeVmx(networkName(d.network))}"\n${slot}.address = "${escapeVmx(d.macAddress)}"\n`;
    } else if (d.type === 'cdrom') {
      out += `ide0:0.present = "TRUE"\nide0:0.deviceType = "${d.iso ? 'cdrom-image' : 'atapi-cdrom'}"\nide0:0.fileName = "${escapeVmx(d.iso ?? '')}"\n`;
    } else {
      out += `serial0.present = "TRUE"\nserial0.fileType = "file"\nserial0.fileName = "${escapeVmx(d.fileName)}"\n`;
    }
  }
  if (scsi > 0) out += 'scsi0.present = "TRUE"\nscsi0.virtualDev = "pvscsi"\n';
  for (const k in c.extraConfig) out += `${k} = "${escapeVmx(c.extraConfig[k]!)}"\n`;
  return out;
}

function limitText(limit: number): string {
  return limit === -1 ? 'unlimited' : String(limit);
}

function sharesText(s: { level: string; shares: number }): string {
  return s.level === 'custom' ? String(s.shares) : s.level;
}

const NEEDS_ESCAPE = /[|"\x00-\x1f]/;

/** ESXi escapes `"`, `|` and control characters as |XX hex. */
function escapeVmx(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/[|"\x00-\x1f]/g, (ch) => `|${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
