/**
 * {@link toTfjsCallbacks}: drives ocr-perfkit callbacks from tfjs `model.fit` / `model.fitDataset`.
 *
 * ```ts
 * const adapter = toTfjsCallbacks([profiler, throughput], { tf, loggers: [new ConsoleLogger()] });
 * await adapter.watch(model.fitDataset(trainDs, {
 *   epochs: 3,
 *   validationData: adapter.wrapValidation(valDs), // per-validation-batch hooks
 *   callbacks: adapter.callbacks,
 * }));
 * ```
 *
 * **What tfjs calls** (read from tfjs-layers 4.22 `engine/training.js`, `training_dataset.js`,
 * `base_callbacks.js`; the same code paths exist since tfjs 1.x, so the adapter supports the
 * package's peer range `>=4.10 <5` and is tested against 4.22):
 *
 * - `fit`/`fitDataset` call `onTrainBegin`, `onEpochBegin(epoch)`, `onBatchBegin(batch, {batch,
 *   size})`, `onBatchEnd(batch, logs)`, `onEpochEnd(epoch, logs)`, `onTrainEnd`, awaiting each.
 * - There is no validation-batch hook. `fitDataset` with a `Dataset` as `validationData` runs
 *   `model.evaluateDataset(validationData)`, which calls `validationData.iterator()` once and
 *   then `next()` once per batch, evaluating each batch synchronously between two `next()`
 *   calls. {@link TfjsCallbackAdapter.wrapValidation} wraps the dataset so that `iterator()`
 *   starts the validation epoch, each `next()` result starts a batch, the following `next()` (or
 *   the epoch end, when `validationBatches` stops early) ends it. So validation batch time is
 *   the evaluation of that batch; `dataWaitMs` is the `next()` itself.
 * - `fit` with tensors runs validation inside the last training batch (between its
 *   `onBatchBegin` and `onBatchEnd`) with no hook at all: no validation hooks fire and that
 *   batch's `stepMs` includes validation. Use `fitDataset` (e.g. `tf.data.array`) or the
 *   {@link Trainer} when you need validation timing.
 * - Plain callback objects are wrapped by tfjs in a `CustomCallback`, which reads every tensor in
 *   the logs (`await t.data()`, a device sync) before calling a defined hook, i.e. once per batch
 *   for `onBatchEnd`. Pass `options.tf` (your tfjs namespace) and `adapter.callbacks` is instead
 *   an instance of a `tf.Callback` subclass, which tfjs calls directly: no per-batch read. Epoch
 *   logs are read once per epoch (`resolveEpochLogs`, default on) to fill `metrics`.
 *
 * A callback that sets `run.shouldStop` stops `model.fit` after the current batch: the adapter
 * sets `model.stopTraining`, which tfjs checks after each batch and epoch. It reaches the model
 * through tfjs's `setModel` when `options.tf` is given, else through `options.model`; with
 * neither, one warning says the request cannot be honoured.
 *
 * Timings under fit: `dataWaitMs` = previous `onBatchEnd` → `onBatchBegin` (includes the dataset's
 * `next()`); `stepMs` = `onBatchBegin` → `onBatchEnd` (dispatch time on async backends);
 * `loadMs`/`transformMs` are `NaN` (wrap your data in a {@link DataLoader} and use the Trainer
 * for those).
 */
import { z } from 'zod';
import { configObject, describeValue, parseConfig } from '../config/validate';
import { isOcrPerfkitError, OcrPerfkitError, OcrPerfkitTypeError } from '../errors';
import { LoggerGroup } from '../loggers/group';
import type { FailureReporter, MetricsLogger, RunStatus } from '../loggers/types';
import { SignalStop } from '../trainer/signals';
import { isTensor, leadingDim } from '../trainer/tf';
import {
  type BatchContext,
  type Callback,
  CallbackRunner,
  type EpochEndContext,
  type HookResult,
  type RunState,
  reportedSamples,
} from './protocol';

/** The plain-object callback shape tfjs `fit` accepts. */
export interface TfjsPlainCallbacks {
  onTrainBegin(logs?: unknown): Promise<void>;
  onTrainEnd(logs?: unknown): Promise<void>;
  onEpochBegin(epoch: number, logs?: unknown): Promise<void>;
  onEpochEnd(epoch: number, logs?: Record<string, unknown>): Promise<void>;
  onBatchBegin(batch: number, logs?: Record<string, unknown>): Promise<void>;
  onBatchEnd(batch: number, logs?: Record<string, unknown>): Promise<void>;
}

/** A tfjs `Dataset` as far as `evaluateDataset` uses it. */
export interface DatasetLike<T = unknown> {
  iterator(): Promise<{ next(): Promise<IteratorResult<T>> }>;
  readonly size?: number | null;
}

/** Serializable options of {@link toTfjsCallbacks}. */
export const tfjsAdapterConfigSchema = z
  .object({
    /** Read tensor values of the epoch logs once per epoch into `metrics` (default true). */
    resolveEpochLogs: z.boolean().default(true),
    /** Epoch count, for `run.maxEpochs` (tfjs does not tell callbacks). */
    maxEpochs: z.number().int().min(1).optional(),
    /** Close the loggers at train end (default true; false keeps them open for another fit). */
    closeLoggers: z.boolean().default(true),
    /**
     * On SIGINT/SIGTERM during `fit`, when the adapter can reach the model (`tf` or `model`
     * given): stop after the current batch, run `onException` (`ERR_INTERRUPTED`), close the
     * loggers as `killed`, then let the signal end the process (or, when the program listens
     * for it itself, `watch` rejects with `ERR_INTERRUPTED`). false: signals are left alone.
     */
    gracefulSignals: z.boolean().default(true),
  })
  .strict();

/** Options of {@link toTfjsCallbacks}. */
export interface TfjsAdapterOptions extends Partial<z.input<typeof tfjsAdapterConfigSchema>> {
  /** Your tfjs namespace; when given, `callbacks` is a `tf.Callback` subclass (no per-batch reads). */
  tf?: { Callback: abstract new () => object };
  /** Metric sinks handed to the callbacks as `run.logger`; closed on train end. */
  loggers?: readonly MetricsLogger[];
  /** First-failure reporter for callbacks and sinks (default: `process.emitWarning`). */
  report?: FailureReporter;
  /**
   * The model being fit, so that a callback setting `run.shouldStop` stops `model.fit` (the
   * adapter sets `model.stopTraining`, which tfjs checks after each batch). Not needed with
   * `tf`: tfjs hands the `tf.Callback` subclass its model.
   */
  model?: { stopTraining: boolean };
}

/** What {@link toTfjsCallbacks} returns. Itself usable as `fit({ callbacks: adapter })`. */
export interface TfjsCallbackAdapter extends TfjsPlainCallbacks {
  /** Run state shared with the callbacks. */
  readonly run: RunState;
  /** Pass this as `fit({ callbacks })`: a `tf.Callback` instance list with `options.tf`, else the plain object. */
  readonly callbacks: TfjsPlainCallbacks | object[];
  /**
   * Wraps a validation dataset for `fitDataset` so validation batches get hooks and timings.
   * Typed as the input for convenience; the wrapper has only `iterator()` and `size`, which is
   * all `evaluateDataset` uses.
   */
  wrapValidation<D extends DatasetLike>(dataset: D): D;
  /**
   * Awaits `fit`'s promise; when it rejects, calls `onException` and (if tfjs did not)
   * `onTrainEnd`, closes the loggers as failed, and rethrows.
   */
  watch<T>(fit: Promise<T>): Promise<T>;
}

function numberLogs(logs: Record<string, unknown> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!logs) return out;
  for (const k in logs) if (typeof logs[k] === 'number') out[k] = logs[k] as number;
  return out;
}

/** Builds the adapter. See the module comment for what tfjs calls and when. */
export function toTfjsCallbacks(callbacks: readonly Callback[], options: TfjsAdapterOptions = {}): TfjsCallbackAdapter {
  const { tf, loggers, report, model: modelOption, ...rest } = configObject(options, 'tfjsAdapter');
  const config = parseConfig(tfjsAdapterConfigSchema, rest, 'tfjsAdapter');
  if (tf !== undefined && typeof (tf as { Callback?: unknown } | null)?.Callback !== 'function') {
    throw new OcrPerfkitTypeError(`toTfjsCallbacks: options.tf must be your tfjs namespace (with tf.Callback), got ${describeValue(tf)}`);
  }
  if (report !== undefined && typeof report !== 'function') {
    throw new OcrPerfkitTypeError(`toTfjsCallbacks: options.report must be a function, got ${describeValue(report)}`);
  }
  if (modelOption !== undefined && (modelOption === null || typeof modelOption !== 'object' || !('stopTraining' in modelOption))) {
    throw new OcrPerfkitTypeError(`toTfjsCallbacks: options.model must be the tf.LayersModel being fit, got ${describeValue(modelOption)}`);
  }
  // The model whose stopTraining a stop request sets: the option, or what tfjs hands the
  // tf.Callback subclass (setModel).
  let model: { stopTraining: boolean } | undefined = modelOption;
  let warnedNoModel = false;
  const applyStop = (): void => {
    if (!run.shouldStop) return;
    if (model) model.stopTraining = true;
    else if (!warnedNoModel) {
      warnedNoModel = true;
      process.emitWarning(
        'ocr-perfkit toTfjsCallbacks: a callback set run.shouldStop, but the adapter cannot stop model.fit: pass options.tf or options.model',
        { code: 'OCR_PERFKIT_CANNOT_STOP' },
      );
    }
  };
  const logger = new LoggerGroup(loggers ?? [], report);
  const runner = new CallbackRunner(callbacks, report ? { report } : {});
  const resolveEpochLogs = config.resolveEpochLogs;
  const run: RunState = {
    source: 'tfjs-fit',
    stage: 'train',
    epoch: 0,
    globalStep: 0,
    maxEpochs: config.maxEpochs,
    shouldStop: false,
    logger,
    startedAt: performance.now(),
  };
  const hasTrainBatchHooks = runner.has('onTrainBatchStart') || runner.has('onTrainBatchEnd');

  // Per-epoch train state.
  let epochStart = 0;
  let lastBatchEnd = 0;
  let batchStart = 0;
  let dataWait = 0;
  let numBatches = 0;
  let numSamples = 0;
  let sizedBatches = 0;
  let batchCtx: BatchContext | undefined;
  let trainEnd: EpochEndContext | undefined;
  // Validation state.
  let valActive = false;
  let valStart = 0;
  let valBatches = 0;
  let valSamples = 0;
  let valSized = 0;
  let valBatch: (BatchContext & { started: number; wait: number }) | undefined;
  let ended = false;
  let closed = false;

  const finishTrainStage = (): void => {
    if (trainEnd) return;
    trainEnd = {
      stage: 'train',
      epoch: run.epoch,
      numBatches,
      numSamples: reportedSamples(numSamples, numBatches, sizedBatches),
      durationMs: performance.now() - epochStart,
      metrics: {},
    };
  };

  const endValBatch = async (): Promise<void> => {
    const b = valBatch;
    if (!b) return;
    valBatch = undefined;
    const now = performance.now();
    const p = runner.call('onValidationBatchEnd', run, {
      stage: 'validate',
      epoch: b.epoch,
      batchIdx: b.batchIdx,
      size: b.size,
      batch: undefined,
      outputs: undefined,
      timing: { dataWaitMs: b.wait, loadMs: Number.NaN, transformMs: Number.NaN, transformWallMs: Number.NaN, loadStartMs: Number.NaN, transformStartMs: Number.NaN, stepMs: now - b.started },
    });
    if (p) await p;
  };

  const endValEpoch = async (): Promise<void> => {
    if (!valActive) return;
    await endValBatch();
    valActive = false;
    const p = runner.call('onValidationEpochEnd', run, {
      stage: 'validate',
      epoch: run.epoch,
      numBatches: valBatches,
      numSamples: reportedSamples(valSamples, valBatches, valSized),
      durationMs: performance.now() - valStart,
      metrics: {},
    });
    if (p) await p;
    run.stage = 'train';
  };

  let signals: SignalStop | undefined;
  const interrupted = (): OcrPerfkitError =>
    new OcrPerfkitError(`training interrupted by ${signals?.received} after ${run.globalStep} steps`, 'ERR_INTERRUPTED');

  const closeLoggers = async (status: RunStatus): Promise<void> => {
    if (!config.closeLoggers) {
      await logger.flush();
      return;
    }
    if (closed) return;
    closed = true;
    await logger.close(status);
  };

  const plain: TfjsPlainCallbacks = {
    async onTrainBegin() {
      ended = false;
      closed = false;
      run.epoch = 0;
      run.globalStep = 0;
      run.shouldStop = false;
      signals?.finish();
      signals =
        config.gracefulSignals && model
          ? new SignalStop(() => {
              run.shouldStop = true;
            }, 'toTfjsCallbacks')
          : undefined;
      await runner.call('onTrainStart', run);
    },
    async onEpochBegin(epoch: number) {
      run.epoch = epoch;
      run.stage = 'train';
      numBatches = 0;
      numSamples = 0;
      sizedBatches = 0;
      trainEnd = undefined;
      await runner.call('onTrainEpochStart', run, { stage: 'train', epoch });
      epochStart = performance.now();
      lastBatchEnd = epochStart;
    },
    onBatchBegin(batch: number, logs?: Record<string, unknown>): Promise<void> {
      const now = performance.now();
      dataWait = now - lastBatchEnd;
      const size = typeof logs?.size === 'number' ? logs.size : undefined;
      batchCtx = { stage: 'train', epoch: run.epoch, batchIdx: batch, size, batch: undefined };
      const p = hasTrainBatchHooks ? runner.call('onTrainBatchStart', run, batchCtx) : undefined;
      batchStart = performance.now();
      return p ?? Promise.resolve();
    },
    onBatchEnd(batch: number, logs?: Record<string, unknown>): Promise<void> {
      const now = performance.now();
      const ctx = batchCtx ?? { stage: 'train' as const, epoch: run.epoch, batchIdx: batch, size: undefined, batch: undefined };
      batchCtx = undefined;
      run.globalStep++;
      numBatches++;
      if (ctx.size !== undefined) {
        numSamples += ctx.size;
        sizedBatches++;
      }
      const p = hasTrainBatchHooks
        ? runner.call('onTrainBatchEnd', run, {
            stage: 'train',
            epoch: ctx.epoch,
            batchIdx: ctx.batchIdx,
            size: ctx.size,
            batch: undefined,
            outputs: logs,
            timing: { dataWaitMs: dataWait, loadMs: Number.NaN, transformMs: Number.NaN, transformWallMs: Number.NaN, loadStartMs: Number.NaN, transformStartMs: Number.NaN, stepMs: now - batchStart },
          })
        : undefined;
      lastBatchEnd = performance.now();
      // model.fit on tensors never turns the event loop by itself: a signal listener would not
      // run until fit ends. While listening, turn it every 100 ms at most.
      const turn = signals?.poll();
      if (!p && !turn) {
        applyStop();
        return Promise.resolve();
      }
      return Promise.all([p, turn]).then(applyStop);
    },
    async onEpochEnd(epoch: number, logs?: Record<string, unknown>) {
      await endValEpoch();
      finishTrainStage();
      const metrics = numberLogs(logs);
      if (logs && resolveEpochLogs) {
        for (const k in logs) {
          const v = logs[k];
          if (isTensor(v) && v.size === 1 && !v.isDisposed) metrics[k] = ((await v.data()) as ArrayLike<number>)[0]!;
        }
      }
      const logged: Record<string, number> = {};
      for (const k in metrics) logged[k.startsWith('val_') ? `val/${k.slice(4)}` : `train/${k}_epoch`] = metrics[k]!;
      if (Object.keys(logged).length > 0) {
        logged['trainer/epoch'] = epoch;
        logger.logMetrics(logged, run.globalStep);
      }
      await runner.call('onTrainEpochEnd', run, { ...trainEnd!, metrics });
      await logger.flush();
      applyStop();
    },
    async onTrainEnd() {
      if (ended) return;
      ended = true;
      const signal = signals?.received;
      try {
        if (signal) {
          const p = runner.call('onException', run, { error: interrupted(), stage: run.stage, epoch: run.epoch, batchIdx: undefined });
          if (p) await p;
        }
        await runner.call('onTrainEnd', run);
        await closeLoggers(signal ? 'killed' : 'finished');
      } finally {
        // After a signal, with nobody else listening, this ends the process by it; else watch()
        // rejects with ERR_INTERRUPTED.
        signals?.finish();
      }
    },
  };

  const wrapValidation = <T>(dataset: DatasetLike<T>): DatasetLike<T> => ({
    size: dataset.size,
    async iterator() {
      finishTrainStage();
      run.stage = 'validate';
      valActive = true;
      valBatches = 0;
      valSamples = 0;
      valSized = 0;
      valBatch = undefined;
      const p = runner.call('onValidationEpochStart', run, { stage: 'validate', epoch: run.epoch });
      if (p) await p;
      valStart = performance.now();
      const inner = await dataset.iterator();
      return {
        async next(): Promise<IteratorResult<T>> {
          await endValBatch();
          const t0 = performance.now();
          const r = await inner.next();
          const t1 = performance.now();
          if (r.done || r.value == null) {
            if (r.done) await endValEpoch();
            return r;
          }
          const size = leadingDim(r.value);
          const ctx = { stage: 'validate' as const, epoch: run.epoch, batchIdx: valBatches, size, batch: r.value };
          valBatches++;
          if (size !== undefined) {
            valSamples += size;
            valSized++;
          }
          const q = runner.call('onValidationBatchStart', run, ctx);
          if (q) await q;
          valBatch = {
            stage: 'validate',
            epoch: ctx.epoch,
            batchIdx: ctx.batchIdx,
            size,
            batch: undefined,
            started: performance.now(),
            wait: t1 - t0,
          };
          return r;
        },
      };
    },
  });

  let callbacksValue: TfjsPlainCallbacks | object[] = plain;
  if (tf) {
    const Base = tf.Callback as unknown as new () => object;
    class OcrPerfkitTfjsCallback extends Base {
      setModel(m: unknown): void {
        // tf.Callback.setModel keeps it as this.model; the adapter needs it for stop requests.
        (Base.prototype as { setModel?: (m: unknown) => void }).setModel?.call(this, m);
        if (m !== null && typeof m === 'object' && 'stopTraining' in m) model = m as { stopTraining: boolean };
      }
    }
    for (const name of Object.keys(plain) as Array<keyof TfjsPlainCallbacks>) {
      const fn = plain[name] as (a: unknown, b: unknown) => HookResult;
      Object.defineProperty(OcrPerfkitTfjsCallback.prototype, name, {
        value: (a: unknown, b: unknown) => fn(a, b) ?? Promise.resolve(),
        writable: true,
        configurable: true,
      });
    }
    callbacksValue = [new OcrPerfkitTfjsCallback()];
  }

  return {
    ...plain,
    run,
    callbacks: callbacksValue,
    wrapValidation: wrapValidation as <D extends DatasetLike>(dataset: D) => D,
    async watch<T>(fit: Promise<T>): Promise<T> {
      try {
        const result = await fit;
        if (signals?.received) throw interrupted();
        return result;
      } catch (error) {
        if (isOcrPerfkitError(error, 'ERR_INTERRUPTED')) throw error; // reported in onTrainEnd
        const p = runner.call('onException', run, {
          error,
          stage: run.stage,
          epoch: run.epoch,
          batchIdx: batchCtx?.batchIdx ?? valBatch?.batchIdx,
        });
        if (p) await p;
        if (!ended) {
          ended = true;
          const q = runner.call('onTrainEnd', run);
          if (q) await q;
        }
        await closeLoggers('failed');
        signals?.finish();
        throw error;
      }
    },
  };
}
