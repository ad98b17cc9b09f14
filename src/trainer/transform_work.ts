/**
 * How a {@link DataLoader} transform reports its own work ({@link TransformWork}), as opposed to
 * the wall time from its start to its result, and how a pool's execution time becomes that work.
 */
import { OcrPerfkitRangeError } from '../errors';

/**
 * Second argument of a {@link DataLoader} transform, for reporting the time it actually worked
 * on the batch. Without a report the batch's `transformMs` is the wall time from the start of
 * the transform to its result, which for an async transform also counts waiting (for native or
 * worker threads, and for the JS thread while a synchronous training step holds it).
 *
 * @example
 * ```ts
 * transform: async (raw, work) => {
 *   const targets = await makeDbTargetsBatch(samplesOf(raw));
 *   for (const t of targets) work.add(t.computeMs); // native time, summed over images
 *   return work.time(() => pack(raw, targets));     // synchronous JS work
 * }
 * ```
 */
export interface TransformWork {
  /** Runs `fn` (synchronous) now, counts its duration as work and returns its result. */
  time<T>(fn: () => T): T;
  /** Adds work measured elsewhere, in ms (finite, ≥ 0), e.g. native `computeMs`. */
  add(ms: number): void;
}

/** The loader's {@link TransformWork}: sums what the transform reports. */
export class WorkMeter implements TransformWork {
  ms = 0;
  reported = false;

  time<T>(fn: () => T): T {
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      this.ms += performance.now() - t0;
      this.reported = true;
    }
  }

  add(ms: number): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new OcrPerfkitRangeError(`TransformWork.add: ms must be a finite number >= 0, got ${String(ms)}`, 'ERR_OUT_OF_RANGE');
    }
    this.ms += ms;
    this.reported = true;
  }
}

/** A pool the loader can run transforms on ({@link WorkerPool}, or your own). */
export interface TransformPool<R, B> {
  /** Runs the transform on one raw item. */
  run(input: R): Promise<B>;
  /** Optional: the same, with the pool's own execution time (used as `transformMs`). */
  runTimed?(input: R): Promise<{ value: B; execMs: number }>;
}

/** A transform that runs on `pool`, reporting the pool's execution time when it gives one. */
export function poolTransform<R, B>(pool: TransformPool<R, B>): (raw: R, work: TransformWork) => Promise<B> {
  const runTimed = pool.runTimed?.bind(pool);
  if (!runTimed) return (raw) => pool.run(raw);
  return async (raw, work) => {
    const r = await runTimed(raw);
    if (Number.isFinite(r.execMs) && r.execMs >= 0) work.add(r.execMs);
    return r.value;
  };
}

