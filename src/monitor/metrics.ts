/** Names, units and shapes of the metrics the {@link ResourceSampler} records. */

/** Host metrics, in row order (must match native/gpu/metrics.cc). */
export const HOST_METRICS = [
  /** Process CPU time over wall time since the previous sample, % of one core (null for the first sample). */
  'cpuPercent',
  /** Resident set size of this process, bytes. */
  'rssBytes',
  /** Total system memory (MemTotal), bytes. */
  'sysMemTotalBytes',
  /** Memory available for new work (MemAvailable), bytes. */
  'sysMemAvailableBytes',
  /** MemTotal − MemAvailable, bytes. */
  'sysMemUsedBytes',
  /** Bytes this process caused to be read from storage (/proc/self/io read_bytes, cumulative). */
  'ioReadBytes',
  /** Bytes this process caused to be written to storage (/proc/self/io write_bytes, cumulative). */
  'ioWriteBytes',
  /** Voluntary context switches of all threads (cumulative; includes the sampler thread). */
  'ctxSwitchesVoluntary',
  /** Involuntary context switches of all threads (cumulative). */
  'ctxSwitchesInvoluntary',
] as const;

/** Per-GPU metrics, in row order (must match native/gpu/metrics.cc). */
export const GPU_METRICS = [
  /** % of the driver's sample period during which a kernel was running. */
  'utilizationGpu',
  /** % of the period during which device memory was read or written. */
  'utilizationMemory',
  /** Device memory in use, bytes (from the v2 struct when the driver has it: excludes reserved memory). */
  'memoryUsedBytes',
  /** Device memory, bytes. */
  'memoryTotalBytes',
  /** GPU core temperature, °C. */
  'temperatureC',
  /** Board power draw, W. */
  'powerWatts',
  /** SM clock, MHz. */
  'clockSmMHz',
  /** Memory clock, MHz. */
  'clockMemMHz',
  /** PCIe transmit throughput, bytes/s. */
  'pcieTxBytesPerSec',
  /** PCIe receive throughput, bytes/s. */
  'pcieRxBytesPerSec',
  /** Clock event (throttle) reason bits, as nvmlClocksEventReason* (bitmask; see {@link CLOCK_EVENT_REASONS}). */
  'clockEventReasons',
  /** 1 while a power-cap, thermal, HW-slowdown or power-brake reason is active, else 0. */
  'throttled',
  /**
   * Device memory used by this process (NVML running compute/graphics processes), bytes; 0 when
   * it has no context there. In a container with its own PID namespace NVML reports host PIDs,
   * which cannot be matched with ours: there the value is null (unknown) when the device lists
   * processes but none with our PID, and 0 only when it lists none.
   */
  'processMemoryBytes',
] as const;

export type HostMetricName = (typeof HOST_METRICS)[number];
export type GpuMetricName = (typeof GPU_METRICS)[number];

/** Bits of `clockEventReasons` (NVML's nvmlClocksEventReason* values). */
export const CLOCK_EVENT_REASONS = {
  gpuIdle: 0x1,
  applicationsClocksSetting: 0x2,
  swPowerCap: 0x4,
  hwSlowdown: 0x8,
  syncBoost: 0x10,
  swThermalSlowdown: 0x20,
  hwThermalSlowdown: 0x40,
  hwPowerBrakeSlowdown: 0x80,
  displayClockSetting: 0x100,
} as const;

/** Names of the reason bits set in a `clockEventReasons` value. */
export function clockEventReasonNames(bits: number): Array<keyof typeof CLOCK_EVENT_REASONS> {
  return (Object.keys(CLOCK_EVENT_REASONS) as Array<keyof typeof CLOCK_EVENT_REASONS>).filter(
    (k) => (bits & CLOCK_EVENT_REASONS[k]) !== 0,
  );
}

/** One metric's value; null when the source or the metric is unavailable. */
export type MetricValue = number | null;

/** Mean/min/max/p95 of one metric over a window; all null when it had no values. */
export interface MetricStats {
  mean: number | null;
  min: number | null;
  max: number | null;
  /** 95th percentile, linear interpolation between closest ranks (numpy's default). */
  p95: number | null;
  /** Samples that had a value. */
  count: number;
}
