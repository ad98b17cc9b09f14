/**
 * Polygon inputs of the targets API and their conversion to the flat form the addon reads
 * (interleaved float64 coordinates + ring offsets + ignore flags), done once per call.
 */
import { OcrPerfkitRangeError, OcrPerfkitTypeError } from '../errors';

/** A point as `[x, y]` (x to the right, y down, pixel centres at integers). */
export type Point = readonly [number, number];

/** A polygon with an ignore flag (`###`/illegible text: masked out of the loss, no target). */
export interface LabeledPolygon {
  /** Vertices in order (either orientation), at least 3. */
  points: ReadonlyArray<Point>;
  /** Ignore this polygon (DB `ignore_tags`). Default `false`. */
  ignore?: boolean;
}

/** Polygons already in flat form (the fast path: no conversion). */
export interface FlatPolygons {
  /** Interleaved x, y coordinates of every polygon, back to back. */
  xy: Float64Array;
  /** `count + 1` point offsets: polygon i uses points `offsets[i] .. offsets[i+1]-1`; `offsets[0] = 0`. */
  offsets: Uint32Array;
  /** Optional `count` ignore flags (non-zero = ignore). */
  ignore?: Uint8Array;
}

/** Any accepted polygon list: labeled polygons, bare point lists, or the flat form. */
export type PolygonsInput = ReadonlyArray<LabeledPolygon | ReadonlyArray<Point>> | FlatPolygons;

/** True when `p` is the flat form. */
export function isFlatPolygons(p: unknown): p is FlatPolygons {
  return typeof p === 'object' && p !== null && !Array.isArray(p) && (p as FlatPolygons).xy instanceof Float64Array;
}

/** Converts any accepted polygon list to the flat form (returns flat input as is). */
export function toFlatPolygons(input: PolygonsInput): FlatPolygons {
  if (isFlatPolygons(input)) {
    if (!(input.offsets instanceof Uint32Array)) {
      throw new OcrPerfkitTypeError('polygons.offsets must be a Uint32Array', 'ERR_INVALID_ARGUMENT');
    }
    if (input.ignore !== undefined && !(input.ignore instanceof Uint8Array)) {
      throw new OcrPerfkitTypeError('polygons.ignore must be a Uint8Array', 'ERR_INVALID_ARGUMENT');
    }
    return input;
  }
  if (!Array.isArray(input)) {
    throw new OcrPerfkitTypeError(
      'polygons must be an array of polygons or { xy: Float64Array, offsets: Uint32Array }',
      'ERR_INVALID_ARGUMENT',
    );
  }
  const list = input as ReadonlyArray<LabeledPolygon | ReadonlyArray<Point>>;
  let total = 0;
  for (let i = 0; i < list.length; i++) total += pointsOf(list[i], i).length;
  if (total > 0xffffffff) throw new OcrPerfkitRangeError('too many points', 'ERR_OUT_OF_RANGE');
  const xy = new Float64Array(total * 2);
  const offsets = new Uint32Array(list.length + 1);
  const ignore = new Uint8Array(list.length);
  let k = 0;
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const pts = pointsOf(item, i);
    for (let j = 0; j < pts.length; j++) {
      const p = pts[j];
      if (!Array.isArray(p) || p.length < 2) {
        throw new OcrPerfkitTypeError(`polygons[${i}] point ${j} must be [x, y]`, 'ERR_INVALID_ARGUMENT');
      }
      xy[k++] = toCoordinate(p[0], i, j);
      xy[k++] = toCoordinate(p[1], i, j);
    }
    offsets[i + 1] = k / 2;
    ignore[i] = !Array.isArray(item) && (item as LabeledPolygon).ignore ? 1 : 0;
  }
  return { xy, offsets, ignore };
}

function pointsOf(item: LabeledPolygon | ReadonlyArray<Point> | undefined, i: number): ReadonlyArray<Point> {
  if (Array.isArray(item)) return item as ReadonlyArray<Point>;
  if (item && typeof item === 'object' && Array.isArray((item as LabeledPolygon).points)) {
    return (item as LabeledPolygon).points;
  }
  throw new OcrPerfkitTypeError(
    `polygons[${i}] must be an array of [x, y] points or { points, ignore? }`,
    'ERR_INVALID_ARGUMENT',
  );
}

function toCoordinate(v: unknown, i: number, j: number): number {
  if (typeof v !== 'number') {
    throw new OcrPerfkitTypeError(`polygons[${i}] point ${j} has a non-number coordinate`, 'ERR_INVALID_ARGUMENT');
  }
  if (!Number.isFinite(v)) {
    throw new OcrPerfkitRangeError(`polygons[${i}] point ${j} has a non-finite coordinate`, 'ERR_INVALID_POLYGON');
  }
  return v;
}

/** Number of polygons in a flat list. */
export function polygonCount(p: FlatPolygons): number {
  return Math.max(0, p.offsets.length - 1);
}
