/**
 * Batch offsetting over flat arrays: one native call for many polygons. The `*Async` variants run
 * the same work on a libuv worker thread (inputs are copied first, so the caller may reuse its
 * arrays at once) and never block the event loop.
 */
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

type Values = number | Float64Array;

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

function run(input: BatchInput, values: Values, spec: Spec): FlatPolygons {
  return geometryNative().geomOffsetBatch(...nativeArgs(input, values, spec));
}

async function runAsync(input: BatchInput, values: Values, spec: Spec): Promise<FlatPolygons> {
  const site = new Error('offset batch called from');
  try {
    return await geometryNative().geomOffsetBatchAsync(...nativeArgs(input, values, spec));
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
 * way; `polygonRings` says which belong to which input polygon.
 */
export function offsetBatch(input: OffsetBatchInput, options?: OffsetOptions): FlatPolygons {
  const { values, spec } = prepareOffset(input, options);
  return run(input, values, spec);
}

/** {@link offsetBatch} on a worker thread. */
export async function offsetBatchAsync(input: OffsetBatchInput, options?: OffsetOptions): Promise<FlatPolygons> {
  const { values, spec } = prepareOffset(input, options);
  return runAsync(input, values, spec);
}

/** DB shrink of many polygons: polygon i by D = A·(1 − r²)/L with r = ratios[i]. */
export function shrinkBatch(input: RatioBatchInput, options?: ShrinkOptions): FlatPolygons {
  const { values, spec } = prepareRatio(input, 'shrink', options);
  return run(input, values, spec);
}

/** {@link shrinkBatch} on a worker thread. */
export async function shrinkBatchAsync(input: RatioBatchInput, options?: ShrinkOptions): Promise<FlatPolygons> {
  const { values, spec } = prepareRatio(input, 'shrink', options);
  return runAsync(input, values, spec);
}

/** DB unclip of many polygons: polygon i by D = A·ratio/L. */
export function unclipBatch(input: RatioBatchInput, options?: UnclipOptions): FlatPolygons {
  const { values, spec } = prepareRatio(input, 'unclip', options);
  return run(input, values, spec);
}

/** {@link unclipBatch} on a worker thread. */
export async function unclipBatchAsync(input: RatioBatchInput, options?: UnclipOptions): Promise<FlatPolygons> {
  const { values, spec } = prepareRatio(input, 'unclip', options);
  return runAsync(input, values, spec);
}
