/**
 * Offsetting on `[[x, y], ...]` paths: {@link offsetPaths} and the DB helpers
 * {@link shrinkPolygon} / {@link unclipPolygon}. Each call converts once and makes one native call.
 */
import { OcrPerfkitRangeError, OcrPerfkitTypeError } from '../errors';
import { pathsToFlat, polygonPaths } from './flat';
import { geometryNative } from './native';
import { packOffsetSpec, resolveOffsetSpec, type OffsetOptions, type ShrinkOptions, type UnclipOptions } from './options';
import type { Path, Paths } from './types';

/**
 * Offsets `paths` (one group: outer rings and holes together) by `delta` (positive grows, negative
 * shrinks) and returns the cleaned result paths (union with the positive fill rule, as Clipper).
 *
 * @throws OcrPerfkitTypeError `ERR_INVALID_ARGUMENT` for malformed paths; OcrPerfkitRangeError
 *   `ERR_INVALID_POLYGON` (NaN/Infinity, closed path with < 3 points), `ERR_COORDINATE_OVERFLOW`
 *   (|coordinate × scale| > 2^53), `ERR_OUT_OF_RANGE` (bad delta), `ERR_INVALID_CONFIG` (options).
 */
export function offsetPaths(paths: Paths, delta: number, options?: OffsetOptions): Paths {
  const spec = resolveOffsetSpec(options);
  const flat = pathsToFlat(paths);
  const groups = new Uint32Array([0, paths.length]);
  const res = geometryNative().geomOffsetBatch(flat.coords, flat.ringOffsets, groups, checkDelta(delta), packOffsetSpec(spec), spec.cacheHandle);
  return polygonPaths(res, 0);
}

/**
 * DB shrink: moves `polygon` inwards by D = A·(1 − r²)/L (A = |area|, L = perimeter of the float
 * polygon; r = `ratio`, default 0.4) and returns every resulting path (empty when it vanishes).
 * In pyclipper mode this is exactly what DBNet/PaddleOCR/MMOCR compute with pyclipper.
 */
export function shrinkPolygon(polygon: Path, options?: ShrinkOptions): Paths {
  const spec = resolveOffsetSpec(options, 'shrink');
  const flat = pathsToFlat([polygon], 'polygon');
  const res = geometryNative().geomOffsetBatch(flat.coords, flat.ringOffsets, null, spec.ratio ?? 0.4, packOffsetSpec(spec), spec.cacheHandle);
  return polygonPaths(res, 0);
}

/** DB unclip: moves `polygon` outwards by D = A·ratio/L (default ratio 1.5); every result path. */
export function unclipPolygon(polygon: Path, options?: UnclipOptions): Paths {
  const spec = resolveOffsetSpec(options, 'unclip');
  const flat = pathsToFlat([polygon], 'polygon');
  const res = geometryNative().geomOffsetBatch(flat.coords, flat.ringOffsets, null, spec.ratio ?? 1.5, packOffsetSpec(spec), spec.cacheHandle);
  return polygonPaths(res, 0);
}

/** A finite number, else a typed error (TypeError for a non-number, RangeError for NaN/Infinity). */
export function checkDelta(delta: unknown, name = 'delta'): number {
  if (typeof delta !== 'number') throw new OcrPerfkitTypeError(`${name} must be a number, got ${typeof delta}`);
  if (!Number.isFinite(delta)) throw new OcrPerfkitRangeError(`${name} must be finite, got ${delta}`, 'ERR_OUT_OF_RANGE');
  return delta;
}
