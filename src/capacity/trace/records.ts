/**
 * What a trace reader yields: one record per VM, read streaming from a file. Fields a format does
 * not carry are null; the arrival stream takes them from its profile.
 */

/** One VM of a trace, in trace time. */
export interface TraceRecord {
  /** The VM's id in the trace. */
  readonly id: string;
  /** When the VM was created, ms of trace time. */
  readonly startMs: number;
  /** When it was deleted, ms of trace time; null = it outlives the trace. Precondition: ≥ startMs. */
  readonly endMs: number | null;
  /** vCPUs; null = from the profile. */
  readonly cpus: number | null;
  /** Configured memory, MB; null = from the profile. */
  readonly memoryMB: number | null;
  /** Average CPU utilization over the VM's life, percent of its vCPUs (0–100); null = from the profile. */
  readonly cpuAvgPercent: number | null;
  /** Maximum CPU utilization, percent; null when the format has none. */
  readonly cpuMaxPercent: number | null;
  /** 95th percentile of the maximum CPU utilization, percent; null when the format has none. */
  readonly cpuP95Percent: number | null;
  /** Profile name given by the trace (simple format); null = the stream's profile. */
  readonly profile: string | null;
  /** Workload category (Azure: Delay-insensitive, Interactive, Unknown); null when absent. */
  readonly category: string | null;
  /** 1-based line of the record in its file. */
  readonly line: number;
}
