/**
 * {@link DataLoader}: pulls raw items from an async/sync iterable (or a function returning one,
 * called once per epoch), applies an optional transform (inline or on a {@link WorkerPool}),
 * keeps up to `prefetch` batches in flight ahead of the consumer, and times each batch:
 *
 * - `loadMs`: time the source took to yield the raw item (`next()` call to result);
 * - `transformWallMs`: time from the start of the transform to its result (for a pool,
 *   including the wait for a free worker; for an async transform, including the wait for the
 *   JS thread while a synchronous training step holds it);
 * - `transformMs`: the transform's own work: the worker's execution time on a
 *   {@link WorkerPool}, what an inline transform reports through its {@link TransformWork}
 *   argument, else `transformWallMs`.
 *
 * They may overlap the consumer's step when prefetch hides them; the {@link Trainer} measures
 * the part that was not hidden as `dataWaitMs`.
 */
import { z } from 'zod';
import { configObject, describeValue, parseConfig } from '../config/validate';
import { OcrPerfkitRangeError, OcrPerfkitTypeError } from '../errors';
import { leadingDim } from './tf';
import { poolTransform, type TransformPool, type TransformWork, WorkMeter } from './transform_work';

export type { TransformPool, TransformWork } from './transform_work';

/** A tfjs `tf.data.Dataset` as far as the loader uses it (`iterator()` then `next()`). */
export interface IteratorDataset<T> {
  iterator(): Promise<{ next(): Promise<IteratorResult<T>> }>;
}

/**
 * Anything the loader can read items from: an iterable, an async iterable, a `tf.data.Dataset`
 * (a fresh `iterator()` per pass), or a function returning one of these (called once per pass).
 * Arrays and datasets can be iterated again each epoch; generator objects cannot (pass the
 * generator function instead).
 */
export type DataSource<T> =
  | AsyncIterable<T>
  | Iterable<T>
  | IteratorDataset<T>
  | (() => AsyncIterable<T> | Iterable<T> | IteratorDataset<T>);

/** A batch with its timings. */
export interface TimedBatch<B> {
  /** The batch. */
  value: B;
  /** Source time in ms. */
  loadMs: number;
  /**
   * The transform's own work in ms (0 without a transform): the worker's execution time for a
   * pool, what the transform reported through {@link TransformWork}, else `transformWallMs`.
   */
  transformMs: number;
  /** Transform wall time in ms, from its start to its result (0 without a transform). */
  transformWallMs: number;
  /** `performance.now()` when the source was asked for this item. */
  loadStartMs: number;
  /** `performance.now()` when the transform started (the load's end without a transform). */
  transformStartMs: number;
  /** Samples in the batch, when known. */
  size: number | undefined;
}

/** Something that yields timed batches (a DataLoader, or your own). */
export interface TimedBatchSource<B> {
  /**
   * One pass over the data. `onDrop` receives batches that were prefetched but never yielded
   * because the consumer stopped early (so tensors in them can be disposed).
   */
  timed(onDrop?: (batch: B) => void): AsyncIterableIterator<TimedBatch<B>>;
}

/** Serializable options of {@link DataLoader}. */
export const dataLoaderConfigSchema = z
  .object({
    /** Batches prepared ahead of the one being consumed (0 = load on demand). */
    prefetch: z.number().int().min(0).max(1024).default(2),
  })
  .strict();

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions<R, B> extends Partial<z.input<typeof dataLoaderConfigSchema>> {
  /** Where raw items come from. A function is called once per epoch. */
  source: DataSource<R>;
  /**
   * Turns a raw item into a batch (may be async). Mutually exclusive with `pool`. May report its
   * own work time through `work` (see {@link TransformWork}).
   */
  transform?: (raw: R, work: TransformWork) => B | Promise<B>;
  /**
   * Runs the transform on worker threads instead (raw items are structured-cloned); with
   * `runTimed` (as {@link WorkerPool} has), `transformMs` is the worker's execution time.
   */
  pool?: TransformPool<R, B>;
  /**
   * Samples in a batch: a whole number >= 0, or undefined when unknown (default: first dimension
   * of the first tensor found, else undefined). Anything else fails the batch with `ERR_OUT_OF_RANGE`.
   */
  sizeOf?: (batch: B) => number | undefined;
}

/** A batch's sample count from `sizeOf`: a non-negative integer or undefined, else a typed error. */
function checkedSize(n: unknown): number | undefined {
  if (n === undefined || (typeof n === 'number' && Number.isInteger(n) && n >= 0)) return n;
  throw new OcrPerfkitRangeError(`DataLoader: sizeOf returned ${describeValue(n)}; expected a whole number of samples >= 0 or undefined`);
}

const DONE = Symbol('done');
type Produced<B> = TimedBatch<B> | typeof DONE;

function openIterator<T>(source: DataSource<T>): AsyncIterator<T> | Iterator<T> {
  const src = typeof source === 'function' ? source() : source;
  if (src != null && typeof (src as AsyncIterable<T>)[Symbol.asyncIterator] === 'function') {
    return (src as AsyncIterable<T>)[Symbol.asyncIterator]();
  }
  if (src != null && typeof (src as Iterable<T>)[Symbol.iterator] === 'function') {
    return (src as Iterable<T>)[Symbol.iterator]();
  }
  if (src != null && typeof (src as IteratorDataset<T>).iterator === 'function') {
    const ds = src as IteratorDataset<T>;
    let inner: Promise<{ next(): Promise<IteratorResult<T>> }> | undefined;
    return {
      async next(): Promise<IteratorResult<T>> {
        inner ??= ds.iterator();
        const r = await (await inner).next();
        return r.done ? { done: true, value: undefined } : r;
      },
    };
  }
  throw new OcrPerfkitTypeError(
    'DataLoader source must be an iterable, an async iterable, a tf.data.Dataset or a function returning one',
  );
}

/** Batches with prefetch, transforms and per-batch timings. Iterate it once per epoch. */
export class DataLoader<R = unknown, B = R> implements AsyncIterable<B>, TimedBatchSource<B> {
  /** Prefetch depth in use. */
  readonly prefetch: number;
  private readonly source: DataSource<R>;
  private readonly transform: ((raw: R, work: TransformWork) => B | Promise<B>) | undefined;
  private readonly sizeOf: (batch: B) => number | undefined;

  constructor(options: DataLoaderOptions<R, B>) {
    const { source, transform, pool, sizeOf, ...rest } = configObject(options, 'dataLoader');
    const cfg = parseConfig(dataLoaderConfigSchema, rest, 'dataLoader');
    if (source == null) throw new OcrPerfkitTypeError('DataLoader: options.source is required');
    if (typeof source !== 'function' && typeof source !== 'object') {
      throw new OcrPerfkitTypeError(
        `DataLoader: options.source must be an iterable, an async iterable, a tf.data.Dataset or a function returning one, got ${describeValue(source)}`,
      );
    }
    for (const [name, fn] of [
      ['transform', transform],
      ['sizeOf', sizeOf],
    ] as const) {
      if (fn !== undefined && typeof fn !== 'function') {
        throw new OcrPerfkitTypeError(`DataLoader: options.${name} must be a function, got ${describeValue(fn)}`);
      }
    }
    if (pool !== undefined && typeof (pool as { run?: unknown } | null)?.run !== 'function') {
      throw new OcrPerfkitTypeError(`DataLoader: options.pool must have a run() method (a WorkerPool), got ${describeValue(pool)}`);
    }
    if (transform && pool) throw new OcrPerfkitTypeError('DataLoader: give either transform or pool, not both');
    this.prefetch = cfg.prefetch;
    this.source = source;
    this.transform = pool ? poolTransform(pool) : transform;
    this.sizeOf = sizeOf ?? ((b: B) => leadingDim(b));
  }

  /**
   * Iterates batches with their timings (one pass over the source). `onDrop` receives batches
   * prefetched but never yielded because iteration stopped early.
   */
  async *timed(onDrop?: (batch: B) => void): AsyncIterableIterator<TimedBatch<B>> {
    const it = openIterator(this.source);
    let sourceDone = false;
    let loadChain: Promise<unknown> = Promise.resolve();
    const queue: Array<Promise<Produced<B>>> = [];
    const transform = this.transform;

    const produce = (): Promise<Produced<B>> => {
      // Loads are serialized (iterators may not support concurrent next()); transforms overlap.
      const loaded = loadChain.then(async (): Promise<{ raw: R; loadMs: number; loadStartMs: number } | typeof DONE> => {
        if (sourceDone) return DONE;
        const t0 = performance.now();
        const r = await it.next();
        const loadMs = performance.now() - t0;
        if (r.done) {
          sourceDone = true;
          return DONE;
        }
        return { raw: r.value, loadMs, loadStartMs: t0 };
      });
      loadChain = loaded.catch(() => undefined);
      const p = loaded.then(async (x): Promise<Produced<B>> => {
        if (x === DONE) return DONE;
        let value: B;
        let transformMs = 0;
        let transformWallMs = 0;
        let transformStartMs = x.loadStartMs + x.loadMs;
        if (transform) {
          const work = new WorkMeter();
          const t1 = performance.now();
          transformStartMs = t1;
          value = await transform(x.raw, work);
          transformWallMs = performance.now() - t1;
          transformMs = work.reported ? work.ms : transformWallMs;
        } else {
          value = x.raw as unknown as B;
        }
        return {
          value,
          loadMs: x.loadMs,
          transformMs,
          transformWallMs,
          loadStartMs: x.loadStartMs,
          transformStartMs,
          size: checkedSize(this.sizeOf(value)),
        };
      });
      p.catch(() => undefined); // rejections surface when awaited in order below
      return p;
    };

    let finished = false;
    try {
      for (;;) {
        if (queue.length === 0) queue.push(produce());
        const item = await queue.shift()!;
        if (item === DONE) break;
        while (queue.length < this.prefetch && !sourceDone) queue.push(produce());
        yield item;
      }
      finished = true;
    } finally {
      for (const p of queue.splice(0)) {
        try {
          const item = await p;
          if (item !== DONE) onDrop?.(item.value);
        } catch {
          // a failed prefetch of a batch nobody wants
        }
      }
      if (!finished || !sourceDone) {
        // Early exit (limit reached, error): let the source clean up.
        try {
          await (it as { return?: () => unknown }).return?.();
        } catch {
          // ignore cleanup errors
        }
      }
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    for await (const b of this.timed()) yield b.value;
  }
}
