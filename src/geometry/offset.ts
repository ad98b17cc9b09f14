/**
 * Offsetting on `[[x, y], ...]` paths: {@link offsetPaths} and the DB helpers
 * {@link shrinkPolygon} / {@link unclipPolygon}. Each call converts once and makes one native call.
 */
import { OcrPerfkitRangeError, OcrPerfkitTypeError } from '../errors';
import { flatToPaths, IO_HEADER, pathsToScratch, scratch, scratchToPaths } from './flat';
import { geometryNative } from './native';
import { type OffsetOptions, type ResolvedOffsetCall, resolveOffsetCall, type ShrinkOptions, type UnclipOptions } from './options';
import type { Path, Paths } from './types';

/**
 * One polygon (the rings pathsToScratch put in `scratch.io`) through the addon's single-polygon
 * entry: no per-call buffers unless the result outgrows the buffer.
 */
function offsetScratch(points: number, rings: number, value: number, call: ResolvedOffsetCall): Paths {
  let io = scratch.io;
  if (scratch.packed !== call.packed) {
    io.set(call.packed, 0);
    scratch.packed = call.packed;
  }
  io[13] = points;
  io[14] = rings;
  io[15] = value;
  const res = geometryNative().geomOffsetOne(io, call.cacheHandle);
  if (typeof res === 'number') return scratchToPaths(IO_HEADER + 2 * points + rings + 1, res);
  // Larger than the buffer: use the returned arrays, and grow the buffer for next time.
  const need = IO_HEADER + 2 * points + rings + 1 + res.coords.length + res.ringOffsets.length;
  if (io.length < need) {
    io = new Float64Array(2 * need);
    scratch.io = io;
    scratch.packed = null;
  }
  return flatToPaths(res, res.polygonRings[0]!, res.polygonRings[1]!);
}

/**
 * Offsets `paths` (one group: outer rings and holes together) by `delta` (positive grows, negative
 * shrinks) and returns the cleaned result paths (union with the positive fill rule, as Clipper).
 *
 * @throws OcrPerfkitTypeError `ERR_INVALID_ARGUMENT` for malformed paths; OcrPerfkitRangeError
 *   `ERR_INVALID_POLYGON` (NaN/Infinity, closed path with < 3 points), `ERR_COORDINATE_OVERFLOW`
 *   (|coordinate × scale| > 2^53), `ERR_OUT_OF_RANGE` (bad delta or option value), `ERR_INVALID_ARGUMENT` (wrong option types or unknown keys).
 */
export function offsetPaths(paths: Paths, delta: number, options?: OffsetOptions): Paths {
  const call = resolveOffsetCall(options);
  const points = pathsToScratch(paths);
  return offsetScratch(points, paths.length, checkDelta(delta), call);
}

/**
 * DB shrink: moves `polygon` inwards by D = A·(1 − r²)/L (A = |area|, L = perimeter of the float
 * polygon; r = `ratio`, default 0.4) and returns every resulting path (empty when it vanishes).
 * In pyclipper mode this is exactly what DBNet/PaddleOCR/MMOCR compute with pyclipper.
 */
export function shrinkPolygon(polygon: Path, options?: ShrinkOptions): Paths {
  const call = resolveOffsetCall(options, 'shrink');
  const points = pathsToScratch([polygon], 'polygon');
  return offsetScratch(points, 1, call.ratio ?? 0.4, call);
}

/** DB unclip: moves `polygon` outwards by D = A·ratio/L (default ratio 1.5); every result path. */
export function unclipPolygon(polygon: Path, options?: UnclipOptions): Paths {
  const call = resolveOffsetCall(options, 'unclip');
  const points = pathsToScratch([polygon], 'polygon');
  return offsetScratch(points, 1, call.ratio ?? 1.5, call);
}

/** A finite number, else a typed error (TypeError for a non-number, RangeError for NaN/Infinity). */
export function checkDelta(delta: unknown, name = 'delta'): number {
  if (typeof delta !== 'number') throw new OcrPerfkitTypeError(`${name} must be a number, got ${typeof delta}`);
  if (!Number.isFinite(delta)) throw new OcrPerfkitRangeError(`${name} must be finite, got ${delta}`, 'ERR_OUT_OF_RANGE');
  return delta;
}
