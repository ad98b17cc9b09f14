/**
 * {@link ResourceSampler}: host and GPU metrics sampled on a native background thread, so
 * sampling continues while the JS thread is busy in a training step.
 *
 * ```ts
 * const sampler = new ResourceSampler({ intervalMs: 100 });
 * await sampler.start();
 * const t0 = sampler.now();
 * // ... train ...
 * const s = await sampler.summary(t0);   // mean/min/max/p95 per metric since t0
 * console.log(s.gpus[0]?.utilizationGpu.mean, sampler.latest()?.host.rssBytes);
 * await sampler.close();
 * ```
 */
import { OcrPerfkitError } from '../errors';
import {
  GPU_METRICS,
  type GpuMetricName,
  HOST_METRICS,
  type HostMetricName,
  type MetricStats,
  type MetricValue,
} from './metrics';
import { type MonitorNative, type NativeHandle, monitorNative, withCallSite } from './native';
import { parseOptions } from '../validation/options';
import { type ResolvedSamplerOptions, type ResourceSamplerOptions, ResourceSamplerOptionsSchema } from './sampler-options';

/** A GPU being sampled. */
export interface GpuDevice {
  /** Position in {@link ResourceSample.gpus}. */
  slot: number;
  /** NVML index (PCI bus order, what nvidia-smi shows). */
  nvmlIndex: number;
  /** CUDA ordinal under the current CUDA_VISIBLE_DEVICES. */
  cudaOrdinal: number;
  uuid: string;
  name: string;
  /** False once the device was lost (GPU_IS_LOST / RESET_REQUIRED) or the NVML source stopped. */
  available: boolean;
  /** Why not available ('' when fine). */
  reason: string;
}

/** State of one source. */
export interface SourceStatus {
  /** Enabled by the options. */
  enabled: boolean;
  /** Producing values now. */
  available: boolean;
  /** Why not available (or a partial limitation); empty when fully available. */
  reason: string;
}

/** What the sampler is reading from. */
export interface SamplerSources {
  host: SourceStatus;
  nvml: SourceStatus & {
    /** Library path that was opened ('' when none). */
    library: string;
    /** Symbol chosen for each NVML function (shows the versioned fallbacks taken). */
    symbols: Record<string, string>;
  };
  devices: GpuDevice[];
}

export type HostMetrics = Record<HostMetricName, MetricValue>;
export type GpuMetrics = Record<GpuMetricName, MetricValue> & { slot: number; uuid: string };

/** One timestamped sample. */
export interface ResourceSample {
  /** CLOCK_MONOTONIC milliseconds (same clock as `process.hrtime`; see {@link ResourceSampler.now}). */
  t: number;
  /** Wall-clock time, ms since the epoch (like `Date.now()`). */
  wallTime: number;
  host: HostMetrics;
  gpus: GpuMetrics[];
}

/** Statistics over a window of samples. */
export interface ResourceSummary {
  /** Start of the window (monotonic ms), or null for "every sample in the buffer". */
  since: number | null;
  /** Samples in the window. */
  samples: number;
  host: Record<HostMetricName, MetricStats>;
  gpus: Array<Record<GpuMetricName, MetricStats> & { slot: number; uuid: string }>;
}

let namesChecked = false;
function checkNames(native: MonitorNative): void {
  if (namesChecked) return;
  const n = native.monitorMetricNames();
  const same = (a: readonly string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(HOST_METRICS, n.host) || !same(GPU_METRICS, n.gpu) || n.leading !== 2 || n.summaryStats !== 5) {
    throw new OcrPerfkitError('the native addon reports different metric names: rebuild it', 'ERR_INTERNAL');
  }
  namesChecked = true;
}

const nz = (v: number | undefined): MetricValue => (v === undefined || Number.isNaN(v) ? null : v);

/** Samples host and GPU metrics on a native thread into a ring buffer. */
export class ResourceSampler {
  /** The validated options (defaults filled in). */
  readonly options: Readonly<ResolvedSamplerOptions>;
  readonly #native: MonitorNative;
  readonly #handle: NativeHandle;
  #latestBuf = new Float64Array(0);
  #devices: GpuDevice[] = [];
  #closed = false;

  constructor(options: ResourceSamplerOptions = {}) {
    this.options = Object.freeze(parseOptions(ResourceSamplerOptionsSchema, options, 'ResourceSampler options'));
    this.#native = monitorNative();
    checkNames(this.#native);
    const o = this.options;
    const visible = o.cudaVisibleDevices !== undefined ? o.cudaVisibleDevices : (process.env.CUDA_VISIBLE_DEVICES ?? null);
    const nvmlLibrary = o.nvmlLibrary ?? (process.env.OCR_PERFKIT_NVML_LIBRARY || undefined);
    this.#handle = this.#native.samplerCreate({
      intervalMs: o.intervalMs,
      pcieIntervalMs: o.pcieIntervalMs,
      capacity: o.capacity,
      host: o.host,
      gpu: o.gpu,
      ...(nvmlLibrary !== undefined ? { nvmlLibrary } : {}),
      ...(o.devices !== undefined ? { devices: o.devices } : {}),
      ...(o.procRoot !== undefined ? { procRoot: o.procRoot } : {}),
      cudaVisibleDevices: visible,
    });
  }

  /** Milliseconds on the clock of sample timestamps (CLOCK_MONOTONIC); pass to `summary(since)`. */
  now(): number {
    return this.#native.monitorNow();
  }

  /**
   * Opens the sources (first call only: loads NVML off the JS thread, resolves devices) and
   * starts the thread. Resolves once the first sample is in, so {@link latest} is not null after
   * it (unless a driver call hangs for more than 5 s: then it resolves without). Rejects with `ERR_UNKNOWN_DEVICE`
   * (RangeError) for a device that does not exist, `ERR_CLOSED` after {@link close}. A missing
   * NVML is not an error: see {@link sources}.
   */
  async start(): Promise<void> {
    await withCallSite(this.#native.samplerStart(this.#handle), new Error());
    this.#refreshLayout();
  }

  /** Stops the thread (joins it off the JS thread). Samples are kept; `start()` resumes. */
  async stop(): Promise<void> {
    await withCallSite(this.#native.samplerStop(this.#handle, false), new Error());
  }

  /** Stops for good and releases NVML. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await withCallSite(this.#native.samplerStop(this.#handle, true), new Error());
  }

  /** True while the thread is sampling. */
  get running(): boolean {
    return this.#native.samplerState(this.#handle).running;
  }

  /** Source availability, the NVML library and symbols used, and the sampled devices. */
  sources(): SamplerSources {
    const st = this.#native.samplerState(this.#handle);
    return {
      host: { ...st.host },
      nvml: { ...st.nvml },
      devices: st.devices.map((d, slot) => ({ slot, ...d })),
    };
  }

  /** Samples in the buffer, samples overwritten, samples ever taken. */
  counts(): { buffered: number; dropped: number; taken: number } {
    const st = this.#native.samplerState(this.#handle);
    return { buffered: st.samples, dropped: st.dropped, taken: st.taken };
  }

  /** The newest sample, or null before the first one. Cheap (one native copy, a few µs). */
  latest(): ResourceSample | null {
    if (this.#latestBuf.length === 0) this.#refreshLayout();
    const buf = this.#latestBuf;
    if (buf.length === 0) return null;
    const n = this.#native.samplerLatest(this.#handle, buf);
    return n === 0 ? null : this.#rowToSample(buf, 0);
  }

  /** Every buffered sample with `t >= since` (all when omitted), oldest first. */
  samples(since?: number): ResourceSample[] {
    this.#refreshLayout();
    const rows = this.#native.samplerRows(this.#handle, since);
    const width = this.#latestBuf.length;
    const out: ResourceSample[] = [];
    if (width === 0) return out;
    for (let off = 0; off + width <= rows.length; off += width) out.push(this.#rowToSample(rows, off));
    return out;
  }

  /** Mean/min/max/p95 per metric over samples with `t >= since` (computed off the JS thread). */
  async summary(since?: number): Promise<ResourceSummary> {
    this.#refreshLayout();
    const stats = await withCallSite(this.#native.samplerSummary(this.#handle, since), new Error());
    return this.#toSummary(stats, since);
  }

  /** Synchronous {@link summary}: sorts on the JS thread (about 1 ms per 10k samples per metric). */
  summarySync(since?: number): ResourceSummary {
    this.#refreshLayout();
    return this.#toSummary(this.#native.samplerSummarySync(this.#handle, since), since);
  }

  #refreshLayout(): void {
    const st = this.#native.samplerState(this.#handle);
    if (!st.started) return;
    if (this.#latestBuf.length !== st.width) this.#latestBuf = new Float64Array(st.width);
    if (this.#devices.length !== st.devices.length) this.#devices = st.devices.map((d, slot) => ({ slot, ...d }));
  }

  #rowToSample(row: Float64Array, off: number): ResourceSample {
    const host = {} as HostMetrics;
    let c = off + 2;
    for (const name of HOST_METRICS) host[name] = nz(row[c++]);
    const gpus: GpuMetrics[] = [];
    for (const dev of this.#devices) {
      const g = { slot: dev.slot, uuid: dev.uuid } as GpuMetrics;
      for (const name of GPU_METRICS) g[name] = nz(row[c++]);
      gpus.push(g);
    }
    return { t: row[off] ?? 0, wallTime: row[off + 1] ?? 0, host, gpus };
  }

  #toSummary(stats: Float64Array, since: number | undefined): ResourceSummary {
    const col = (c: number): MetricStats => ({
      mean: nz(stats[c * 5]),
      min: nz(stats[c * 5 + 1]),
      max: nz(stats[c * 5 + 2]),
      p95: nz(stats[c * 5 + 3]),
      count: stats[c * 5 + 4] ?? 0,
    });
    const host = {} as Record<HostMetricName, MetricStats>;
    let c = 2;
    for (const name of HOST_METRICS) host[name] = col(c++);
    const gpus: ResourceSummary['gpus'] = [];
    for (const dev of this.#devices) {
      const g = { slot: dev.slot, uuid: dev.uuid } as ResourceSummary['gpus'][number];
      for (const name of GPU_METRICS) g[name] = col(c++);
      gpus.push(g);
    }
    return { since: since ?? null, samples: stats.length > 0 ? (stats[4] ?? 0) : 0, host, gpus };
  }

  /** True after {@link close}. */
  get closed(): boolean {
    return this.#closed;
  }
}
