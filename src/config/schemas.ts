/**
 * The whole training config (`configs/train.yaml`): trainer, data loader, callbacks and loggers.
 * Each part reuses the schema of the class it configures, so a config file and a constructor
 * call accept exactly the same keys.
 */
import { z } from 'zod';
import { performanceProfilerConfigSchema } from '../callbacks/performance_profiler';
import { polygonCacheLoggerConfigSchema } from '../callbacks/polygon_cache_logger';
import { resourceMonitorConfigSchema } from '../callbacks/resource_monitor';
import { stepProfilerConfigSchema } from '../callbacks/step_profiler';
import { throughputMonitorConfigSchema } from '../callbacks/throughput_monitor';
import { consoleLoggerConfigSchema } from '../loggers/console';
import { jsonlLoggerConfigSchema } from '../loggers/jsonl';
import { mlflowLoggerConfigSchema } from '../loggers/mlflow';
import { prometheusLoggerConfigSchema } from '../loggers/prometheus';
import { tensorBoardLoggerConfigSchema } from '../loggers/tensorboard/writer';
import { dataLoaderConfigSchema } from '../trainer/data_loader';
import { trainerConfigSchema } from '../trainer/schema';

const enabled = { enabled: z.boolean().default(true) };

/** `loggers:` block. A logger is built when its block is present and `enabled` is true. */
export const loggersConfigSchema = z
  .object({
    console: consoleLoggerConfigSchema.extend(enabled).optional(),
    jsonl: jsonlLoggerConfigSchema.extend(enabled).optional(),
    tensorboard: tensorBoardLoggerConfigSchema.extend(enabled).optional(),
    mlflow: mlflowLoggerConfigSchema.extend(enabled).optional(),
    prometheus: prometheusLoggerConfigSchema.extend(enabled).optional(),
  })
  .strict()
  .default({});

/** `callbacks:` block. */
export const callbacksConfigSchema = z
  .object({
    performanceProfiler: performanceProfilerConfigSchema.optional(),
    throughputMonitor: throughputMonitorConfigSchema.optional(),
    stepProfiler: stepProfilerConfigSchema.optional(),
    /** Built only when a sampler is passed to buildFromConfig (`BuildDeps.resourceSummary`). */
    resourceMonitor: resourceMonitorConfigSchema.optional(),
    /**
     * Options of the polygon-cache logger (validated here; the caller builds that callback since
     * it needs the cache object, see `BuildDeps.extraCallbacks` in build.ts).
     */
    polygonCacheLogger: polygonCacheLoggerConfigSchema.optional(),
  })
  .strict()
  .default({});

/** `data:` block. */
export const dataConfigSchema = dataLoaderConfigSchema
  .extend({
    /** Samples per batch. */
    batchSize: z.number().int().min(1).default(8),
    /**
     * Worker threads for the transform (used by `ocr-perfkit train`: DB targets and batch
     * packing, sharing the native polygon cache); 0 = transform on the main thread.
     */
    workers: z.number().int().min(0).max(256).default(0),
  })
  .strict()
  .default({ prefetch: 2, batchSize: 8, workers: 0 });

/** The whole file. */
export const trainConfigSchema = z
  .object({
    /** Files merged under this one (paths relative to it), e.g. `callbacks/throughput_monitor.yaml`. */
    include: z.array(z.string().min(1)).default([]),
    trainer: trainerConfigSchema.default(trainerConfigSchema.parse({})),
    data: dataConfigSchema,
    callbacks: callbacksConfigSchema,
    loggers: loggersConfigSchema,
  })
  .strict();

/** Parsed training config. */
export type TrainConfig = z.output<typeof trainConfigSchema>;
