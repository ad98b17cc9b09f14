/**
 * {@link ResourceMonitorCallback} (seed Task 3.3): per-epoch resource figures from a native
 * `ResourceSampler` — process CPU, RSS, system memory, and per GPU utilisation, memory, power,
 * temperature and throttling — logged under `prefix`, plus alerts when a rule trips:
 *
 * | alert | fires when (over the epoch's samples) |
 * | --- | --- |
 * | `gpu-unused` | this process held no memory on a GPU all epoch: training is not on it (e.g. tfjs's `cpu` backend); raised once per run. In a container (own PID namespace) only when the GPU lists no process at all: there NVML's PIDs cannot be matched with ours |
 * | `gpu-underutilized` | a GPU this process uses has mean utilisation < `gpuUtilizationBelow` % (input-bound or batches too small) |
 * | `gpu-memory-high` | a GPU's peak memory ≥ `gpuMemoryAbove` of its total (OOM ahead) |
 * | `gpu-throttled` | a GPU spent ≥ `throttledShareAbove` of samples power/thermal throttled |
 * | `host-memory-high` | system memory in use ≥ `hostMemoryAbove` of the total (swap ahead) |
 * | `rss-growth` | process RSS grew ≥ `rssGrowthMbPerEpoch` MB over the epoch (a leak?) |
 * | `event-loop-blocked` | the JS thread's event loop was held ≥ `eventLoopBlockedAboveMs` at a time (p99 of the epoch); raised once per run |
 *
 * Host figures also include the process's storage I/O (`io_read_mb`, `io_write_mb`) and context
 * switches over the epoch, and, with `eventLoop` on, the event loop's delay (p99, max: how long
 * timers, I/O, metric scrapes and async transforms waited for a synchronous step) and
 * utilization, measured by an {@link EventLoopMonitor} on the JS thread.
 *
 * Each alert is printed once per epoch (`gpu-unused` and `event-loop-blocked` once per run), logged as
 * `<prefix>alert/<kind>` = 1 in the epoch it is raised, and passed to `onAlert`. NVML's
 * utilisation is the whole device's: other processes on the same GPU count too. Work happens at epoch boundaries only (the sampler's statistics are computed in
 * native code); per batch the callback does nothing.
 */
import { z } from 'zod';
import { configObject, parseConfig } from '../config/validate';
import { OcrPerfkitTypeError } from '../errors';
import { EventLoopMonitor } from '../monitor/event_loop';
import type { Callback, EpochContext, EpochEndContext, RunState } from './protocol';

/** Serializable options (configs/callbacks/resource_monitor.yaml). */
export const resourceMonitorConfigSchema = z
  .object({
    /** Switch the callback on/off; off costs nothing. */
    enabled: z.boolean().default(true),
    /** Mean GPU utilisation (%) below which `gpu-underutilized` fires; 0 disables. */
    gpuUtilizationBelow: z.number().min(0).max(100).default(30),
    /** Peak GPU memory share at or above which `gpu-memory-high` fires. */
    gpuMemoryAbove: z.number().gt(0).max(1).default(0.95),
    /** Share of throttled samples at or above which `gpu-throttled` fires. */
    throttledShareAbove: z.number().gt(0).max(1).default(0.2),
    /** System memory share in use at or above which `host-memory-high` fires. */
    hostMemoryAbove: z.number().gt(0).max(1).default(0.9),
    /** RSS growth over one epoch (MB) at or above which `rss-growth` fires; 0 disables. */
    rssGrowthMbPerEpoch: z.number().min(0).default(500),
    /** Measure the JS event loop's delay and utilization (Node's perf_hooks). */
    eventLoop: z.boolean().default(true),
    /** Event-loop delay p99 (ms) at or above which `event-loop-blocked` fires; 0 disables. */
    eventLoopBlockedAboveMs: z.number().min(0).default(1000),
    /** Print the per-epoch line and alerts. */
    verbose: z.boolean().default(true),
    /** Metric key prefix. */
    prefix: z.string().default('resources/'),
  })
  .strict();

type Stats = { mean: number | null; min: number | null; max: number | null; p95: number | null; count: number };

/** The part of `ResourceSampler` this callback reads. */
export interface ResourceSummarySource {
  /** Current time on the sampler's clock (ms). */
  now(): number;
  /** Statistics of the samples taken since `since`. */
  summarySync(since?: number): {
    samples: number;
    host: Record<'cpuPercent' | 'rssBytes' | 'sysMemUsedBytes' | 'sysMemTotalBytes', Stats> &
      /** Cumulative counters: the epoch's amount is max − min. */
      Partial<Record<'ioReadBytes' | 'ioWriteBytes' | 'ctxSwitchesVoluntary' | 'ctxSwitchesInvoluntary', Stats>>;
    gpus: Array<
      Record<'utilizationGpu' | 'memoryUsedBytes' | 'memoryTotalBytes' | 'powerWatts' | 'temperatureC' | 'throttled', Stats> & {
        slot: number;
        /** This process's memory on the GPU (without it, `gpu-unused` is never raised). */
        processMemoryBytes?: Stats;
      }
    >;
  };
}

/** One alert. */
export interface ResourceAlert {
  kind:
    | 'gpu-unused'
    | 'gpu-underutilized'
    | 'gpu-memory-high'
    | 'gpu-throttled'
    | 'host-memory-high'
    | 'rss-growth'
    | 'event-loop-blocked';
  epoch: number;
  /** GPU slot for GPU alerts. */
  gpu?: number;
  value: number;
  message: string;
}

/** Options of {@link ResourceMonitorCallback}. */
export interface ResourceMonitorOptions extends Partial<z.input<typeof resourceMonitorConfigSchema>> {
  /** The sampler (started by the caller). */
  sampler: ResourceSummarySource;
  /** Receives each alert. */
  onAlert?: (alert: ResourceAlert) => void;
  /** Console sink (default `console.log`). */
  print?: (line: string) => void;
}

const MB = 2 ** 20;
const num = (v: number | null | undefined) => (typeof v === 'number' ? v : Number.NaN);

export class ResourceMonitorCallback implements Callback {
  readonly name = 'ResourceMonitorCallback';
  readonly enabled: boolean;
  readonly config: z.output<typeof resourceMonitorConfigSchema>;
  /** Every alert raised so far. */
  readonly alerts: ResourceAlert[] = [];
  private readonly sampler: ResourceSummarySource;
  private readonly onAlert: ((a: ResourceAlert) => void) | undefined;
  private readonly print: (line: string) => void;
  private epochStart = 0;
  /** GPU slots already reported as unused by this process (`gpu-unused` is raised once). */
  private readonly unusedReported = new Set<number>();
  private readonly eventLoop: EventLoopMonitor | undefined;
  private eventLoopReported = false;

  constructor(options: ResourceMonitorOptions) {
    const { sampler, onAlert, print, ...rest } = configObject(options, 'callbacks.resourceMonitor');
    this.config = parseConfig(resourceMonitorConfigSchema, rest, 'callbacks.resourceMonitor');
    if (!sampler || typeof sampler.summarySync !== 'function' || typeof sampler.now !== 'function') {
      throw new OcrPerfkitTypeError('ResourceMonitorCallback needs a sampler with now() and summarySync() (a ResourceSampler)');
    }
    this.enabled = this.config.enabled;
    this.sampler = sampler;
    this.onAlert = onAlert;
    this.print = print ?? ((line) => console.log(line));
    this.eventLoop = this.config.eventLoop ? new EventLoopMonitor() : undefined;
  }

  onTrainEpochStart(_run: RunState, _ctx: EpochContext): void {
    this.epochStart = this.sampler.now();
    this.eventLoop?.start();
  }

  onTrainEnd(_run: RunState): void {
    this.eventLoop?.stop();
  }

  onTrainEpochEnd(run: RunState, ctx: EpochEndContext): void {
    const c = this.config;
    const s = this.sampler.summarySync(this.epochStart);
    const m: Record<string, number> = {
      [`${c.prefix}samples`]: s.samples,
      [`${c.prefix}cpu_percent_mean`]: num(s.host.cpuPercent.mean),
      [`${c.prefix}rss_mb_max`]: num(s.host.rssBytes.max) / MB,
    };
    const delta = (st: Stats | undefined) => (st ? num(st.max) - num(st.min) : Number.NaN);
    const io = { read: delta(s.host.ioReadBytes) / MB, write: delta(s.host.ioWriteBytes) / MB };
    if (Number.isFinite(io.read)) m[`${c.prefix}io_read_mb`] = io.read;
    if (Number.isFinite(io.write)) m[`${c.prefix}io_write_mb`] = io.write;
    const csv = delta(s.host.ctxSwitchesVoluntary);
    const csi = delta(s.host.ctxSwitchesInvoluntary);
    if (Number.isFinite(csv)) m[`${c.prefix}ctx_switches_voluntary`] = csv;
    if (Number.isFinite(csi)) m[`${c.prefix}ctx_switches_involuntary`] = csi;
    const loop = this.eventLoop?.read();
    if (loop && loop.samples > 0) {
      m[`${c.prefix}event_loop_delay_p99_ms`] = loop.delayP99Ms;
      m[`${c.prefix}event_loop_delay_max_ms`] = loop.delayMaxMs;
      m[`${c.prefix}event_loop_utilization`] = loop.utilization;
    }
    const raised: ResourceAlert[] = [];
    const raise = (a: Omit<ResourceAlert, 'epoch'>) => raised.push({ ...a, epoch: ctx.epoch });
    if (loop && c.eventLoopBlockedAboveMs > 0 && loop.delayP99Ms >= c.eventLoopBlockedAboveMs && !this.eventLoopReported) {
      this.eventLoopReported = true;
      raise({
        kind: 'event-loop-blocked',
        value: loop.delayP99Ms,
        message: `the JS thread was held up to ${(loop.delayMaxMs / 1000).toFixed(1)} s at a time (p99 ${(loop.delayP99Ms / 1000).toFixed(1)} s): timers, I/O, metric scrapes and async transforms wait that long (synchronous steps on tfjs's cpu backend? @tensorflow/tfjs-node runs them natively, and useFastCpuKernels(tf) shortens conv steps there)`,
      });
    }
    const memShare = num(s.host.sysMemUsedBytes.max) / num(s.host.sysMemTotalBytes.max);
    if (memShare >= c.hostMemoryAbove) {
      raise({ kind: 'host-memory-high', value: memShare, message: `system memory ${(memShare * 100).toFixed(0)}% in use` });
    }
    const growth = (num(s.host.rssBytes.max) - num(s.host.rssBytes.min)) / MB;
    if (c.rssGrowthMbPerEpoch > 0 && growth >= c.rssGrowthMbPerEpoch) {
      raise({ kind: 'rss-growth', value: growth, message: `process RSS grew ${growth.toFixed(0)} MB this epoch (a leak?)` });
    }
    for (const g of s.gpus) {
      const p = `${c.prefix}gpu${g.slot}/`;
      const util = num(g.utilizationGpu.mean);
      const memPeak = num(g.memoryUsedBytes.max) / num(g.memoryTotalBytes.max);
      const throttled = num(g.throttled.mean);
      m[`${p}utilization_mean`] = util;
      m[`${p}memory_used_mb_max`] = num(g.memoryUsedBytes.max) / MB;
      m[`${p}power_watts_mean`] = num(g.powerWatts.mean);
      m[`${p}temperature_c_max`] = num(g.temperatureC.max);
      m[`${p}throttled_share`] = throttled;
      const procMax = g.processMemoryBytes?.max;
      if (typeof procMax === 'number') m[`${p}process_memory_mb_max`] = procMax / MB;
      if (procMax === 0) {
        // Nothing of this process is on the GPU: its utilisation says nothing about training.
        if (!this.unusedReported.has(g.slot)) {
          this.unusedReported.add(g.slot);
          raise({
            kind: 'gpu-unused',
            gpu: g.slot,
            value: util,
            message: `this process holds no memory on GPU ${g.slot}: training runs elsewhere (tfjs's cpu backend? use @tensorflow/tfjs-node-gpu to train on the GPU)`,
          });
        }
      } else if (c.gpuUtilizationBelow > 0 && util < c.gpuUtilizationBelow) {
        raise({ kind: 'gpu-underutilized', gpu: g.slot, value: util, message: `GPU ${g.slot} busy only ${util.toFixed(0)}% of the time (input-bound or batches too small)` });
      }
      if (memPeak >= c.gpuMemoryAbove) {
        raise({ kind: 'gpu-memory-high', gpu: g.slot, value: memPeak, message: `GPU ${g.slot} memory peaked at ${(memPeak * 100).toFixed(0)}% (out-of-memory ahead)` });
      }
      if (throttled >= c.throttledShareAbove) {
        raise({ kind: 'gpu-throttled', gpu: g.slot, value: throttled, message: `GPU ${g.slot} was power/thermal throttled ${(throttled * 100).toFixed(0)}% of the epoch` });
      }
    }
    for (const a of raised) m[`${c.prefix}alert/${a.kind}${a.gpu === undefined ? '' : `/gpu${a.gpu}`}`] = 1;
    run.logger.logMetrics(m, run.globalStep);
    if (c.verbose) {
      this.print(
        `[ResourceMonitor] epoch ${ctx.epoch + 1}: CPU ${num(s.host.cpuPercent.mean).toFixed(0)}% of a core, RSS max ${(num(s.host.rssBytes.max) / MB).toFixed(0)} MB` +
          (Number.isFinite(io.read) && Number.isFinite(io.write) ? `, I/O ${io.read.toFixed(1)} MB read / ${io.write.toFixed(1)} MB written` : '') +
          (loop && loop.samples > 0 ? `, event loop p99 delay ${loop.delayP99Ms.toFixed(0)} ms (${(loop.utilization * 100).toFixed(0)}% busy)` : '') +
          s.gpus.map((g) => `, GPU${g.slot} ${num(g.utilizationGpu.mean).toFixed(0)}%`).join(''),
      );
      for (const a of raised) this.print(`[ResourceMonitor] ALERT ${a.kind}: ${a.message}`);
    }
    for (const a of raised) {
      this.alerts.push(a);
      this.onAlert?.(a);
    }
  }
}
