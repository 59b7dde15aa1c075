/**
 * A brute-force placement oracle for identical container VMs: the most VMs that can be placed on
 * the hosts at once, trying every assignment, under per-host CPU and memory capacity and a pool
 * memory limit. Exponential: small cases only.
 */

/** One host's reservation capacity. */
export interface OracleHost {
  readonly cpuMHz: number;
  readonly memoryMB: number;
}

/** What one VM reserves (memory includes its overhead, as admission control counts it). */
export interface OracleVm {
  readonly cpuMHz: number;
  readonly memoryMB: number;
}

/** The largest number of `vm`s placeable on `hosts` with at most `poolMemoryMB` reserved in total. */
export function maxPlaceable(hosts: readonly OracleHost[], vm: OracleVm, poolMemoryMB = Infinity): number {
  const used = hosts.map(() => ({ cpu: 0, mem: 0 }));
  let best = 0;
  const search = (placed: number, total: number): void => {
    best = Math.max(best, placed);
    hosts.forEach((h, i) => {
      const u = used[i]!;
      if (u.cpu + vm.cpuMHz > h.cpuMHz || u.mem + vm.memoryMB > h.memoryMB || total + vm.memoryMB > poolMemoryMB) return;
      u.cpu += vm.cpuMHz;
      u.mem += vm.memoryMB;
      search(placed + 1, total + vm.memoryMB);
      u.cpu -= vm.cpuMHz;
      u.mem -= vm.memoryMB;
    });
  };
  search(0, 0);
  return best;
}
