/**
 * `docker stats` for a container VM, from the backend's figures: memory usage is what the VM's guest
 * memory holds (private + shared pages, as vSphere's quick stats report it) against its configured
 * size; CPU time grows with the simulated service's MHz over the host's per-core MHz; the process
 * count is the guest's process table; network bytes are what its published ports really carried
 * (packet counts are not modelled: zeros); block I/O is what the current run read from and wrote to
 * its root disk chain (device 8:0, the VM's first SCSI disk), as the union filesystem counted it.
 */
import type { Backend } from '../backend/backend.js';
import type { Clock } from '../sim/clock.js';
import type { Container } from './containers/container.js';
import type { ContainerRuntime } from './containers/runtime.js';
import type { CpuStats, StatsSample } from './engine/docker-types.js';

const MiB = 2 ** 20;
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** One stats sample of a container. Stopped containers report zeros, as docker does. */
export async function containerStats(backend: Backend, c: Container, clock: Clock, runtime: ContainerRuntime, traffic: { readonly rxBytes: number; readonly txBytes: number }): Promise<StatsSample> {
  const now = clock.date();
  const vm = await backend.vm(c.def.vm);
  const running = c.running;
  const host = running ? (await backend.hosts()).find((h) => h.id === vm.host) : undefined;
  const mhzPerCore = host?.cpuMhzPerCore ?? 2400;
  const profile = runtime.process(c)?.profile;
  const busyCores = Math.min(vm.numCpu, (profile?.cpuMhz ?? 0) / mhzPerCore);
  const upNs = running && c.startedMs !== undefined ? Math.max(0, now.getTime() - c.startedMs) * 1e6 : 0;
  const systemNs = Math.floor((now.getTime() * 1e6) * vm.numCpu);
  const usage = Math.floor(upNs * busyCores);
  const cpu: CpuStats = {
    cpu_usage: { total_usage: usage, percpu_usage: Array.from({ length: vm.numCpu }, () => Math.floor(usage / vm.numCpu)), usage_in_kernelmode: 0, usage_in_usermode: usage },
    system_cpu_usage: systemNs,
    online_cpus: vm.numCpu,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
  const memUsed = running ? ((vm.memory?.privateMB ?? 0) + (vm.memory?.sharedMB ?? 0)) * MiB : 0;
  const pids = running ? runtime.launcher.processes(c.id).length : 0;
  return {
    read: running ? now.toISOString() : ZERO_TIME,
    preread: ZERO_TIME,
    name: `/${c.name}`,
    id: c.id,
    num_procs: 0,
    pids_stats: { current: pids },
    cpu_stats: cpu,
    precpu_stats: { ...cpu, cpu_usage: { ...cpu.cpu_usage, total_usage: 0, percpu_usage: [] }, system_cpu_usage: 0 },
    memory_stats: running ? { usage: memUsed, limit: vm.memoryMB * MiB, stats: { inactive_file: 0, shared: (vm.memory?.sharedMB ?? 0) * MiB, private: (vm.memory?.privateMB ?? 0) * MiB } } : { usage: 0, limit: 0, stats: {} },
    networks: running ? { eth0: { rx_bytes: traffic.rxBytes, tx_bytes: traffic.txBytes, rx_packets: 0, tx_packets: 0, rx_errors: 0, tx_errors: 0, rx_dropped: 0, tx_dropped: 0 } } : {},
    blkio_stats: { io_service_bytes_recursive: running ? rootDiskIo(c) : [] },
    storage_stats: {},
  };
}

/** The root disk's bytes by operation, as cgroup v1's io_service_bytes_recursive lists them. */
function rootDiskIo(c: Container): StatsSample['blkio_stats']['io_service_bytes_recursive'] {
  const { readBytes, writtenBytes } = c.fs.io;
  const entry = (op: string, value: number) => ({ major: 8, minor: 0, op, value });
  return [entry('read', readBytes), entry('write', writtenBytes), entry('sync', 0), entry('async', readBytes + writtenBytes), entry('discard', 0), entry('total', readBytes + writtenBytes)];
}
