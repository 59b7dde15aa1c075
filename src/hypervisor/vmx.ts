/**
 * Renders a VM's `.vmx` configuration file from its record, in the format ESXi writes
 * (`key = "value"` lines). The file is a projection: the record is the source of truth.
 */
import type { VirtualMachine } from './types.js';

/** The `.vmx` text of a VM; disks by file name, NICs by port-group name. O(devices + extraConfig). */
export function renderVmx(vm: VirtualMachine, diskFileName: (dsPath: string) => string, networkName: (id: string) => string): string {
  const c = vm.config;
  const lines: [string, string][] = [
    ['.encoding', 'UTF-8'],
    ['config.version', '8'],
    ['virtualHW.version', '14'],
    ['displayName', vm.name],
    ['guestOS', c.guestId],
    ['numvcpus', String(c.numCpu)],
    ['memSize', String(c.memoryMB)],
    ['sched.cpu.min', String(c.cpuAllocation.reservation)],
    ['sched.cpu.max', c.cpuAllocation.limit === -1 ? 'unlimited' : String(c.cpuAllocation.limit)],
    ['sched.cpu.shares', sharesText(c.cpuAllocation.shares)],
    ['sched.mem.min', String(c.memoryAllocation.reservation)],
    ['sched.mem.max', c.memoryAllocation.limit === -1 ? 'unlimited' : String(c.memoryAllocation.limit)],
    ['sched.mem.shares', sharesText(c.memoryAllocation.shares)],
    ['vc.uuid', vm.id],
    ['annotation', c.annotation],
  ];
  if (c.template) lines.push(['templateVM', 'TRUE']);
  let scsi = 0;
  let eth = 0;
  for (const d of c.devices) {
    if (d.type === 'disk') {
      const slot = `scsi0:${scsi++}`;
      lines.push([`${slot}.present`, 'TRUE'], [`${slot}.fileName`, diskFileName(d.fileName)]);
    } else if (d.type === 'nic') {
      const slot = `ethernet${eth++}`;
      lines.push([`${slot}.present`, 'TRUE'], [`${slot}.virtualDev`, 'vmxnet3'], [`${slot}.networkName`, networkName(d.network)], [`${slot}.address`, d.macAddress]);
    } else if (d.type === 'cdrom') {
      lines.push(['ide0:0.present', 'TRUE'], ['ide0:0.deviceType', d.iso ? 'cdrom-image' : 'atapi-cdrom'], ['ide0:0.fileName', d.iso ?? '']);
    } else {
      lines.push(['serial0.present', 'TRUE'], ['serial0.fileType', 'file'], ['serial0.fileName', d.fileName]);
    }
  }
  if (scsi > 0) lines.push(['scsi0.present', 'TRUE'], ['scsi0.virtualDev', 'pvscsi']);
  for (const [k, v] of Object.entries(c.extraConfig)) lines.push([k, v]);
  return lines.map(([k, v]) => `${k} = "${escapeVmx(v)}"`).join('\n') + '\n';
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
