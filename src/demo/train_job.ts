/**
 * The main job (`ocr-perfkit train`): trains a small DBNet on synthetic receipt pages with every
 * callback on — performance profiler, throughput monitor, polygon cache logger, a native
 * resource sampler — logs to the console, JSONL and TensorBoard, evaluates detection quality
 * on held-out pages, and writes `report.html`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { PolygonCacheLoggerCallback } from '../callbacks/polygon_cache_logger';
import { ResourceMonitorCallback } from '../callbacks/resource_monitor';
import { StepProfilerCallback, type Verdict } from '../callbacks/step_profiler';
import { buildFromConfig, loadTrainConfig } from '../config';
import { parseConfig } from '../config/validate';
import { ensureOutputDir } from '../config/output_dir';
import { isOcrPerfkitError } from '../errors';
import { MemoryLogger } from '../loggers';
import { ResourceSampler } from '../monitor';
import { addonLocation, packageRoot } from '../native';
import { greyToPng } from '../report/png';
import { type GpuSeries, renderTrainingReport, type TrainingReportData } from '../report/training_report';
import { makeDbTargets } from '../targets';
import { DataLoader } from '../trainer/data_loader';
import { STOP_SIGNALS } from '../trainer/signals';
import { Trainer } from '../trainer/trainer';
import { WorkerPool } from '../trainer/worker_pool';
import { dbLoss } from './db_loss';
import { buildDbNet } from './dbnet';
import { evaluatePages, type PageEvaluation } from './evaluate';
import {
  type DbBatch,
  DEMO_CACHE_NAME,
  demoCache,
  makeTargetsTransform,
  makeWorkerTargetsTransform,
  type PackedBatch,
  type PageBatch,
  pageBatches,
  type WorkerBatchInput,
} from './pages';
import { type CollectedEpoch, ReportCollector } from './report_collector';
import { makeSyntheticReceipt } from './synthetic_receipts';
import { useFastCpuKernels } from '../tfjs/fast_cpu_kernels';
import { cosineLearningRate, type MutableRateOptimizer } from './cosine_lr';
import { loadTfjs } from './tfjs';

/** Byte bound of the demo's polygon cache. */
const DEMO_CACHE_BYTES = 256 * 1024 * 1024;

/** Options of the main job (`job.*` keys on the command line). */
export const trainJobSchema = z
  .object({
    /** Output folder (metrics.jsonl, tb/, report.html). Default `runs/<timestamp>`. */
    outDir: z.string().min(1).optional(),
    /** Page width in pixels (multiple of 8). */
    width: z.number().int().min(32).max(1024).multipleOf(8).default(96),
    /** Page height in pixels (multiple of 8). */
    height: z.number().int().min(32).max(1024).multipleOf(8).default(128),
    /** Training pages (fixed set, revisited every epoch: the cache serves epochs 2+). */
    trainPages: z.number().int().min(1).max(100000).default(32),
    /** Validation pages. */
    valPages: z.number().int().min(1).max(10000).default(8),
    /** Channels of the first DBNet stage. */
    baseChannels: z.number().int().min(2).max(64).default(4),
    /**
     * Peak Adam learning rate: the first epoch's, decaying along a half cosine towards 0 by the
     * last (see `cosine_lr.ts`). Measured on the default job: 0.005 trains smoothly over 30
     * epochs; at a constant 0.02 (the old default) the loss blew up after ~6 epochs.
     */
    learningRate: z.number().positive().max(1).default(0.005),
    /** Seed of data and weights. */
    seed: z.number().int().min(0).default(7),
    /** Sampling interval of the native resource sampler, ms. */
    samplerIntervalMs: z.number().int().min(10).default(100),
    /** Package to load tfjs from (default: tfjs-node-gpu, tfjs-node, then tfjs). */
    tfjsPackage: z.string().optional(),
    /**
     * On tfjs's pure-JS `cpu` backend, run with {@link useFastCpuKernels}'s kernels (bit-identical
     * results, steps about 20× shorter, and a bilinear-resize gradient that works for
     * non-square images; put back when the job ends). No effect on other backends. Default true.
     */
    fastCpuKernels: z.boolean().default(true),
    /**
     * Binarization threshold of the probability map when extracting boxes (DB `thresh`, 0.3 in
     * DB's configs). A minute of CPU training leaves soft maps in which neighbouring words join
     * at 0.3, hence 0.5 (measured on the default job, 120 steps: hmean 0.82 at 0.5, 0.55 at 0.3).
     */
    thresh: z.number().gt(0).lt(1).default(0.5),
    /**
     * Minimum mean probability inside a box to keep it (DB `box_thresh`). DB's configs use 0.6–0.7
     * for well-trained models; a minute of CPU training gives softer maps, hence 0.5.
     */
    boxThresh: z.number().gt(0).lt(1).default(0.5),
    /** Validation pages drawn in the report. */
    examplePages: z.number().int().min(0).max(16).default(3),
  })
  .strict();
export type TrainJobOptions = z.output<typeof trainJobSchema>;

/** What the job produced. */
export interface TrainJobResult {
  outDir: string;
  reportPath: string;
  evaluation: PageEvaluation;
  epochs: number;
  durationMs: number;
}

function mean(v: number[]): number {
  const f = v.filter(Number.isFinite);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : Number.NaN;
}

function quantile(v: number[], q: number): number {
  const f = v.filter(Number.isFinite).sort((a, b) => a - b);
  if (f.length === 0) return Number.NaN;
  return f[Math.min(f.length - 1, Math.floor(q * (f.length - 1)))]!;
}

/**
 * Runs the job. `configFile` and `overrides` configure the trainer, callbacks and loggers
 * (see configs/train.yaml); `job` holds the job's own options.
 */
export async function runTrainJob(args: {
  job?: Record<string, unknown>;
  configFile?: string;
  overrides?: string[];
  print?: (line: string) => void;
}): Promise<TrainJobResult> {
  const print = args.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const job = parseConfig(trainJobSchema, args.job ?? {}, 'job');
  const outDir = path.resolve(job.outDir ?? path.join('runs', new Date().toISOString().replace(/[:.]/g, '-')));
  ensureOutputDir(outDir, 'job.outDir');
  const started = new Date();
  const t0 = performance.now();

  const { tf, packageName } = loadTfjs(job.tfjsPackage);
  await tf.ready();

  const shipped = path.join(packageRoot, 'configs', 'train.yaml');
  const config = loadTrainConfig({
    file: args.configFile ?? (fs.existsSync(shipped) ? shipped : undefined),
    // The job's defaults: every callback on, all file sinks under outDir. The config file's
    // values lose to these; command-line overrides win over both.
    values: {
      callbacks: {
        performanceProfiler: { enabled: true },
        throughputMonitor: { enabled: true },
        stepProfiler: { enabled: true, traceFile: path.join(outDir, 'trace.json') },
        resourceMonitor: { enabled: true },
        polygonCacheLogger: { enabled: true },
      },
      trainer: { maxEpochs: 30, logEveryNSteps: 4 },
      data: { batchSize: 4, prefetch: 2 },
      loggers: {
        console: { enabled: true, every: 1 },
        jsonl: { enabled: true, path: path.join(outDir, 'metrics.jsonl'), truncate: true },
        tensorboard: { enabled: true, logDir: path.join(outDir, 'tb') },
      },
    },
    overrides: args.overrides,
  });

  const sampler = new ResourceSampler({ intervalMs: job.samplerIntervalMs });
  const samplerStart = sampler.now();
  await sampler.start();
  const cache = demoCache(DEMO_CACHE_BYTES);
  cache.clear();
  const collector = new ReportCollector();
  const memory = new MemoryLogger();
  const optimizer = tf.train.adam(job.learningRate);
  const built = buildFromConfig(config, {
    tf,
    cache,
    print,
    sampler: {
      latest() {
        const s = sampler.latest();
        const g = s?.gpus[0];
        return g ? { gpuMemoryUsedBytes: g.memoryUsedBytes ?? undefined, gpuMemoryTotalBytes: g.memoryTotalBytes ?? undefined } : undefined;
      },
    },
    resourceSummary: sampler,
    extraCallbacks: [
      new PolygonCacheLoggerCallback({ ...config.callbacks.polygonCacheLogger, cache, print }),
      collector,
      // tfjs types `learningRate` as protected; Adam reads the field at every step.
      cosineLearningRate(optimizer as unknown as MutableRateOptimizer, job.learningRate, config.trainer.maxEpochs),
    ],
  });

  const trainSeeds = Array.from({ length: job.trainPages }, (_, i) => job.seed * 100000 + i);
  const valSeeds = Array.from({ length: job.valPages }, (_, i) => job.seed * 100000 + 50000 + i);
  const batchSize = config.data.batchSize;
  // data.workers > 0: targets and packing on worker threads sharing the named cache; else the
  // targets on the native pool and the packing on the main thread.
  const workers = config.data.workers;
  const pool =
    workers > 0
      ? new WorkerPool<WorkerBatchInput, PackedBatch>({
          module: path.join(packageRoot, 'dist', 'demo', 'targets_worker.js'),
          exportName: 'transform',
          size: workers,
        })
      : undefined;
  const transform = pool
    ? makeWorkerTargetsTransform(tf, job.width, job.height, { name: DEMO_CACHE_NAME, maxBytes: DEMO_CACHE_BYTES }, pool)
    : makeTargetsTransform(tf, job.width, job.height, cache);
  const loader = (seeds: number[]) =>
    new DataLoader<PageBatch, DbBatch>({
      source: pageBatches({ width: job.width, height: job.height, seeds, batchSize }),
      transform,
      prefetch: config.data.prefetch,
    });

  const model = buildDbNet(tf, { height: job.height, width: job.width, baseChannels: job.baseChannels, seed: job.seed });
  const trainer = new Trainer({ ...built.trainerOptions, loggers: [...built.loggers, memory] });
  // Put back in the finally below: the job may run inside someone else's process.
  const cpuKernels = job.fastCpuKernels && tf.getBackend() === 'cpu' ? useFastCpuKernels(tf) : undefined;
  print(
    `ocr-perfkit train: tiny DBNet (${model.countParams()} parameters) on ${job.trainPages} synthetic receipt pages ` +
      `${job.width}×${job.height}, ${config.trainer.maxEpochs} epochs, tfjs ${packageName} (${tf.getBackend()}` +
      `${cpuKernels?.installed.length ? `, ocr-perfkit's ${cpuKernels.installed.join('/')} kernels` : ''})`,
  );
  // Ctrl-C while training: the Trainer stops after the current batch (gracefulSignals). As the job
  // listens too, fit rejects with ERR_INTERRUPTED instead of ending the process, and the job still
  // evaluates the model as trained so far and writes the report. A second Ctrl-C quits at once.
  let signalsSeen = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signalsSeen > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
    print(`${signal}: stopping after this batch, then evaluating and writing the report (again to quit now)`);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  let fitError: unknown;
  let fit: Awaited<ReturnType<Trainer['fit']>> | undefined;
  let evaluation: PageEvaluation;
  let durationMs: number;
  let reportPath: string;
  try {
    try {
      fit = await trainer.fit({
        trainData: loader(trainSeeds),
        valData: loader(valSeeds),
        model,
        optimizer,
        loss: (yTrue, yPred) => dbLoss(tf, yTrue as never, yPred as never),
        params: { ...job, model: 'tiny_dbnet', tfjs: packageName },
      });
    } catch (err) {
      fitError = err;
    }
    await sampler.stop();
    await pool?.close();

    evaluation = await evaluatePages(tf, model, {
      width: job.width,
      height: job.height,
      seeds: valSeeds,
      examples: job.examplePages,
      thresh: job.thresh,
      boxThresh: job.boxThresh,
    });
    // Native DB target time per page, measured on its own (inside training, the transform's wall
    // time also counts the wait for the JS thread, which the synchronous train step holds).
    const targetsMs = valSeeds.map((seed) => {
      const page = makeSyntheticReceipt({ width: job.width, height: job.height, seed });
      const t = performance.now();
      makeDbTargets(page.words, { width: job.width, height: job.height });
      return performance.now() - t;
    });
    const samples = sampler.samples(samplerStart);
    const sources = sampler.sources();
    await sampler.close();
    optimizer.dispose();

    durationMs = performance.now() - t0;
    const data = buildReportData({
      job,
      started,
      durationMs,
      outDir,
      packageName,
      backend: tf.getBackend(),
      collector,
      memory,
      evaluation,
      cacheStats: cache.stats(),
      samples: samples.map((s) => ({
        t: (s.t - samplerStart) / 1000,
        cpu: s.host.cpuPercent ?? Number.NaN,
        rss: (s.host.rssBytes ?? Number.NaN) / 2 ** 20,
      })),
      gpus: sources.devices.map((d) => {
        const rows = samples.map((s) => s.gpus.find((g) => g.slot === d.slot));
        const mb = (v: number | null | undefined) => (v ?? Number.NaN) / 2 ** 20;
        return {
          name: `GPU ${d.slot} · ${d.name}`,
          utilizationPercent: rows.map((g) => g?.utilizationGpu ?? Number.NaN),
          memoryUsedMb: rows.map((g) => mb(g?.memoryUsedBytes)),
          processMemoryMb: rows.map((g) => mb(g?.processMemoryBytes)),
          powerWatts: rows.map((g) => g?.powerWatts ?? Number.NaN),
        };
      }),
      gpuNote: sources.nvml.available ? `${sources.devices.length} GPU(s) sampled through NVML` : `GPU: ${sources.nvml.reason}`,
      params: model.countParams(),
      targetsMsPerPage: quantile(targetsMs, 0.5),
      profilerVerdicts: built.callbacks.find((c) => c instanceof StepProfilerCallback)?.profile?.verdicts ?? [],
      alerts: (built.callbacks.find((c) => c instanceof ResourceMonitorCallback)?.alerts ?? []).map(
        (a) => `Resource alert in epoch ${a.epoch + 1} (${a.kind}): ${a.message}.`,
      ),
      fitError,
    });
    reportPath = path.join(outDir, 'report.html');
    fs.writeFileSync(reportPath, renderTrainingReport(data));
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    cpuKernels?.restore();
  }
  model.dispose();
  if (fitError) {
    print(`report of the run so far: ${reportPath}`);
    throw fitError;
  }
  print(
    `done in ${(durationMs / 1000).toFixed(1)} s — hmean ${evaluation.hmean.toFixed(3)} ` +
      `(precision ${evaluation.precision.toFixed(3)}, recall ${evaluation.recall.toFixed(3)}) on ${job.valPages} validation pages`,
  );
  print(`report: ${reportPath}`);
  return { outDir, reportPath, evaluation, epochs: fit?.epochs ?? 0, durationMs };
}

interface ReportInputs {
  job: TrainJobOptions;
  started: Date;
  durationMs: number;
  outDir: string;
  packageName: string;
  backend: string;
  collector: ReportCollector;
  memory: MemoryLogger;
  evaluation: PageEvaluation;
  cacheStats: { hits: number; misses: number; hitRate: number; bytes: number; entries: number };
  samples: Array<{ t: number; cpu: number; rss: number }>;
  gpus: GpuSeries[];
  gpuNote: string;
  params: number;
  targetsMsPerPage: number;
  profilerVerdicts: Verdict[];
  alerts: string[];
  fitError: unknown;
}

/**
 * The data transform's own work per batch (DB targets + packing; not its wall time, which waits
 * for the JS thread the step holds), first epoch against the later ones that hit the cache.
 */
function transformVerdict(epochs: CollectedEpoch[], stepP50: number): string | undefined {
  const first = epochs[0]?.transformMs.filter(Number.isFinite) ?? [];
  const later = epochs.slice(1).flatMap((e) => e.transformMs.filter(Number.isFinite));
  if (first.length === 0) return undefined;
  const ms = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;
  const after = later.length > 0 ? `, ${ms(quantile(later, 0.5))} in later epochs (polygon-cache hits)` : '';
  return `Data transform (DB targets and packing, its own work): ${ms(quantile(first, 0.5))} per batch in epoch 1${after}, against a ${ms(stepP50)} train step (p50s).`;
}

function buildReportData(r: ReportInputs): TrainingReportData {
  const epochs = r.collector.epochs;
  const allWait = epochs.flatMap((e) => e.dataWaitMs);
  const allStep = epochs.flatMap((e) => e.stepMs);
  const waitShare = mean(allWait) / (mean(allWait) + mean(allStep));
  const samplesPerSec = epochs.map((e) => (e.trainMs > 0 ? (e.trainSamples / e.trainMs) * 1000 : Number.NaN));
  // Bottleneck verdicts from the step profiler (recorded after its warm-up step).
  const verdicts = r.profilerVerdicts.map((v) => `${v.message.charAt(0).toUpperCase()}${v.message.slice(1)}.`);
  if (r.profilerVerdicts.some((v) => v.kind === 'compute-bound')) {
    verdicts.push(
      `Native DB targets cost ${r.targetsMsPerPage.toFixed(2)} ms per page; with prefetch they stay off the critical path.`,
    );
  }
  verdicts.push(...r.alerts);
  if (r.evaluation.nonFinitePages > 0) {
    verdicts.push(
      `The model output NaN or Infinity on ${r.evaluation.nonFinitePages} of ${r.job.valPages} validation pages (its loss diverged?): no boxes were taken from those pages.`,
    );
  }
  if (r.cacheStats.hits + r.cacheStats.misses > 0) {
    verdicts.push(
      `Polygon cache: ${(r.cacheStats.hitRate * 100).toFixed(0)}% of DB target lookups were hits (${r.cacheStats.entries} pages, ${(r.cacheStats.bytes / 2 ** 20).toFixed(1)} MiB) — epochs after the first reuse the native targets.`,
    );
  }
  const transformLine = transformVerdict(epochs, quantile(allStep, 0.5));
  if (transformLine) verdicts.push(transformLine);
  if (isOcrPerfkitError(r.fitError, 'ERR_INTERRUPTED')) {
    const what = r.fitError.message.replace(/^t/, 'T'); // "Training interrupted by SIGINT after n steps"
    verdicts.push(`${what}; the figures are for the model as it was then.`);
  } else if (r.fitError) verdicts.push(`Training stopped with an error: ${(r.fitError as Error).message ?? String(r.fitError)}`);
  const trainLoss = r.memory.records
    .filter((rec) => Number.isFinite(rec.metrics['train/loss']))
    .map((rec) => [rec.step, rec.metrics['train/loss']!] as [number, number]);
  const ev = r.evaluation;
  const tone = (v: number, good: number, warn: number) => (v >= good ? 'good' : v >= warn ? 'warn' : 'bad');
  return {
    title: 'ocr-perfkit · tiny DBNet on synthetic receipts',
    startedAt: r.started,
    durationMs: r.durationMs,
    kpis: [
      { label: 'hmean', value: ev.hmean.toFixed(3), hint: `IoU ≥ 0.5 on ${r.job.valPages} held-out pages`, tone: tone(ev.hmean, 0.6, 0.3) },
      { label: 'precision / recall', value: `${ev.precision.toFixed(2)} / ${ev.recall.toFixed(2)}`, hint: `${ev.matched} of ${ev.groundTruth} words found` },
      { label: 'throughput', value: `${mean(samplesPerSec).toFixed(1)} pages/s`, hint: 'training, mean over epochs' },
      { label: 'train step', value: `${quantile(allStep, 0.5).toFixed(0)} ms`, hint: `p50 per batch; p95 ${quantile(allStep, 0.95).toFixed(0)} ms` },
      {
        label: 'waiting for data',
        value: `${(waitShare * 100).toFixed(1)}%`,
        hint: 'share of batch time',
        tone: waitShare > 0.2 ? 'bad' : waitShare > 0.05 ? 'warn' : 'good',
      },
      {
        label: 'DB targets',
        value: `${r.targetsMsPerPage.toFixed(2)} ms`,
        hint: `per ${r.job.width}×${r.job.height} page, native, one thread (p50)`,
      },
      { label: 'cache hit rate', value: `${(r.cacheStats.hitRate * 100).toFixed(0)}%`, hint: `${r.cacheStats.hits} hits, ${r.cacheStats.misses} misses` },
      { label: 'parameters', value: r.params.toLocaleString('en-US'), hint: `${r.packageName} · ${r.backend} backend` },
    ],
    verdicts,
    trainLoss,
    epochs: epochs.map((e, i) => ({
      epoch: e.epoch,
      samplesPerSec: samplesPerSec[i]!,
      dataWaitMs: mean(e.dataWaitMs),
      stepMs: mean(e.stepMs),
      trainLoss: e.metrics.loss ?? Number.NaN,
      valLoss: e.metrics.val_loss ?? Number.NaN,
    })),
    valBatchTimesMs: r.collector.valBatchMs,
    trainStepTimesMs: allStep,
    resources: {
      tSec: r.samples.map((s) => s.t),
      cpuPercent: r.samples.map((s) => s.cpu),
      rssMb: r.samples.map((s) => s.rss),
      gpus: r.gpus,
    },
    examples: ev.examples.map((x) => {
      const page = makeSyntheticReceipt({ width: r.job.width, height: r.job.height, seed: x.seed });
      return {
        width: r.job.width,
        height: r.job.height,
        imagePng: greyToPng(r.job.width, r.job.height, page.image),
        probPng: greyToPng(r.job.width, r.job.height, x.prob),
        groundTruth: page.words.map((w) => ({ points: w.points, ignore: w.ignore })),
        predictions: x.boxes,
        caption: `page ${x.seed}: ${x.boxes.length} boxes predicted, ${x.matched}/${x.groundTruth} words matched`,
      };
    }),
    environment: [
      ['node', `${process.version} ${process.platform}-${process.arch}`],
      ['CPU', `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`],
      ['tfjs', `${r.packageName} (${r.backend} backend)`],
      ['addon', `${addonLocation().kind}: ${addonLocation().file}`],
      ['GPU', r.gpuNote],
    ],
    config: Object.entries(r.job).map(([k, v]) => [`job.${k}`, String(v)] as [string, string]),
    artifacts: [
      ['metrics (JSONL)', path.join(r.outDir, 'metrics.jsonl')],
      ['Chrome trace (chrome://tracing, ui.perfetto.dev)', path.join(r.outDir, 'trace.json')],
      ['TensorBoard', `tensorboard --logdir ${path.join(r.outDir, 'tb')}`],
      ['this report', path.join(r.outDir, 'report.html')],
    ],
    notes: [
      'The model is deliberately tiny so the job runs on the pure-JS CPU backend in about a minute on two cores; install @tensorflow/tfjs-node for speed.',
      'DB targets are generated in exact mode by the native addon and memoized per page in the shared polygon cache.',
    ],
  };
}
