/**
 * {@link StepProfilerCallback}: what the PyTorch profiler schedule + TensorBoard trace viewer give
 * a Lightning user, for tfjs loops. It records, per training and validation batch, spans for
 * "data wait" and "step", and on a "data loader" track the batch's "load" and "transform" (when
 * a `DataLoader` under the `Trainer` measured them, so prefetch shows as overlap), after `warmupSteps`
 * and for at most `activeSteps` training steps; writes them as a Chrome trace (open in
 * `chrome://tracing` or https://ui.perfetto.dev); and at the end of training gives bottleneck
 * verdicts from the recorded time shares.
 *
 * Verdicts (each with the number behind it, logged under `prefix`):
 * - `input-bound`: data wait ≥ `inputBoundShare` of training-batch time (default 20%);
 * - `compute-bound`: otherwise — the step dominates;
 * - `validation-heavy`: validation takes ≥ `validationHeavyShare` of the run (default 30%),
 *   once at least one validation batch ran;
 * - `unstable-steps`: step p99 ÷ p50 ≥ `unstableRatio` (default 3: GC pauses, recompiles,
 *   memory pressure or contention), over at least {@link MIN_STEPS_FOR_STABILITY} recorded
 *   steps (below that the p99 is one outlier, not a tail).
 *
 * Per batch the callback appends a few numbers to arrays (no device sync); spans are built from
 * the loop's timings and the hook's `performance.now()`. Kernel events from a `CuptiTracer` (or
 * anything with `toChromeTrace()`) are merged into the trace when `gpuTrace` is given.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { configObject, parseConfig } from '../config/validate';
import { ensureOutputDir } from '../config/output_dir';
import { percentileSorted } from '../stats';
import type { BatchEndContext, Callback, RunState, Stage } from './protocol';

/** Serializable options (configs/callbacks/step_profiler.yaml). */
export const stepProfilerConfigSchema = z
  .object({
    /** Switch the callback on/off; off costs nothing. */
    enabled: z.boolean().default(true),
    /** Training steps skipped before recording (compilation and warm-up). */
    warmupSteps: z.number().int().min(0).default(1),
    /** Training steps recorded after the warm-up; 0 = every step. */
    activeSteps: z.number().int().min(0).default(0),
    /** Chrome trace file written at train end (parent folders created); omit for none. */
    traceFile: z.string().min(1).optional(),
    /** Most spans kept (older ones are not dropped: recording stops). */
    maxEvents: z.number().int().min(1).max(10_000_000).default(200_000),
    /** Data-wait share of training-batch time from which the run is input-bound. */
    inputBoundShare: z.number().gt(0).lt(1).default(0.2),
    /** Validation share of the run from which it is validation-heavy. */
    validationHeavyShare: z.number().gt(0).lt(1).default(0.3),
    /** Step p99 ÷ p50 from which step times are unstable. */
    unstableRatio: z.number().gt(1).default(3),
    /** Print the verdicts at train end. */
    verbose: z.boolean().default(true),
    /** Metric key prefix. */
    prefix: z.string().default('profiler/'),
  })
  .strict();

/** A source of GPU trace events in Chrome-trace form (e.g. `CuptiTracer`). */
export interface GpuTraceSource {
  toChromeTrace(): ReadonlyArray<object>;
}

/** Options of {@link StepProfilerCallback}. */
export interface StepProfilerOptions extends Partial<z.input<typeof stepProfilerConfigSchema>> {
  /** GPU events merged into the trace (read once, at train end). */
  gpuTrace?: GpuTraceSource;
  /** Console sink (default `console.log`). */
  print?: (line: string) => void;
}

/** One bottleneck verdict. */
export interface Verdict {
  kind: 'input-bound' | 'compute-bound' | 'validation-heavy' | 'unstable-steps';
  /** One sentence for people. */
  message: string;
  /** The number the verdict rests on (a share in [0, 1] or a ratio). */
  value: number;
}

/** What the profiler measured over the recorded steps. */
export interface StepProfile {
  recordedTrainSteps: number;
  recordedValidationBatches: number;
  /** Σ data wait ÷ Σ (data wait + step) over recorded training batches; NaN without any. */
  dataWaitShare: number;
  /** Validation wall time ÷ run wall time. */
  validationShare: number;
  /** Median training step time (ms) over recorded steps; NaN without any. */
  stepP50Ms: number;
  /** 99th-percentile training step time (ms) over recorded steps; NaN without any. */
  stepP99Ms: number;
  verdicts: Verdict[];
}

interface Span {
  stage: Stage;
  epoch: number;
  batch: number;
  /** ms (performance.now) at the end of the step. */
  end: number;
  wait: number;
  step: number;
  load: number;
  transform: number;
  transformWall: number;
  loadStart: number;
  transformStart: number;
}

const finiteOr0 = (v: number) => (Number.isFinite(v) ? v : 0);

/** Recorded training steps below which no `unstable-steps` verdict is given. */
export const MIN_STEPS_FOR_STABILITY = 10;

export class StepProfilerCallback implements Callback {
  readonly name = 'StepProfilerCallback';
  readonly enabled: boolean;
  readonly config: z.output<typeof stepProfilerConfigSchema>;
  /** The result, once training ended. */
  profile: StepProfile | undefined;
  private readonly print: (line: string) => void;
  private readonly gpuTrace: GpuTraceSource | undefined;
  private spans: Span[] = [];
  private trainSeen = 0;
  private runStart = 0;
  private valMs = 0;
  private valStart = 0;
  private valBatches = 0;

  constructor(options: StepProfilerOptions = {}) {
    const { gpuTrace, print, ...rest } = configObject(options, 'callbacks.stepProfiler');
    this.config = parseConfig(stepProfilerConfigSchema, rest, 'callbacks.stepProfiler');
    this.enabled = this.config.enabled;
    this.print = print ?? ((line) => console.log(line));
    this.gpuTrace = gpuTrace;
  }

  onTrainStart(): void {
    this.spans = [];
    this.trainSeen = 0;
    this.valMs = 0;
    this.valBatches = 0;
    this.profile = undefined;
    this.runStart = performance.now();
  }

  private recording(): boolean {
    const c = this.config;
    const n = this.trainSeen - c.warmupSteps;
    return n >= 0 && (c.activeSteps === 0 || n < c.activeSteps) && this.spans.length < c.maxEvents;
  }

  onTrainBatchEnd(_run: RunState, ctx: BatchEndContext): void {
    if (this.recording()) this.push(ctx);
    this.trainSeen++;
  }

  onValidationEpochStart(): void {
    this.valStart = performance.now();
  }

  onValidationBatchEnd(_run: RunState, ctx: BatchEndContext): void {
    this.valBatches++;
    if (this.trainSeen > this.config.warmupSteps && this.spans.length < this.config.maxEvents) this.push(ctx);
  }

  onValidationEpochEnd(): void {
    this.valMs += performance.now() - this.valStart;
  }

  private push(ctx: BatchEndContext): void {
    const t = ctx.timing;
    this.spans.push({
      stage: ctx.stage,
      epoch: ctx.epoch,
      batch: ctx.batchIdx,
      end: performance.now(),
      wait: finiteOr0(t.dataWaitMs),
      step: finiteOr0(t.stepMs),
      load: t.loadMs,
      transform: t.transformMs,
      transformWall: t.transformWallMs,
      loadStart: t.loadStartMs,
      transformStart: t.transformStartMs,
    });
  }

  onTrainEnd(run: RunState): void {
    const total = performance.now() - this.runStart;
    const train = this.spans.filter((s) => s.stage === 'train');
    const wait = train.reduce((a, s) => a + s.wait, 0);
    const step = train.reduce((a, s) => a + s.step, 0);
    const steps = train.map((s) => s.step).sort((a, b) => a - b);
    const c = this.config;
    const profile: StepProfile = {
      recordedTrainSteps: train.length,
      recordedValidationBatches: this.spans.length - train.length,
      dataWaitShare: wait + step > 0 ? wait / (wait + step) : Number.NaN,
      validationShare: total > 0 ? this.valMs / total : Number.NaN,
      stepP50Ms: steps.length ? percentileSorted(steps, 50) : Number.NaN,
      stepP99Ms: steps.length ? percentileSorted(steps, 99) : Number.NaN,
      verdicts: [],
    };
    const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
    if (Number.isFinite(profile.dataWaitShare)) {
      profile.verdicts.push(
        profile.dataWaitShare >= c.inputBoundShare
          ? {
              kind: 'input-bound',
              value: profile.dataWaitShare,
              message: `input-bound: training waits for data ${pct(profile.dataWaitShare)} of the time; prefetch more, move transforms to workers, or cache targets`,
            }
          : {
              kind: 'compute-bound',
              value: profile.dataWaitShare,
              message: `compute-bound: the step takes ${pct(1 - profile.dataWaitShare)} of training-batch time; data loading keeps up`,
            },
      );
    }
    // Without a validation batch the "validation" time is the hooks' own overhead.
    if (this.valBatches > 0 && profile.validationShare >= c.validationHeavyShare) {
      profile.verdicts.push({
        kind: 'validation-heavy',
        value: profile.validationShare,
        message: `validation-heavy: validation takes ${pct(profile.validationShare)} of the run; validate less often or on fewer batches`,
      });
    }
    const ratio = profile.stepP99Ms / profile.stepP50Ms;
    if (steps.length >= MIN_STEPS_FOR_STABILITY && Number.isFinite(ratio) && ratio >= c.unstableRatio) {
      profile.verdicts.push({
        kind: 'unstable-steps',
        value: ratio,
        message: `unstable steps: p99 step time is ${ratio.toFixed(1)}× the median (GC pauses, recompiles, memory pressure or contention)`,
      });
    }
    this.profile = profile;
    // A figure without data (NaN: no recorded steps) is left out rather than logged as NaN.
    const figures: Record<string, number> = {
      [`${c.prefix}data_wait_share`]: profile.dataWaitShare,
      [`${c.prefix}validation_share`]: profile.validationShare,
      [`${c.prefix}step_p50_ms`]: profile.stepP50Ms,
      [`${c.prefix}step_p99_ms`]: profile.stepP99Ms,
      [`${c.prefix}recorded_steps`]: profile.recordedTrainSteps,
    };
    run.logger.logMetrics(Object.fromEntries(Object.entries(figures).filter(([, v]) => Number.isFinite(v))), run.globalStep);
    if (c.verbose) for (const v of profile.verdicts) this.print(`[StepProfiler] ${v.message}`);
    if (c.traceFile) this.writeTrace(c.traceFile);
  }

  /** The recorded spans as Chrome trace events (microseconds since the run started). */
  chromeTraceEvents(): Array<Record<string, unknown>> {
    const us = (ms: number) => Math.round((ms - this.runStart) * 1000);
    const events: Array<Record<string, unknown>> = [
      { name: 'process_name', ph: 'M', pid: 1, tid: 0, args: { name: 'training loop' } },
      { name: 'thread_name', ph: 'M', pid: 1, tid: 1, args: { name: 'train' } },
      { name: 'thread_name', ph: 'M', pid: 1, tid: 2, args: { name: 'validation' } },
      { name: 'thread_name', ph: 'M', pid: 1, tid: 3, args: { name: 'data loader' } },
    ];
    for (const s of this.spans) {
      const tid = s.stage === 'train' ? 1 : 2;
      const args = { epoch: s.epoch, batch: s.batch, loadMs: s.load, transformMs: s.transform, transformWallMs: s.transformWall };
      const stepStart = s.end - s.step;
      if (s.wait > 0) {
        events.push({ name: 'data wait', cat: 'data', ph: 'X', pid: 1, tid, ts: us(stepStart - s.wait), dur: Math.round(s.wait * 1000), args });
      }
      events.push({ name: `${s.stage} step`, cat: 'step', ph: 'X', pid: 1, tid, ts: us(stepStart), dur: Math.round(s.step * 1000), args });
      // The loader's own spans (a DataLoader under the Trainer): with prefetch they run beside
      // earlier steps. A transform's span is its wall time; its own work is in the args.
      const dataArgs = { stage: s.stage, epoch: s.epoch, batch: s.batch };
      if (Number.isFinite(s.loadStart) && Number.isFinite(s.load)) {
        events.push({ name: 'load', cat: 'data', ph: 'X', pid: 1, tid: 3, ts: us(s.loadStart), dur: Math.round(s.load * 1000), args: dataArgs });
      }
      if (Number.isFinite(s.transformStart) && Number.isFinite(s.transformWall) && s.transformWall > 0) {
        events.push({
          name: 'transform',
          cat: 'data',
          ph: 'X',
          pid: 1,
          tid: 3,
          ts: us(s.transformStart),
          dur: Math.round(s.transformWall * 1000),
          args: { ...dataArgs, ownWorkMs: s.transform },
        });
      }
    }
    return events;
  }

  private writeTrace(file: string): void {
    const gpu = this.gpuTrace ? [...this.gpuTrace.toChromeTrace()] : [];
    const json = JSON.stringify({
      traceEvents: [...this.chromeTraceEvents(), ...gpu],
      displayTimeUnit: 'ms',
      otherData: { producer: 'ocr-perfkit StepProfilerCallback', verdicts: this.profile?.verdicts ?? [] },
    });
    ensureOutputDir(path.dirname(path.resolve(file)), 'callbacks.stepProfiler.traceFile');
    fs.writeFileSync(file, json);
  }
}
