/**
 * Turns a parsed {@link TrainConfig} into objects: trainer options, the enabled callbacks and
 * loggers. Runtime dependencies that cannot live in YAML (tf namespace, resource sampler,
 * polygon cache, console sink) are passed in `deps`.
 */
import { PerformanceProfilerCallback } from '../callbacks/performance_profiler';
import type { Callback } from '../callbacks/protocol';
import type { CacheStatsLike, ResourceSamplerLike } from '../callbacks/resources';
import { ResourceMonitorCallback, type ResourceSummarySource } from '../callbacks/resource_monitor';
import { type GpuTraceSource, StepProfilerCallback } from '../callbacks/step_profiler';
import { ThroughputMonitorCallback } from '../callbacks/throughput_monitor';
import { ConsoleLogger } from '../loggers/console';
import { JsonlLogger } from '../loggers/jsonl';
import { MlflowLogger } from '../loggers/mlflow';
import { PrometheusLogger } from '../loggers/prometheus';
import { TensorBoardLogger } from '../loggers/tensorboard/writer';
import type { FailureReporter, MetricsLogger } from '../loggers/types';
import type { TfLike } from '../trainer/tf';
import type { TrainerOptions } from '../trainer/trainer';
import type { TrainConfig } from './schemas';

/** Runtime objects the built callbacks and loggers use. */
export interface BuildDeps {
  /** Your tf namespace (trainer, tf.memory for the profiler). Default: loaded lazily. */
  tf?: TfLike;
  /** GPU memory source for the profiler (e.g. a started `ResourceSampler`). */
  sampler?: ResourceSamplerLike;
  /** Polygon cache (or anything with `stats().bytes`) for the throughput monitor's cache memory. */
  cache?: CacheStatsLike;
  /** Console sink for loggers and verbose callbacks. */
  print?: (line: string) => void;
  /** Bytes held by the dataset, for the throughput monitor. */
  datasetBytes?: () => number;
  /** Failure reporter handed to the trainer. */
  report?: FailureReporter;
  /** A started `ResourceSampler`, for the resource monitor (skipped without one). */
  resourceSummary?: ResourceSummarySource;
  /** GPU events for the step profiler's trace (e.g. a started `CuptiTracer`). */
  gpuTrace?: GpuTraceSource;
  /** Extra callbacks appended after the configured ones (e.g. a PolygonCacheLogger). */
  extraCallbacks?: readonly Callback[];
}

/** What {@link buildFromConfig} returns. */
export interface BuiltTraining {
  trainerOptions: TrainerOptions;
  callbacks: Callback[];
  loggers: MetricsLogger[];
}

function withoutEnabled<T extends { enabled?: boolean }>(o: T): Omit<T, 'enabled'> {
  const { enabled: _e, ...rest } = o;
  return rest;
}

/** Builds callbacks, loggers and trainer options from a parsed config. */
export function buildFromConfig(cfg: TrainConfig, deps: BuildDeps = {}): BuiltTraining {
  const callbacks: Callback[] = [];
  const pp = cfg.callbacks.performanceProfiler;
  if (pp?.enabled) {
    callbacks.push(new PerformanceProfilerCallback({ ...pp, tf: deps.tf, sampler: deps.sampler, print: deps.print }));
  }
  const tm = cfg.callbacks.throughputMonitor;
  if (tm?.enabled) {
    callbacks.push(
      new ThroughputMonitorCallback({ ...tm, cache: deps.cache, datasetBytes: deps.datasetBytes, print: deps.print }),
    );
  }
  const sp = cfg.callbacks.stepProfiler;
  if (sp?.enabled) callbacks.push(new StepProfilerCallback({ ...sp, gpuTrace: deps.gpuTrace, print: deps.print }));
  const rm = cfg.callbacks.resourceMonitor;
  if (rm?.enabled && deps.resourceSummary) {
    callbacks.push(new ResourceMonitorCallback({ ...rm, sampler: deps.resourceSummary, print: deps.print }));
  }
  callbacks.push(...(deps.extraCallbacks ?? []));

  const loggers: MetricsLogger[] = [];
  const l = cfg.loggers;
  if (l.console?.enabled) loggers.push(new ConsoleLogger({ ...withoutEnabled(l.console), print: deps.print }));
  if (l.jsonl?.enabled) loggers.push(new JsonlLogger(withoutEnabled(l.jsonl)));
  if (l.tensorboard?.enabled) loggers.push(new TensorBoardLogger(withoutEnabled(l.tensorboard)));
  if (l.mlflow?.enabled) loggers.push(new MlflowLogger(withoutEnabled(l.mlflow)));
  if (l.prometheus?.enabled) loggers.push(new PrometheusLogger(withoutEnabled(l.prometheus)));

  return {
    trainerOptions: { ...cfg.trainer, callbacks, loggers, tf: deps.tf, report: deps.report },
    callbacks,
    loggers,
  };
}
