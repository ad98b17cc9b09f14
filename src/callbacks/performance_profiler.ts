/**
 * {@link PerformanceProfilerCallback} (seeds 002/004): profiles validation. Per validation epoch
 * it records every batch time (the loop's `timing.stepMs`: the evaluation of the batch, without
 * data loading) and, at the end, logs under `prefix` (default `performance/`), using the seed's
 * names and units (seconds, GB) so existing dashboards keep working:
 *
 * | key | meaning |
 * | --- | --- |
 * | `val_epoch_time` | validation epoch wall time, s |
 * | `val_batch_mean` / `_median` / `_p95` / `_p99` / `_std` | batch time stats, s (std: population) |
 * | `val_num_batches` | batches in the epoch (0 for an empty validation set; stats then omitted) |
 * | `val_batch_time`, `val_batch_idx` | one batch's time, every `logInterval` batches |
 * | `tf_num_tensors_start` / `_end`, `tf_memory_mb_start` / `_end` | `tf.memory()` at start/end |
 * | `rss_mb_start` / `_end` | process RSS at start/end, MiB |
 * | `cpu_memory_percent` | host memory in use at end, % |
 * | `gpu_memory_gb_start` / `gpu_memory_gb` | GPU memory from the sampler at start/end, GiB (when a sampler gives it) |
 *
 * Per batch it only appends one number to a preallocated buffer (no device sync, no allocation);
 * memory is read at validation start and end only. `enabled: false` makes the callback runner
 * skip it entirely. Non-finite batch times are left out of the statistics.
 */
import { z } from 'zod';
import { configObject, parseConfig } from '../config/validate';
import { formatValue } from '../loggers/console';
import { SampleBuffer, summarize } from '../stats/summary';
import { loadTf } from '../trainer/tf';
import type { BatchEndContext, Callback, EpochContext, EpochEndContext, RunState } from './protocol';
import {
  GB,
  gpuUsedBytes,
  hostMemoryPercent,
  MB,
  type ResourceSamplerLike,
  rssBytes,
  type TfMemoryLike,
  tfMemory,
} from './resources';

/** Serializable options (configs/callbacks/performance_profiler.yaml). */
export const performanceProfilerConfigSchema = z
  .object({
    /** Switch the callback on/off; off costs nothing. */
    enabled: z.boolean().default(true),
    /** Log one batch's time every n validation batches (0 = never). */
    logInterval: z.number().int().min(0).default(10),
    /** Read tf.memory, RSS and GPU memory at validation start/end. */
    profileMemory: z.boolean().default(true),
    /** Print per-batch lines (at logInterval) and the epoch summary to the console. */
    verbose: z.boolean().default(false),
    /** Metric key prefix. */
    prefix: z.string().default('performance/'),
  })
  .strict();

/** Options of {@link PerformanceProfilerCallback}. */
export interface PerformanceProfilerOptions extends Partial<z.input<typeof performanceProfilerConfigSchema>> {
  /** tf namespace for `tf.memory()` (default: loaded lazily when memory profiling runs). */
  tf?: TfMemoryLike;
  /** GPU memory source (e.g. the ResourceSampler). */
  sampler?: ResourceSamplerLike;
  /** Console sink for verbose output (default `console.log`). */
  print?: (line: string) => void;
}

/** What one validation epoch measured (also available as `lastSummary`). */
export interface ValidationProfile {
  epoch: number;
  epochTimeS: number;
  numBatches: number;
  batchTimesS: Float64Array;
  metrics: Record<string, number>;
}

/** Validation profiler. */
export class PerformanceProfilerCallback implements Callback {
  readonly name = 'PerformanceProfilerCallback';
  readonly enabled: boolean;
  /** Parsed options. */
  readonly config: z.output<typeof performanceProfilerConfigSchema>;
  /** The last validation epoch's profile. */
  lastProfile: ValidationProfile | undefined;
  private readonly times = new SampleBuffer(256);
  private readonly print: (line: string) => void;
  private readonly sampler: ResourceSamplerLike | undefined;
  private tf: TfMemoryLike | undefined;
  /** tf was given, or loading it was tried (and failed): no lazy load. */
  private tfSettled: boolean;
  private epochStart = 0;
  private startMetrics: Record<string, number> = {};
  private readonly keyBatchTime: string;
  private readonly keyBatchIdx: string;

  constructor(options: PerformanceProfilerOptions = {}) {
    const { tf, sampler, print, ...rest } = configObject(options, 'callbacks.performanceProfiler');
    this.config = parseConfig(performanceProfilerConfigSchema, rest, 'callbacks.performanceProfiler');
    this.enabled = this.config.enabled;
    this.tf = tf;
    this.tfSettled = tf !== undefined;
    this.sampler = sampler;
    this.print = print ?? ((l) => console.log(l));
    this.keyBatchTime = `${this.config.prefix}val_batch_time`;
    this.keyBatchIdx = `${this.config.prefix}val_batch_idx`;
  }

  private memoryTf(): TfMemoryLike | undefined {
    if (!this.tf && !this.tfSettled) {
      try {
        this.tf = loadTf();
      } catch {
        // No tfjs to ask: the tf memory figures are left out (not logged as NaN).
        this.tfSettled = true;
      }
    }
    return this.tf;
  }

  private memory(suffix: 'start' | 'end'): Record<string, number> {
    const p = this.config.prefix;
    const m: Record<string, number> = {};
    const mem = tfMemory(this.memoryTf());
    if (mem) {
      m[`${p}tf_num_tensors_${suffix}`] = mem.numTensors;
      m[`${p}tf_memory_mb_${suffix}`] = mem.numBytes / MB;
    }
    m[`${p}rss_mb_${suffix}`] = rssBytes() / MB;
    const gpu = gpuUsedBytes(this.sampler);
    if (gpu !== undefined) m[suffix === 'end' ? `${p}gpu_memory_gb` : `${p}gpu_memory_gb_start`] = gpu / GB;
    if (suffix === 'end') m[`${p}cpu_memory_percent`] = hostMemoryPercent();
    return m;
  }

  onValidationEpochStart(_run: RunState, _ctx: EpochContext): void {
    this.times.clear();
    this.startMetrics = this.config.profileMemory ? this.memory('start') : {};
    this.epochStart = performance.now();
  }

  onValidationBatchEnd(run: RunState, ctx: BatchEndContext): void {
    // The loop's measurement of the batch (no extra clock read here). NaN (a loop that does not
    // measure) is kept out of the statistics by summarize().
    const s = ctx.timing.stepMs / 1000;
    this.times.push(s);
    const every = this.config.logInterval;
    if (every > 0 && ctx.batchIdx % every === 0) {
      run.logger.logMetrics({ [this.keyBatchTime]: s, [this.keyBatchIdx]: ctx.batchIdx }, run.globalStep);
      if (this.config.verbose) this.print(`Validation batch ${ctx.batchIdx}: ${s.toFixed(3)}s`);
    }
  }

  onValidationEpochEnd(run: RunState, ctx: EpochEndContext): void {
    const epochTimeS = (performance.now() - this.epochStart) / 1000;
    const p = this.config.prefix;
    const n = this.times.length;
    const metrics: Record<string, number> = { [`${p}val_epoch_time`]: epochTimeS, [`${p}val_num_batches`]: n };
    const st = summarize(this.times.view());
    if (n > 0) {
      metrics[`${p}val_batch_mean`] = st.mean;
      metrics[`${p}val_batch_median`] = st.median;
      metrics[`${p}val_batch_p95`] = st.p95;
      metrics[`${p}val_batch_p99`] = st.p99;
      metrics[`${p}val_batch_std`] = st.std;
    }
    if (this.config.profileMemory) Object.assign(metrics, this.startMetrics, this.memory('end'));
    run.logger.logMetrics(metrics, run.globalStep);
    this.lastProfile = { epoch: ctx.epoch, epochTimeS, numBatches: n, batchTimesS: this.times.view().slice(), metrics };
    if (this.config.verbose) this.printSummary(metrics, st.count);
  }

  private printSummary(m: Record<string, number>, count: number): void {
    const p = this.config.prefix;
    const f = (k: string) => (m[p + k] as number).toFixed(3);
    const lines = ['', '=== Validation Performance Summary ===', `Epoch time: ${(m[`${p}val_epoch_time`] as number).toFixed(2)}s`];
    if (count > 0) {
      lines.push(
        `Batch times: mean=${f('val_batch_mean')}s, median=${f('val_batch_median')}s, p95=${f('val_batch_p95')}s, ` +
          `p99=${f('val_batch_p99')}s, std=${f('val_batch_std')}s (n=${m[`${p}val_num_batches`]})`,
      );
    } else {
      lines.push('Batch times: no validation batches');
    }
    if (this.config.profileMemory) {
      const tfs = m[`${p}tf_num_tensors_start`];
      if (tfs !== undefined && Number.isFinite(tfs)) {
        lines.push(
          `tf memory: ${tfs} → ${m[`${p}tf_num_tensors_end`]} tensors, ` +
            `${formatValue(m[`${p}tf_memory_mb_start`]!)} → ${formatValue(m[`${p}tf_memory_mb_end`]!)} MB`,
        );
      }
      lines.push(`RSS: ${(m[`${p}rss_mb_start`] as number).toFixed(0)} → ${(m[`${p}rss_mb_end`] as number).toFixed(0)} MB`);
      const gpu = m[`${p}gpu_memory_gb`];
      if (gpu !== undefined) lines.push(`GPU memory: ${gpu.toFixed(2)}GB`);
    }
    lines.push(`${'='.repeat(40)}`, '');
    this.print(lines.join('\n'));
  }
}
