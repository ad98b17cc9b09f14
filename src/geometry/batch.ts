/**
 * Batch offsetting over flat arrays: one native call for many polygons. The `*Async` variants run
 * the same work off the JS thread (inputs are copied first, so the caller may reuse its arrays at
 * once) and never block the event loop; a batch of at least 512 polygons is split into chunks
 * of consecutive polygons over the native thread pool (every core, or `threads`), with the
 * same result, element for element, as one thread. The synchronous ones accept caller-provided
 * output storage ({@link BatchOutput}), reused from call to call.
 */
import { z } from 'zod';
import { parseOptions } from '../validation/options';
import { OcrPerfkitRangeError, OcrPerfkitTypeError } from '../errors';
import { checkFlat } from './flat';
import { type NativeOffsetSpec, geometryNative } from './native';
import { packOffsetSpec, resolveOffsetSpec, type OffsetOptions, type ShrinkOptions, type UnclipOptions } from './options';
import type { FlatPolygons, FlatRings } from './types';

/** Input of {@link offsetBatch}: n polygons (one ring each unless `polygonRings` groups rings). */
export interface OffsetBatchInput extends FlatRings {
  /** Optional grouping: polygon i is rings `polygonRings[i] .. polygonRings[i+1]-1` (n + 1 entries). */
  polygonRings?: Uint32Array;
  /** One delta for all polygons, or one per polygon. */
  deltas: number | Float64Array;
}

/** Input of {@link shrinkBatch} / {@link unclipBatch}: n single-ring polygons. */
export interface RatioBatchInput extends FlatRings {
  /** One ratio for all polygons or one per polygon; default: the options' `ratio` or 0.4 / 1.5. */
  ratios?: number | Float64Array;
}

/**
 * Caller-provided storage for a synchronous batch result (the last argument of
 * {@link offsetBatch}, {@link shrinkBatch}, {@link unclipBatch}). The result is written to the start
 * of each array and returned as views of those entries (`subarray`-like: same buffers), so no new
 * result buffer is allocated; reusing the same arrays across calls also saves the page faults of
 * fresh memory. The returned arrays alias these: they are overwritten by the next call that uses
 * them. An array too small for the result throws `OcrPerfkitRangeError` `ERR_BUFFER_SIZE` (its
 * message gives the sizes needed) and leaves them unchanged. Typical sizes: `polygonRings` n + 1,
 * `ringOffsets` (rings out) + 1 (about n + 1 for DB shrink/unclip), `coords` 2 × (points out).
 */
export interface BatchOutput {
  /** Room for the result's `x0, y0, x1, y1, ...`. */
  coords: Float64Array;
  /** Room for the result's ring offsets (output rings + 1 entries). */
  ringOffsets: Uint32Array;
  /** Room for the result's polygon → ring index (input polygons + 1 entries). */
  polygonRings: Uint32Array;
}

type Values = number | Float64Array;

function checkOut(out: unknown): BatchOutput | undefined {
  if (out === undefined) return undefined;
  const o = out as Partial<BatchOutput> | null;
  if (
    typeof o !== 'object' ||
    o === null ||
    !(o.coords instanceof Float64Array) ||
    !(o.ringOffsets instanceof Uint32Array) ||
    !(o.polygonRings instanceof Uint32Array)
  ) {
    throw new OcrPerfkitTypeError(
      'out must be { coords: Float64Array, ringOffsets: Uint32Array, polygonRings: Uint32Array }',
      'ERR_INVALID_ARGUMENT',
    );
  }
  return o as BatchOutput;
}

function checkValues(v: unknown, name: string): Values {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new OcrPerfkitRangeError(`${name} must be finite, got ${v}`, 'ERR_OUT_OF_RANGE');
    return v;
  }
  if (v instanceof Float64Array) return v;
  throw new OcrPerfkitTypeError(`${name} must be a number or a Float64Array`);
}

type Spec = NativeOffsetSpec & { cacheHandle?: unknown };

type BatchInput = FlatRings & { polygonRings?: Uint32Array };

/** The native batch entries' arguments (sync and async take the same). */
function nativeArgs(input: BatchInput, values: Values, spec: Spec) {
  return [input.coords, input.ringOffsets, input.polygonRings ?? null, values, packOffsetSpec(spec), spec.cacheHandle] as const;
}

function run(input: BatchInput, values: Values, spec: Spec, out?: BatchOutput): FlatPolygons {
  const native = geometryNative();
  if (out === undefined) return native.geomOffsetBatch(...nativeArgs(input, values, spec));
  return native.geomOffsetBatch(...nativeArgs(input, values, spec), out.coords, out.ringOffsets, out.polygonRings);
}

/** Options of the `*BatchAsync` calls (the third argument). */
export interface AsyncBatchOptions {
  /** Most threads to use, the calling pool thread included (0 or absent = every core). */
  threads?: number;
}

const asyncBatchSchema = z.object({ threads: z.number().int().min(0).max(1024).optional() }).strict();

async function runAsync(input: BatchInput, values: Values, spec: Spec, batch: AsyncBatchOptions | undefined): Promise<FlatPolygons> {
  const { threads } = parseOptions(asyncBatchSchema, batch ?? {}, 'batchOptions');
  const site = new Error('offset batch called from');
  try {
    return await geometryNative().geomOffsetBatchAsync(...nativeArgs(input, values, spec), threads ?? 0);
  } catch (err) {
    // Keep the caller's stack: the native rejection happens after the worker finished.
    if (err instanceof Error && site.stack) err.stack = `${err.stack}\n    --- async call site ---\n${site.stack}`;
    throw err;
  }
}

function prepareOffset(input: OffsetBatchInput, options?: OffsetOptions) {
  checkFlat(input);
  return { values: checkValues(input.deltas, 'input.deltas'), spec: resolveOffsetSpec(options) };
}

function prepareRatio(input: RatioBatchInput, kind: 'shrink' | 'unclip', options?: ShrinkOptions | UnclipOptions) {
  checkFlat(input);
  if ((input as { polygonRings?: unknown }).polygonRings !== undefined) {
    throw new OcrPerfkitTypeError(`${kind}Batch takes single-ring polygons: polygonRings is not accepted`);
  }
  const spec = resolveOffsetSpec(options, kind);
  const fallback = spec.ratio ?? (kind === 'shrink' ? 0.4 : 1.5);
  return { values: checkValues(input.ratios ?? fallback, 'input.ratios'), spec };
}

/**
 * Offsets polygon i of `input` by `deltas[i]` (or the single delta). Output rings are flat the same
 * way; `polygonRings` says which belong to which input polygon. With `out`, the result is written
 * there and returned as views of it (see {@link BatchOutput}).
 */
export function offsetBatch(input: OffsetBatchInput, options?: OffsetOptions, out?: BatchOutput): FlatPolygons {
  const { values, spec } = prepareOffset(input, options);
  return run(input, values, spec, checkOut(out));
}

/** {@link offsetBatch} off the JS thread; large batches on every core (see {@link AsyncBatchOptions}). */
export async function offsetBatchAsync(input: OffsetBatchInput, options?: OffsetOptions, batch?: AsyncBatchOptions): Promise<FlatPolygons> {
  const { values, spec } = prepareOffset(input, options);
  return runAsync(input, values, spec, batch);
}

/** DB shrink of many polygons: polygon i by D = A·(1 − r²)/L with r = ratios[i]; `out`: see {@link BatchOutput}. */
export function shrinkBatch(input: RatioBatchInput, options?: ShrinkOptions, out?: BatchOutput): FlatPolygons {
  const { values, spec } = prepareRatio(input, 'shrink', options);
  return run(input, values, spec, checkOut(out));
}

/** {@link shrinkBatch} off the JS thread; large batches on every core (see {@link AsyncBatchOptions}). */
export async function shrinkBatchAsync(input: RatioBatchInput, options?: ShrinkOptions, batch?: AsyncBatchOptions): Promise<FlatPolygons> {
  const { values, spec } = prepareRatio(input, 'shrink', options);
  return runAsync(input, values, spec, batch);
}

/** DB unclip of many polygons: polygon i by D = A·ratio/L; `out`: see {@link BatchOutput}. */
export function unclipBatch(input: RatioBatchInput, options?: UnclipOptions, out?: BatchOutput): FlatPolygons {
  const { values, spec } = prepareRatio(input, 'unclip', options);
  return run(input, values, spec, checkOut(out));
}

/** {@link unclipBatch} off the JS thread; large batches on every core (see {@link AsyncBatchOptions}). */
export async function unclipBatchAsync(input: RatioBatchInput, options?: UnclipOptions, batch?: AsyncBatchOptions): Promise<FlatPolygons> {
  const { values, spec } = prepareRatio(input, 'unclip', options);
  return runAsync(input, values, spec, batch);
}
