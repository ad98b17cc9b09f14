/**
 * The slice of the TensorFlow.js API the trainer and callbacks use, typed structurally so any
 * tfjs copy works (`@tensorflow/tfjs`, `-node`, `-node-gpu`). Pass your `tf` namespace where an
 * option asks for it; when you don't, {@link loadTf} requires `@tensorflow/tfjs-core` lazily.
 * tfjs-core keeps its engine in a process-global slot, so tensors from any copy are tracked by
 * the same engine and `tidy`/`memory` see them all.
 */
import { OcrPerfkitError } from '../errors';

/** The tensor members we touch. */
export interface TensorLike {
  readonly shape: readonly number[];
  readonly size: number;
  readonly dtype: string;
  readonly isDisposed: boolean;
  dispose(): void;
  data(): Promise<ArrayLike<number> | Uint8Array[]>;
}

/** What `tf.memory()` returns. */
export interface TfMemoryInfo {
  numTensors: number;
  numBytes: number;
  numDataBuffers?: number;
  /** Backends that cannot count exactly set this. */
  unreliable?: boolean;
  /** GPU bytes (webgl backend). */
  numBytesInGPU?: number;
}

/** The tf namespace functions we use. */
export interface TfLike {
  /**
   * `tf.tidy(fn)`: returns what `fn` returns, disposing every other tensor it made. Typed with
   * `() => never` so every tfjs copy's overloads match; call it through {@link tidy}.
   */
  tidy(fn: () => never): unknown;
  dispose(container: unknown): void;
  memory(): TfMemoryInfo;
  /** `tf.add(a, b)`; typed loosely so every tfjs copy matches, call it through {@link add}. */
  add(a: never, b: never): unknown;
}

let cached: TfLike | undefined;

/**
 * Returns `tf` when given, else loads `@tensorflow/tfjs-core` (then `@tensorflow/tfjs`) once.
 * Throws `ERR_UNAVAILABLE` when neither is installed.
 */
export function loadTf(tf?: TfLike): TfLike {
  if (tf) return tf;
  if (cached) return cached;
  for (const name of ['@tensorflow/tfjs-core', '@tensorflow/tfjs']) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      cached = require(name) as TfLike;
      return cached;
    } catch {
      // try the next one
    }
  }
  throw new OcrPerfkitError(
    'ocr-perfkit: TensorFlow.js not found; install @tensorflow/tfjs (or -node/-node-gpu) or pass options.tf',
    'ERR_UNAVAILABLE',
  );
}

/** Typed `tf.tidy`. */
export function tidy<T>(tf: TfLike, fn: () => T): T {
  return tf.tidy(fn as () => never) as T;
}

/** Typed `tf.add`. */
export function add(tf: TfLike, a: TensorLike, b: TensorLike | number): TensorLike {
  return tf.add(a as never, b as never) as TensorLike;
}

/** True for a tfjs tensor (duck-typed: `dataId`, `shape`, `dispose`). */
export function isTensor(v: unknown): v is TensorLike {
  return (
    v !== null &&
    typeof v === 'object' &&
    'dataId' in v &&
    Array.isArray((v as { shape?: unknown }).shape) &&
    typeof (v as { dispose?: unknown }).dispose === 'function'
  );
}

/** First dimension of the first tensor found in `batch` (depth ≤ 3), or `undefined`. */
export function leadingDim(batch: unknown, depth = 0): number | undefined {
  if (isTensor(batch)) return batch.shape.length > 0 ? batch.shape[0] : undefined;
  if (depth >= 3 || batch === null || typeof batch !== 'object') return undefined;
  if (ArrayBuffer.isView(batch)) return undefined;
  const values = Array.isArray(batch) ? batch : Object.values(batch as Record<string, unknown>);
  for (const v of values) {
    const n = leadingDim(v, depth + 1);
    if (n !== undefined) return n;
  }
  return undefined;
}
