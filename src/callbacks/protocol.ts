/**
 * The training-callback protocol: Lightning-style hooks in camelCase, the typed context objects
 * they receive, and {@link CallbackRunner}, which calls them with failure isolation.
 *
 * Hook order for one run (both the {@link Trainer} and the tfjs adapter follow it):
 *
 * ```
 * onTrainStart
 *   onTrainEpochStart
 *     (onTrainBatchStart onTrainBatchEnd) × n
 *     onValidationEpochStart                       (only when there is validation data)
 *       (onValidationBatchStart onValidationBatchEnd) × m   (m may be 0)
 *     onValidationEpochEnd
 *   onTrainEpochEnd
 * onTrainEnd                                       (also after an exception)
 * onException                                      (before onTrainEnd, when the loop threw)
 * ```
 *
 * Hooks are synchronous by default. A hook may return a promise; the loop then awaits it (on the
 * hot path only when some hook actually returned one, so sync callbacks cost no microtask).
 *
 * Context objects are owned by the loop and may be reused between calls: read them during the
 * hook, copy what you need, never keep a reference. Tensors in them (`batch`, `outputs`) are
 * for inspection only; reading their values forces a device sync, so per-batch hooks should not.
 */
import { configObject } from '../config/validate';
import { OcrPerfkitTypeError } from '../errors';
import type { MetricsLogger } from '../loggers/types';
import { defaultFailureReporter, type FailureReporter } from '../loggers/types';
import { isThenable } from '../util/thenable';

/** Which part of the loop is running. */
export type Stage = 'train' | 'validate';

/** Which loop drives the hooks. */
export type LoopSource = 'trainer' | 'tfjs-fit';

/**
 * Run-wide state shared by all hooks of one run (one object per run, mutated by the loop).
 * Callbacks may set {@link RunState.shouldStop} to end training after the current batch.
 */
export interface RunState {
  /** The loop driving the hooks. */
  readonly source: LoopSource;
  /** Stage running now. */
  stage: Stage;
  /** Current training epoch, 0-based. */
  epoch: number;
  /** Optimizer steps done so far (training batches completed, over all epochs). */
  globalStep: number;
  /** Epoch limit of the run, when known. */
  maxEpochs: number | undefined;
  /** Set by a callback to stop training after the current batch. */
  shouldStop: boolean;
  /** Where callbacks send their metrics (a fan-out with failing sinks dropped). */
  readonly logger: MetricsLogger;
  /** `performance.now()` when the run started. */
  readonly startedAt: number;
}

/**
 * Per-batch timings in milliseconds, measured by the loop with `performance.now()` (no device
 * sync). `NaN` means "not measured by this loop" (e.g. `loadMs` under `model.fit`).
 */
export interface BatchTiming {
  /**
   * Time the loop waited for this batch: from the end of the previous batch (or the start of the
   * epoch) until the batch was available. Includes load and transform when they ran on the
   * critical path, and excludes them when prefetch hid them.
   */
  dataWaitMs: number;
  /** Time the data source took to produce the raw batch (may overlap earlier steps). */
  loadMs: number;
  /**
   * The batch transform's own work (may overlap earlier steps, may run in a worker): a
   * {@link WorkerPool}'s execution time, or what the transform reported, else its wall time.
   */
  transformMs: number;
  /**
   * Wall time of the transform from its start to its result; for an async transform it also
   * counts waiting (for worker or native threads, and for the JS thread while a step holds it).
   */
  transformWallMs: number;
  /** `performance.now()` when the load of this batch started (`NaN` when not measured). */
  loadStartMs: number;
  /** `performance.now()` when its transform started (`NaN` when not measured). */
  transformStartMs: number;
  /** Time of the step itself (forward/backward/update dispatch, or eval), from the loop. */
  stepMs: number;
}

/** Context of `on*BatchStart` hooks. */
export interface BatchContext {
  /** `train` or `validate`. */
  stage: Stage;
  /** Training epoch the batch belongs to, 0-based. */
  epoch: number;
  /** Index of the batch within its epoch (and stage), 0-based. */
  batchIdx: number;
  /** Samples in the batch when known, else `undefined`. */
  size: number | undefined;
  /** The batch (inspection only; do not dispose). `undefined` under `model.fit`. */
  batch: unknown;
}

/** Context of `on*BatchEnd` hooks. */
export interface BatchEndContext extends BatchContext {
  /** What the step returned (tensors or numbers; inspection only, reading may sync). */
  outputs: unknown;
  /** Timings of this batch. */
  timing: BatchTiming;
}

/** Context of `on*EpochStart` hooks. */
export interface EpochContext {
  /** `train` or `validate`. */
  stage: Stage;
  /** Training epoch, 0-based (validation epochs carry the training epoch they follow). */
  epoch: number;
}

/** Context of `on*EpochEnd` hooks. */
export interface EpochEndContext extends EpochContext {
  /** Batches run in this stage of the epoch (0 for an empty validation set). */
  numBatches: number;
  /**
   * Samples seen in this stage of the epoch: the sum of the known batch sizes, `NaN` when batches
   * ran but none had a known size, 0 when no batch ran.
   */
  numSamples: number;
  /** Wall time of this stage of the epoch in ms. */
  durationMs: number;
  /**
   * Epoch-level values the loop already has on the host (e.g. `loss`, `val_loss` from
   * `model.fit` logs, or what the Trainer's reducer returned). May be empty.
   */
  metrics: Readonly<Record<string, number>>;
}

/** Context of `onException`. */
export interface ExceptionContext {
  /** What was thrown. */
  error: unknown;
  /** Stage that was running. */
  stage: Stage;
  /** Epoch that was running. */
  epoch: number;
  /** Batch that was running, if any. */
  batchIdx: number | undefined;
}

/** What a hook may return. */
export type HookResult = void | Promise<void>;

/**
 * A training callback. Every hook is optional. A callback whose `enabled` is `false` is skipped
 * entirely by {@link CallbackRunner} (it costs nothing per batch).
 */
export interface Callback {
  /** Name used in warnings; defaults to the constructor name. */
  readonly name?: string;
  /** `false` to switch the callback off (read once, when the runner is built). */
  readonly enabled?: boolean;
  /** Once, before the first epoch. */
  onTrainStart?(run: RunState): HookResult;
  /** Once, after the last epoch, also when the loop threw (after `onException`). */
  onTrainEnd?(run: RunState): HookResult;
  /** Before the first training batch of an epoch. */
  onTrainEpochStart?(run: RunState, ctx: EpochContext): HookResult;
  /**
   * After the epoch's training and validation stages. `ctx` describes the training stage
   * (batches, samples, duration); `ctx.metrics` holds the epoch means of both stages.
   */
  onTrainEpochEnd?(run: RunState, ctx: EpochEndContext): HookResult;
  /** After a training batch is available, before its step. Per batch: keep it cheap. */
  onTrainBatchStart?(run: RunState, ctx: BatchContext): HookResult;
  /** After a training step, with its timings. Per batch: keep it cheap, do not read tensors. */
  onTrainBatchEnd?(run: RunState, ctx: BatchEndContext): HookResult;
  /** Before the first validation batch (also for an empty validation set). */
  onValidationEpochStart?(run: RunState, ctx: EpochContext): HookResult;
  /** After the last validation batch; `ctx.numBatches` is 0 for an empty validation set. */
  onValidationEpochEnd?(run: RunState, ctx: EpochEndContext): HookResult;
  /** After a validation batch is available, before its step. */
  onValidationBatchStart?(run: RunState, ctx: BatchContext): HookResult;
  /** After a validation step, with its timings. */
  onValidationBatchEnd?(run: RunState, ctx: BatchEndContext): HookResult;
  /** When the loop (a step, the data, a hook-awaiting promise) threw; the error is rethrown after. */
  onException?(run: RunState, ctx: ExceptionContext): HookResult;
}

/** Names of all hooks, in protocol order. */
export const HOOK_NAMES = [
  'onTrainStart',
  'onTrainEpochStart',
  'onTrainBatchStart',
  'onTrainBatchEnd',
  'onValidationEpochStart',
  'onValidationBatchStart',
  'onValidationBatchEnd',
  'onValidationEpochEnd',
  'onTrainEpochEnd',
  'onException',
  'onTrainEnd',
] as const;

/** One hook name. */
export type HookName = (typeof HOOK_NAMES)[number];

type AnyHook = (run: RunState, ctx?: unknown) => HookResult;

/** Options of {@link CallbackRunner}. */
export interface CallbackRunnerOptions {
  /** Receives a callback's first failure before it is disabled. Default: `process.emitWarning`. */
  report?: FailureReporter;
}

/** `numSamples` as the epoch-end context reports it (see {@link EpochEndContext.numSamples}). */
export function reportedSamples(sum: number, numBatches: number, sizedBatches: number): number {
  return numBatches > 0 && sizedBatches === 0 ? Number.NaN : sum;
}

/** A fresh timing object with every field `NaN`. */
export function emptyTiming(): BatchTiming {
  return { dataWaitMs: Number.NaN, loadMs: Number.NaN, transformMs: Number.NaN, transformWallMs: Number.NaN, loadStartMs: Number.NaN, transformStartMs: Number.NaN, stepMs: Number.NaN };
}

/** Name of a callback for messages. */
export function callbackName(cb: Callback): string {
  if (typeof cb.name === 'string' && cb.name.length > 0) return cb.name;
  const ctor = (cb as { constructor?: { name?: string } }).constructor?.name;
  return ctor && ctor !== 'Object' ? ctor : 'callback';
}

/**
 * Calls hooks on a list of callbacks in order. A callback that throws (or whose promise
 * rejects) is reported once through `report` and disabled for the rest of the run; the loop
 * goes on. Returns `undefined` from a hook call unless some callback returned a promise, in
 * which case it returns one promise for all of them.
 */
export class CallbackRunner {
  private readonly report: FailureReporter;
  private readonly lists: Record<HookName, Array<{ cb: Callback; fn: AnyHook }>>;
  private readonly disabled = new Set<Callback>();
  /** The callbacks that are enabled and have not failed. */
  get active(): readonly Callback[] {
    return this.all.filter((cb) => !this.disabled.has(cb));
  }
  private readonly all: Callback[];

  constructor(callbacks: readonly Callback[], options: CallbackRunnerOptions = {}) {
    if (!Array.isArray(callbacks)) {
      throw new OcrPerfkitTypeError('CallbackRunner: callbacks must be an array', 'ERR_INVALID_ARGUMENT');
    }
    this.report = configObject(options, 'callbackRunner').report ?? defaultFailureReporter;
    this.all = callbacks.filter((cb) => cb != null && cb.enabled !== false);
    const lists = {} as Record<HookName, Array<{ cb: Callback; fn: AnyHook }>>;
    for (const hook of HOOK_NAMES) {
      lists[hook] = [];
      for (const cb of this.all) {
        const fn = (cb as unknown as Record<string, unknown>)[hook];
        if (typeof fn === 'function') lists[hook].push({ cb, fn: fn as AnyHook });
      }
    }
    this.lists = lists;
  }

  /** True when some enabled callback implements `hook`. */
  has(hook: HookName): boolean {
    return this.lists[hook].length > 0;
  }

  /** Calls `hook` on every callback that has it. */
  call(hook: HookName, run: RunState, ctx?: unknown): HookResult {
    const list = this.lists[hook];
    let pending: Array<Promise<void>> | undefined;
    for (let i = 0; i < list.length; i++) {
      const entry = list[i]!;
      try {
        const r = entry.fn.call(entry.cb, run, ctx);
        if (isThenable(r)) {
          if (pending === undefined) pending = [];
          pending.push(
            Promise.resolve(r).then(
              () => undefined,
              (err: unknown) => this.fail(entry.cb, hook, err),
            ),
          );
        }
      } catch (err) {
        this.fail(entry.cb, hook, err);
      }
    }
    return pending ? Promise.all(pending).then(() => undefined) : undefined;
  }

  /** Disables `cb` after reporting `err` once. */
  private fail(cb: Callback, hook: HookName, err: unknown): void {
    if (this.disabled.has(cb)) return;
    this.disabled.add(cb);
    for (const h of HOOK_NAMES) this.lists[h] = this.lists[h].filter((e) => e.cb !== cb);
    try {
      this.report(`callback ${callbackName(cb)}.${hook}`, err);
    } catch {
      // A throwing reporter must not break training either.
    }
  }
}
