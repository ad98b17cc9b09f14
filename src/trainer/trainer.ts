/**
 * {@link Trainer}: a small custom training loop for TensorFlow.js with Lightning-style hooks
 * (see `callbacks/protocol.ts` for the order). Per batch it measures, with `performance.now()`
 * and no device sync:
 *
 * - `dataWaitMs`: from the end of the previous batch to the next batch being available;
 * - `loadMs` / `transformMs`: from the {@link DataLoader} (plain iterables are wrapped in one
 *   with prefetch 0, so their whole `next()` is `loadMs`);
 * - `stepMs`: the step function call (on async backends this is dispatch time).
 *
 * Step outputs are summed on the device (one `tf.add` per scalar output) and read once per epoch;
 * they are read per step only every `logEveryNSteps` steps. Each step runs inside `tf.tidy`, and
 * outputs and batches are disposed after the batch hooks, so the tensor count does not grow
 * from step to step.
 */
import {
  type Callback,
  CallbackRunner,
  type EpochEndContext,
  type RunState,
  reportedSamples,
  type Stage,
} from '../callbacks/protocol';
import { configObject, describeValue, parseConfig } from '../config/validate';
import { OcrPerfkitError, OcrPerfkitTypeError } from '../errors';
import { LoggerGroup } from '../loggers/group';
import type { FailureReporter, MetricsLogger, ParamValues, RunStatus } from '../loggers/types';
import { DataLoader, type DataSource, type TimedBatch, type TimedBatchSource } from './data_loader';
import { trainerConfigSchema, type TrainerConfig } from './schema';
import { SignalStop, turnEventLoop } from './signals';
import { isThenable } from '../util/thenable';
import { add, isTensor, loadTf, type TensorLike, type TfLike, tidy } from './tf';

/** What a step may return: a loss tensor/number, or named scalars (tensors or numbers). */
export type StepOutput = TensorLike | number | Readonly<Record<string, TensorLike | number>> | undefined;

/** Passed to step functions. */
export interface StepContext {
  /** `train` or `validate`. */
  stage: Stage;
  /** Epoch, 0-based. */
  epoch: number;
  /** Batch index in this stage of the epoch, 0-based. */
  batchIdx: number;
  /** Training steps completed before this one. */
  globalStep: number;
}

/** A step function. Must be synchronous when `tidy` is on. */
// biome-ignore lint/suspicious/noConfusingVoidType: steps that return nothing are allowed
export type StepFn<B> = (batch: B, ctx: StepContext) => StepOutput | void | Promise<StepOutput | void>;

/** The model members the default steps use (a tf.LayersModel fits). */
export interface ModelLike {
  apply(inputs: unknown, kwargs?: { training?: boolean }): unknown;
}
/** The optimizer member the default train step uses. */
export interface OptimizerLike {
  minimize(f: () => TensorLike, returnCost?: boolean): TensorLike | null;
}
/** `(yTrue, yPred) => scalar loss`. */
export type LossFn = (yTrue: unknown, yPred: unknown) => TensorLike;

/** Arguments of {@link Trainer.fit}. */
export interface FitArgs<B> {
  /** Training batches: a DataLoader, an (async) iterable, or a function returning one per epoch. */
  trainData: TimedBatchSource<B> | DataSource<B>;
  /** Validation batches (same forms). */
  valData?: TimedBatchSource<B> | DataSource<B>;
  /** Your training step; or give `model`, `loss` and `optimizer`. */
  trainStep?: StepFn<B>;
  /** Your validation step; defaults to `loss(ys, model.apply(xs))` when `model`/`loss` are given. */
  validationStep?: StepFn<B>;
  /** Used by the default steps. Batches are then `{ xs, ys }` or `[xs, ys]`. */
  model?: ModelLike;
  /** Loss for the default steps: `(yTrue, yPred) => scalar`. */
  loss?: LossFn;
  /** Optimizer for the default train step (`optimizer.minimize(lossFn, true)`). */
  optimizer?: OptimizerLike;
  /** Run parameters sent to the loggers once at start. */
  params?: ParamValues;
}

/** Arguments of {@link Trainer.validate}. */
export interface ValidateArgs<B> {
  /** Validation batches (a DataLoader, an (async) iterable, or a function returning one). */
  valData: TimedBatchSource<B> | DataSource<B>;
  /** Your validation step; or give `model` and `loss`. */
  validationStep?: StepFn<B>;
  /** Model for the default validation step. */
  model?: ModelLike;
  /** Loss for the default validation step. */
  loss?: LossFn;
}

/** What {@link Trainer.fit} returns. */
export interface FitResult {
  /** Epochs completed. */
  epochs: number;
  /** Training steps done. */
  globalStep: number;
  /** True when a callback asked to stop. */
  stopped: boolean;
  /** Per-epoch means of step outputs: `loss`, ..., and `val_loss`, ... */
  history: Array<Record<string, number>>;
}

/** Options of {@link Trainer}. */
export interface TrainerOptions extends Partial<Omit<TrainerConfig, 'fastDevRun'>> {
  /** See {@link trainerConfigSchema}. */
  fastDevRun?: boolean | number;
  /** Callbacks, called in order. */
  callbacks?: readonly Callback[];
  /** Metric sinks (wrapped in a {@link LoggerGroup}). */
  loggers?: readonly MetricsLogger[];
  /** The tf namespace (default: `@tensorflow/tfjs-core`, loaded lazily). */
  tf?: TfLike;
  /** Receives the first failure of a callback or sink (default: `process.emitWarning`). */
  report?: FailureReporter;
}

function isTimedSource<B>(s: unknown): s is TimedBatchSource<B> {
  return s !== null && typeof s === 'object' && typeof (s as { timed?: unknown }).timed === 'function';
}

function splitXY(batch: unknown): { xs: unknown; ys: unknown } {
  if (Array.isArray(batch) && batch.length >= 2) return { xs: batch[0], ys: batch[1] };
  if (batch !== null && typeof batch === 'object' && 'xs' in batch && 'ys' in batch) {
    return batch as { xs: unknown; ys: unknown };
  }
  throw new OcrPerfkitTypeError('Trainer default steps need batches shaped { xs, ys } or [xs, ys]');
}

/** Running sums of step outputs: numbers on the host, scalar tensors on the device. */
class OutputSums {
  private readonly host = new Map<string, number>();
  private readonly device = new Map<string, TensorLike>();
  count = 0;
  constructor(private readonly tf: TfLike) {}

  add(out: Record<string, TensorLike | number>): void {
    this.count++;
    for (const k in out) {
      const v = out[k]!;
      if (typeof v === 'number') this.host.set(k, (this.host.get(k) ?? 0) + v);
      else if (isTensor(v) && v.size === 1 && !v.isDisposed) {
        const prev = this.device.get(k);
        const tf = this.tf;
        const next = prev ? tidy(tf, () => add(tf, prev, v)) : tidy(tf, () => add(tf, v, 0));
        prev?.dispose();
        this.device.set(k, next);
      }
    }
  }

  /** Means, read from the device once. */
  async means(prefix: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    if (this.count === 0) return out;
    for (const [k, v] of this.host) out[prefix + k] = v / this.count;
    for (const [k, t] of this.device) out[prefix + k] = ((await t.data()) as ArrayLike<number>)[0]! / this.count;
    return out;
  }

  dispose(): void {
    for (const t of this.device.values()) t.dispose();
    this.device.clear();
  }
}

function normalizeOutput(out: StepOutput): Record<string, TensorLike | number> {
  if (out === undefined || out === null) return {};
  if (typeof out === 'number' || isTensor(out)) return { loss: out };
  return out as Record<string, TensorLike | number>;
}

function argsObject(args: unknown, where: string): void {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    throw new OcrPerfkitTypeError(`${where}: expected an arguments object, got ${describeValue(args)}`);
  }
}

function optionalFunction<F>(value: F | undefined, name: string): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new OcrPerfkitTypeError(`Trainer: ${name} must be a function, got ${describeValue(value)}`);
  }
  return value;
}

/** The default steps call `model.apply`, `loss` and `optimizer.minimize`: checked before the first batch. */
function checkDefaultStepParts(model: ModelLike, loss: LossFn, optimizer: OptimizerLike | undefined): void {
  if (typeof (model as { apply?: unknown }).apply !== 'function') {
    throw new OcrPerfkitTypeError(`Trainer: model must have an apply() method (a tf.LayersModel), got ${describeValue(model)}`);
  }
  optionalFunction(loss, 'loss');
  if (optimizer !== undefined && typeof (optimizer as { minimize?: unknown }).minimize !== 'function') {
    throw new OcrPerfkitTypeError(`Trainer: optimizer must have a minimize() method (a tf.Optimizer), got ${describeValue(optimizer)}`);
  }
}

/**
 * Calls the step inside `tf.tidy`, which cannot track the tensors of an async step (tfjs only
 * logs "Cannot return a Promise inside of tidy" and goes on, leaking them): a step that returns
 * a promise there is a typed error instead.
 */
function tidyStep<B>(tf: TfLike, step: StepFn<B>, batch: B, ctx: StepContext, stage: Stage): StepOutput {
  return tidy(tf, () => {
    const out = step(batch, ctx);
    if (isThenable(out)) {
      out.then(undefined, () => undefined); // its own failure is moot now
      throw new OcrPerfkitTypeError(
        `Trainer: the ${stage === 'train' ? 'training' : 'validation'} step returned a promise while the trainer option ` +
          'tidy is on; tf.tidy cannot track an async step\'s tensors. Make the step synchronous or set tidy: false',
      );
    }
    return out as StepOutput;
  });
}

/** What a stage's loop shares with its caller: the batch in flight (for onException) and the signal listener. */
interface LoopTrack {
  batchIdx: number | undefined;
  signals: SignalStop | undefined;
}

/** The custom training loop. One instance may run `fit` several times (not concurrently). */
export class Trainer {
  /** Parsed options. */
  readonly config: TrainerConfig;
  private readonly callbacks: readonly Callback[];
  private readonly loggers: readonly MetricsLogger[];
  private readonly tfOption: TfLike | undefined;
  private readonly report: FailureReporter | undefined;
  private running = false;
  private warnedOneShot = false;

  constructor(options: TrainerOptions = {}) {
    const { callbacks, loggers, tf, report, ...rest } = configObject(options, 'trainer');
    this.config = parseConfig(trainerConfigSchema, rest, 'trainer');
    this.callbacks = callbacks ?? [];
    this.loggers = loggers ?? [];
    this.tfOption = tf;
    this.report = report;
  }

  /** Effective limits after `fastDevRun`. */
  private limits(): { epochs: number; train: number; val: number } {
    const c = this.config;
    if (c.fastDevRun !== false) {
      const n = c.fastDevRun === true ? 1 : c.fastDevRun;
      return { epochs: 1, train: n, val: n };
    }
    return {
      epochs: c.maxEpochs,
      train: c.limitTrainBatches ?? Number.POSITIVE_INFINITY,
      val: c.limitValBatches ?? Number.POSITIVE_INFINITY,
    };
  }

  /** Runs training (and validation after each epoch when `valData` is given). */
  async fit<B>(args: FitArgs<B>): Promise<FitResult> {
    if (this.running) throw new OcrPerfkitTypeError('Trainer.fit is already running on this trainer');
    argsObject(args, 'Trainer.fit');
    if (args.trainData == null) throw new OcrPerfkitTypeError('Trainer.fit: trainData is required');
    const tf = loadTf(this.tfOption);
    const { trainStep, validationStep } = this.steps(args);
    const limits = this.limits();
    const logger = new LoggerGroup(this.loggers, this.report);
    const runner = new CallbackRunner(this.callbacks, this.report ? { report: this.report } : {});
    const run: RunState = {
      source: 'trainer',
      stage: 'train',
      epoch: 0,
      globalStep: 0,
      maxEpochs: limits.epochs,
      shouldStop: false,
      logger,
      startedAt: performance.now(),
    };
    const history: Array<Record<string, number>> = [];
    let batchIdx: number | undefined;
    this.running = true;
    let status: RunStatus = 'finished';
    const signals = this.stopOnSignals(run, 'Trainer');
    const track: LoopTrack = { batchIdx: undefined, signals };
    try {
      if (args.params && Object.keys(args.params).length > 0) logger.logParams(args.params);
      await runner.call('onTrainStart', run);
      let epoch = 0;
      let firstEpochBatches = 0;
      for (; epoch < limits.epochs; epoch++) {
        run.epoch = epoch;
        const trainEnd = await this.loop(tf, runner, run, 'train', args.trainData, trainStep, limits.train, track);
        if (epoch === 0) firstEpochBatches = trainEnd.numBatches;
        else if (trainEnd.numBatches === 0 && firstEpochBatches > 0 && !this.warnedOneShot) {
          this.warnedOneShot = true;
          process.emitWarning(
            `ocr-perfkit Trainer: trainData gave no batches in epoch ${epoch} after ${firstEpochBatches} in epoch 0; ` +
              'a generator object can be iterated once: pass a function that returns a fresh one per epoch',
            { code: 'OCR_PERFKIT_ONE_SHOT_DATA' },
          );
        }
        const metrics: Record<string, number> = { ...trainEnd.metrics };
        if (args.valData !== undefined && validationStep && limits.val > 0 && !run.shouldStop) {
          const valEnd = await this.loop(tf, runner, run, 'validate', args.valData, validationStep, limits.val, track);
          Object.assign(metrics, valEnd.metrics);
        }
        history.push(metrics);
        if (Object.keys(metrics).length > 0) {
          const logged: Record<string, number> = {};
          for (const k in metrics) logged[k.startsWith('val_') ? `val/${k.slice(4)}` : `train/${k}_epoch`] = metrics[k]!;
          logged['trainer/epoch'] = epoch;
          logger.logMetrics(logged, run.globalStep);
        }
        run.stage = 'train';
        await runner.call('onTrainEpochEnd', run, { ...trainEnd, metrics });
        await logger.flush();
        if (run.shouldStop) {
          epoch++;
          break;
        }
      }
      if (signals?.received) {
        throw new OcrPerfkitError(`training interrupted by ${signals.received} after ${run.globalStep} steps`, 'ERR_INTERRUPTED');
      }
      await runner.call('onTrainEnd', run);
      return { epochs: epoch, globalStep: run.globalStep, stopped: run.shouldStop, history };
    } catch (error) {
      status = signals?.received ? 'killed' : 'failed';
      batchIdx = track.batchIdx;
      await runner.call('onException', run, { error, stage: run.stage, epoch: run.epoch, batchIdx });
      await runner.call('onTrainEnd', run);
      throw error;
    } finally {
      await this.endRun(logger, status, signals);
    }
  }

  /**
   * Runs one validation pass only (like Lightning's `trainer.validate`, or the seeds' profiling
   * of a checkpoint): `onValidationEpochStart`, the validation batch hooks, `onValidationEpochEnd`
   * (and `onException` when a step throws). Respects `limitValBatches` / `fastDevRun`. Returns the
   * means of the step outputs (`val_loss`, ...). Ctrl-C stops it after the current batch as it
   * stops `fit` (see `gracefulSignals`), rejecting with `ERR_INTERRUPTED` where the program listens.
   */
  async validate<B>(args: ValidateArgs<B>): Promise<Record<string, number>> {
    if (this.running) throw new OcrPerfkitTypeError('Trainer is already running');
    argsObject(args, 'Trainer.validate');
    if (args.valData == null) throw new OcrPerfkitTypeError('Trainer.validate: valData is required');
    const tf = loadTf(this.tfOption);
    const { validationStep } = this.steps({ ...args, trainData: [], trainStep: () => undefined });
    if (!validationStep) throw new OcrPerfkitTypeError('Trainer.validate needs validationStep, or model + loss');
    const logger = new LoggerGroup(this.loggers, this.report);
    const runner = new CallbackRunner(this.callbacks, this.report ? { report: this.report } : {});
    const run: RunState = {
      source: 'trainer',
      stage: 'validate',
      epoch: 0,
      globalStep: 0,
      maxEpochs: undefined,
      shouldStop: false,
      logger,
      startedAt: performance.now(),
    };
    const signals = this.stopOnSignals(run, 'Trainer.validate');
    const track: LoopTrack = { batchIdx: undefined, signals };
    this.running = true;
    let status: RunStatus = 'finished';
    try {
      const end = await this.loop(tf, runner, run, 'validate', args.valData, validationStep, this.limits().val, track);
      if (signals?.received) {
        throw new OcrPerfkitError(`validation interrupted by ${signals.received} after ${end.numBatches} batches`, 'ERR_INTERRUPTED');
      }
      const logged: Record<string, number> = {};
      for (const k in end.metrics) logged[`val/${k.slice(4)}`] = end.metrics[k]!;
      if (Object.keys(logged).length > 0) logger.logMetrics(logged, 0);
      return { ...end.metrics };
    } catch (error) {
      status = signals?.received ? 'killed' : 'failed';
      await runner.call('onException', run, { error, stage: 'validate', epoch: 0, batchIdx: track.batchIdx });
      throw error;
    } finally {
      await this.endRun(logger, status, signals);
    }
  }

  /** With `gracefulSignals`, a listener that asks `run` to stop on SIGINT/SIGTERM. */
  private stopOnSignals(run: RunState, who: string): SignalStop | undefined {
    if (!this.config.gracefulSignals) return undefined;
    return new SignalStop(() => {
      run.shouldStop = true;
    }, who);
  }

  /** The end of `fit`/`validate`: not running, loggers closed (or flushed), signals released. */
  private async endRun(logger: LoggerGroup, status: RunStatus, signals: SignalStop | undefined): Promise<void> {
    this.running = false;
    try {
      if (this.config.closeLoggers) await logger.close(status);
      else await logger.flush();
    } finally {
      signals?.finish();
    }
  }

  private steps<B>(args: FitArgs<B>): { trainStep: StepFn<B>; validationStep: StepFn<B> | undefined } {
    let trainStep = optionalFunction(args.trainStep, 'trainStep');
    let validationStep = optionalFunction(args.validationStep, 'validationStep');
    const { model, loss, optimizer } = args;
    if (!trainStep) {
      if (!model || !loss || !optimizer) {
        throw new OcrPerfkitTypeError('Trainer.fit needs trainStep, or model + loss + optimizer');
      }
      checkDefaultStepParts(model, loss, optimizer);
      trainStep = (batch) => {
        const { xs, ys } = splitXY(batch);
        return optimizer.minimize(() => loss(ys, model.apply(xs, { training: true })), true) ?? undefined;
      };
    }
    if (!validationStep && model && loss) {
      checkDefaultStepParts(model, loss, undefined);
      validationStep = (batch) => {
        const { xs, ys } = splitXY(batch);
        return loss(ys, model.apply(xs, { training: false }));
      };
    }
    return { trainStep, validationStep };
  }

  /**
   * One stage of one epoch. Calls the validation epoch-end hook itself; returns the stage's
   * end context (metrics = means of the step outputs, `val_` prefixed for validation).
   */
  private async loop<B>(
    tf: TfLike,
    runner: CallbackRunner,
    run: RunState,
    stage: Stage,
    data: TimedBatchSource<B> | DataSource<B>,
    step: StepFn<B>,
    limit: number,
    track: LoopTrack,
  ): Promise<EpochEndContext> {
    const train = stage === 'train';
    const cfg = this.config;
    run.stage = stage;
    const epoch = run.epoch;
    const source: TimedBatchSource<B> = isTimedSource<B>(data)
      ? data
      : new DataLoader<B, B>({ source: data as DataSource<B>, prefetch: 0 });
    const hookStart = train ? 'onTrainBatchStart' : 'onValidationBatchStart';
    const hookEnd = train ? 'onTrainBatchEnd' : 'onValidationBatchEnd';
    const sums = new OutputSums(tf);
    const disposeBatch = cfg.disposeBatches ? (b: B) => tf.dispose(b) : undefined;
    // The batch and step output in hand: disposed here too when the step or a read throws.
    let held: { batch: B; out?: unknown } | undefined;
    try {
      const started = performance.now();
      let p = runner.call(train ? 'onTrainEpochStart' : 'onValidationEpochStart', run, { stage, epoch });
      if (p) await p;
      let numBatches = 0;
      let numSamples = 0;
      let sizedBatches = 0;
      const it = source.timed(disposeBatch);
      const yieldEvery = cfg.yieldEveryNSteps;
      try {
        let waitFrom = performance.now();
        while (numBatches < limit) {
          if (yieldEvery > 0 && numBatches % yieldEvery === 0) {
            await turnEventLoop();
            track.signals?.turned();
          } else {
            // Listening for Ctrl-C needs the event loop to turn now and then (every 100 ms at most).
            const turn = track.signals?.poll();
            if (turn) await turn;
          }
          const r = await it.next();
          const got = performance.now();
          if (r.done) break;
          const tb: TimedBatch<B> = r.value;
          held = { batch: tb.value };
          const batchIdx = numBatches;
          track.batchIdx = batchIdx;
          const ctx = { stage, epoch, batchIdx, size: tb.size, batch: tb.value as unknown };
          p = runner.call(hookStart, run, ctx);
          if (p) await p;
          const stepCtx: StepContext = { stage, epoch, batchIdx, globalStep: run.globalStep };
          const t0 = performance.now();
          let out = (cfg.tidy ? tidyStep(tf, step, tb.value, stepCtx, stage) : step(tb.value, stepCtx)) as
            | StepOutput
            | PromiseLike<StepOutput>;
          if (isThenable(out)) out = await out;
          held.out = out;
          const t1 = performance.now();
          const outputs = normalizeOutput(out as StepOutput);
          if (train) run.globalStep++;
          sums.add(outputs);
          // Explicit fields, no object spread: spread is slow on some V8 builds and this is per batch.
          p = runner.call(hookEnd, run, {
            stage,
            epoch,
            batchIdx,
            size: tb.size,
            batch: tb.value,
            outputs: out,
            timing: {
              dataWaitMs: got - waitFrom,
              loadMs: tb.loadMs,
              transformMs: tb.transformMs,
              transformWallMs: tb.transformWallMs,
              loadStartMs: tb.loadStartMs,
              transformStartMs: tb.transformStartMs,
              stepMs: t1 - t0,
            },
          });
          if (p) await p;
          if (train && run.globalStep % cfg.logEveryNSteps === 0) await this.logStep(run, outputs);
          held = undefined;
          tf.dispose(out);
          disposeBatch?.(tb.value);
          numBatches++;
          // A custom TimedBatchSource may give anything here; only sample counts are summed.
          if (typeof tb.size === 'number' && Number.isFinite(tb.size) && tb.size >= 0) {
            numSamples += tb.size;
            sizedBatches++;
          }
          track.batchIdx = undefined;
          if (run.shouldStop) break;
          waitFrom = performance.now();
        }
      } finally {
        if (held) {
          try {
            tf.dispose(held.out as never);
            disposeBatch?.(held.batch);
          } catch {
            // the error that got us here is the one to report
          }
        }
        await it.return?.();
      }
      const means = await sums.means(train ? '' : 'val_');
      const endCtx: EpochEndContext = {
        stage,
        epoch,
        numBatches,
        numSamples: reportedSamples(numSamples, numBatches, sizedBatches),
        durationMs: performance.now() - started,
        metrics: means,
      };
      if (!train) {
        p = runner.call('onValidationEpochEnd', run, endCtx);
        if (p) await p;
      }
      return endCtx;
    } finally {
      sums.dispose();
    }
  }

  private async logStep(run: RunState, outputs: Record<string, TensorLike | number>): Promise<void> {
    const m: Record<string, number> = {};
    for (const k in outputs) {
      const v = outputs[k]!;
      if (typeof v === 'number') m[`train/${k}`] = v;
      else if (isTensor(v) && v.size === 1 && !v.isDisposed) m[`train/${k}`] = ((await v.data()) as ArrayLike<number>)[0]!;
    }
    m['trainer/epoch'] = run.epoch;
    run.logger.logMetrics(m, run.globalStep);
  }
}
