/**
 * {@link ThroughputMonitorCallback} (seed 003): training-pipeline throughput per epoch.
 *
 * Logged under `prefix` (default `throughput/`) every `logInterval` epochs:
 *
 * | key | meaning |
 * | --- | --- |
 * | `samples_per_second`, `batches_per_second` | samples (batches) of the training stage ÷ its wall time |
 * | `batch_load_time_ms_{avg,p50,p95,p99}` | loader time per batch (`timing.loadMs`) |
 * | `batch_transform_time_ms_{avg,p50,p95,p99}` | the transform's own work per batch (`timing.transformMs`): a worker pool's execution time or what the transform reported through `TransformWork`, else its wall time; with prefetch it overlaps steps |
 * | `batch_transform_wall_ms_{avg,p95}` | transform wall time per batch (`timing.transformWallMs`), start to result: also counts waiting for workers, native threads, and the JS thread while a synchronous step holds it |
 * | `data_wait_ms_{avg,p95}` | time the step waited for data (`timing.dataWaitMs`) |
 * | `step_time_ms_avg` | step time (`timing.stepMs`) |
 * | `memory_dataset_mb` | `datasetBytes()` when given |
 * | `memory_cache_mb` | `cache.stats().bytes` when a cache is given |
 * | `memory_peak_mb` | peak RSS this epoch: the kernel's high-water mark when it rose during the epoch (exact), else the highest RSS sampled at epoch start/end and every `memorySampleEvery` batches |
 * | `throughput_efficiency` | see below, % |
 *
 * **Efficiency** = Σ stepMs ÷ Σ (stepMs + dataWaitMs) × 100 over the epoch's training batches:
 * the share of loop time spent in steps rather than waiting for data. 100% means the input
 * pipeline never stalls training, so the "theoretical max" is the throughput the same steps
 * would reach with zero data wait (samples ÷ Σ stepMs). Hook and logging time count as neither.
 *
 * Timings come from the loop (`Trainer` measures all four; under `model.fit` load/transform are
 * NaN and reported as unavailable). Per batch the callback appends four numbers to
 * preallocated buffers; no device sync. `trackTiming: false` and `trackMemory: false` remove
 * the per-batch hook entirely; `enabled: false` makes the runner skip the callback.
 */
import { z } from 'zod';
import { configObject, parseConfig } from '../config/validate';
import { SampleBuffer, summarize } from '../stats/summary';
import type { BatchEndContext, Callback, EpochContext, EpochEndContext, RunState } from './protocol';
import { type CacheStatsLike, MB, maxRssBytes, rssBytes } from './resources';

/** Serializable options (configs/callbacks/throughput_monitor.yaml). */
export const throughputMonitorConfigSchema = z
  .object({
    /** Switch the callback on/off; off costs nothing. */
    enabled: z.boolean().default(true),
    /** Log and print every n epochs. */
    logInterval: z.number().int().min(1).default(1),
    /** Track dataset/cache/peak memory. */
    trackMemory: z.boolean().default(true),
    /** Track per-batch load/transform/wait/step times. */
    trackTiming: z.boolean().default(true),
    /** Sample RSS for the peak every n training batches (0 = only at epoch start/end). */
    memorySampleEvery: z.number().int().min(0).default(64),
    /** Print the seed's console block. */
    verbose: z.boolean().default(true),
    /** Metric key prefix. */
    prefix: z.string().default('throughput/'),
  })
  .strict();

/** Options of {@link ThroughputMonitorCallback}. */
export interface ThroughputMonitorOptions extends Partial<z.input<typeof throughputMonitorConfigSchema>> {
  /** Polygon cache (or anything with `stats().bytes`). */
  cache?: CacheStatsLike;
  /** Bytes held by the dataset (your estimate), read at epoch end. */
  datasetBytes?: () => number;
  /** Console sink (default `console.log`). */
  print?: (line: string) => void;
}

/** One epoch's figures, as logged (keys without prefix). */
export type ThroughputReport = Record<string, number>;

function fmtMs(v: number | undefined): string {
  return v !== undefined && Number.isFinite(v) ? `${v.toFixed(1)}ms` : 'n/a';
}
function fmtMb(v: number | undefined): string {
  return v !== undefined && Number.isFinite(v) ? `${v.toFixed(0)} MB` : 'n/a';
}
/** ", wall …" after the transform's own work when its wall time is noticeably longer. */
function transformWallNote(rep: ThroughputReport): string {
  const own = rep.batch_transform_time_ms_avg;
  const wall = rep.batch_transform_wall_ms_avg;
  if (own === undefined || wall === undefined || !Number.isFinite(own) || !Number.isFinite(wall)) return '';
  return wall > own * 1.05 + 0.05 ? `, wall ${fmtMs(wall)} incl. waiting` : '';
}

/** Throughput monitor. */
export class ThroughputMonitorCallback implements Callback {
  readonly name = 'ThroughputMonitorCallback';
  readonly enabled: boolean;
  /** Parsed options. */
  readonly config: z.output<typeof throughputMonitorConfigSchema>;
  /** The last computed epoch report (keys without prefix). */
  lastReport: ThroughputReport | undefined;
  private readonly load = new SampleBuffer(256);
  private readonly transform = new SampleBuffer(256);
  private readonly transformWall = new SampleBuffer(256);
  private readonly wait = new SampleBuffer(256);
  private readonly step = new SampleBuffer(256);
  private readonly cache: CacheStatsLike | undefined;
  private readonly datasetBytes: (() => number) | undefined;
  private readonly print: (line: string) => void;
  private peakRss = 0;
  private maxRssAtStart = 0;
  private batchesSinceSample = 0;

  constructor(options: ThroughputMonitorOptions = {}) {
    const { cache, datasetBytes, print, ...rest } = configObject(options, 'callbacks.throughputMonitor');
    this.config = parseConfig(throughputMonitorConfigSchema, rest, 'callbacks.throughputMonitor');
    this.enabled = this.config.enabled;
    this.cache = cache;
    this.datasetBytes = datasetBytes;
    this.print = print ?? ((l) => console.log(l));
    const perBatchMemory = this.config.trackMemory && this.config.memorySampleEvery > 0;
    if (!this.config.trackTiming && !perBatchMemory) {
      // No per-batch work at all: hide the hook so the runner never calls it.
      (this as { onTrainBatchEnd?: unknown }).onTrainBatchEnd = undefined;
    }
  }

  onTrainEpochStart(_run: RunState, _ctx: EpochContext): void {
    this.load.clear();
    this.transform.clear();
    this.transformWall.clear();
    this.wait.clear();
    this.step.clear();
    this.batchesSinceSample = 0;
    this.peakRss = this.config.trackMemory ? rssBytes() : 0;
    this.maxRssAtStart = this.config.trackMemory ? maxRssBytes() : 0;
  }

  onTrainBatchEnd(_run: RunState, ctx: BatchEndContext): void {
    if (this.config.trackTiming) {
      const t = ctx.timing;
      this.load.push(t.loadMs);
      this.transform.push(t.transformMs);
      this.transformWall.push(t.transformWallMs);
      this.wait.push(t.dataWaitMs);
      this.step.push(t.stepMs);
    }
    if (this.config.trackMemory && this.config.memorySampleEvery > 0) {
      if (++this.batchesSinceSample >= this.config.memorySampleEvery) {
        this.batchesSinceSample = 0;
        const r = rssBytes();
        if (r > this.peakRss) this.peakRss = r;
      }
    }
  }

  onTrainEpochEnd(run: RunState, ctx: EpochEndContext): void {
    if ((ctx.epoch + 1) % this.config.logInterval !== 0) return;
    const rep: ThroughputReport = {};
    const secs = ctx.durationMs / 1000;
    rep.samples_per_second = secs > 0 ? ctx.numSamples / secs : Number.NaN;
    rep.batches_per_second = secs > 0 ? ctx.numBatches / secs : Number.NaN;
    if (this.config.trackTiming) {
      const l = summarize(this.load.view());
      const t = summarize(this.transform.view());
      const tw = summarize(this.transformWall.view());
      const w = summarize(this.wait.view());
      const s = summarize(this.step.view());
      if (l.count > 0) {
        rep.batch_load_time_ms_avg = l.mean;
        rep.batch_load_time_ms_p50 = l.p50;
        rep.batch_load_time_ms_p95 = l.p95;
        rep.batch_load_time_ms_p99 = l.p99;
      }
      if (t.count > 0) {
        rep.batch_transform_time_ms_avg = t.mean;
        rep.batch_transform_time_ms_p50 = t.p50;
        rep.batch_transform_time_ms_p95 = t.p95;
        rep.batch_transform_time_ms_p99 = t.p99;
      }
      if (tw.count > 0) {
        rep.batch_transform_wall_ms_avg = tw.mean;
        rep.batch_transform_wall_ms_p95 = tw.p95;
      }
      if (w.count > 0) {
        rep.data_wait_ms_avg = w.mean;
        rep.data_wait_ms_p95 = w.p95;
      }
      if (s.count > 0) rep.step_time_ms_avg = s.mean;
      const stepSum = this.step.sum();
      const waitSum = this.wait.sum();
      if (s.count > 0 && stepSum + waitSum > 0) rep.throughput_efficiency = (stepSum / (stepSum + waitSum)) * 100;
    }
    if (this.config.trackMemory) {
      const r = rssBytes();
      if (r > this.peakRss) this.peakRss = r;
      const hwm = maxRssBytes();
      // The process high-water mark rose during this epoch: it is this epoch's exact peak.
      if (hwm > this.maxRssAtStart) this.peakRss = Math.max(this.peakRss, hwm);
      rep.memory_peak_mb = this.peakRss / MB;
      if (this.cache) {
        try {
          rep.memory_cache_mb = this.cache.stats().bytes / MB;
        } catch {
          // a broken cache reference must not stop training
        }
      }
      if (this.datasetBytes) {
        try {
          rep.memory_dataset_mb = this.datasetBytes() / MB;
        } catch {
          // same
        }
      }
    }
    this.lastReport = rep;
    const p = this.config.prefix;
    const metrics: Record<string, number> = {};
    for (const k in rep) metrics[p + k] = rep[k]!;
    run.logger.logMetrics(metrics, run.globalStep);
    if (this.config.verbose) this.print(ThroughputMonitorCallback.format(ctx.epoch, rep, this.config));
  }

  /**
   * The seed's console block. `epoch` is 0-based and printed 1-based. Unavailable figures print
   * as `n/a`; sections switched off (`trackTiming`, `trackMemory`) are left out.
   */
  static format(
    epoch: number,
    rep: ThroughputReport,
    cfg: { trackTiming: boolean; trackMemory: boolean } = { trackTiming: true, trackMemory: true },
  ): string {
    const lines = [
      `[Throughput] Epoch ${epoch + 1}:`,
      `  Samples/sec: ${Number.isFinite(rep.samples_per_second) ? rep.samples_per_second!.toFixed(1) : 'n/a'}`,
      `  Batches/sec: ${Number.isFinite(rep.batches_per_second) ? rep.batches_per_second!.toFixed(1) : 'n/a'}`,
    ];
    if (cfg.trackTiming) {
      lines.push(
        `  Avg batch load: ${fmtMs(rep.batch_load_time_ms_avg)} (p95: ${fmtMs(rep.batch_load_time_ms_p95)})`,
        `  Avg batch transform: ${fmtMs(rep.batch_transform_time_ms_avg)} (p95: ${fmtMs(rep.batch_transform_time_ms_p95)})` +
          transformWallNote(rep),
        // Load and transform run ahead of the steps with prefetch; the wait is the part
        // training actually stood still for.
        `  Avg data wait: ${fmtMs(rep.data_wait_ms_avg)} (p95: ${fmtMs(rep.data_wait_ms_p95)})`,
      );
    }
    if (cfg.trackMemory) {
      lines.push(
        `  Memory (dataset): ${fmtMb(rep.memory_dataset_mb)}`,
        `  Memory (cache): ${fmtMb(rep.memory_cache_mb)}`,
        `  Memory (peak): ${fmtMb(rep.memory_peak_mb)}`,
      );
    }
    if (cfg.trackTiming) {
      const e = rep.throughput_efficiency;
      lines.push(`  Efficiency: ${e !== undefined && Number.isFinite(e) ? `${e.toFixed(1)}%` : 'n/a'} (of theoretical max)`);
    }
    return lines.join('\n');
  }
}
