/** Small polygon helpers for detection evaluation (areas and intersection areas). */
import { flatToPaths } from '../geometry/flat';
import { isConvex } from '../geometry/measures';
import { geometryNative } from '../geometry/native';
import type { Point } from './polygons';

/** Absolute shoelace area. */
export function polygonArea(p: ReadonlyArray<Point>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] as Point;
    const b = p[(i + 1) % p.length] as Point;
    s += a[0] * b[1] - b[0] * a[1];
  }
  return Math.abs(s) / 2;
}

function signedArea(p: ReadonlyArray<Point>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] as Point;
    const b = p[(i + 1) % p.length] as Point;
    s += a[0] * b[1] - b[0] * a[1];
  }
  return s / 2;
}

/** Sutherland–Hodgman: `subject` clipped by the convex polygon `clip`. */
function clipConvex(subject: ReadonlyArray<Point>, clip: ReadonlyArray<Point>): Point[] {
  const orient = signedArea(clip) >= 0 ? 1 : -1;
  let out: Point[] = subject.slice();
  for (let i = 0; i < clip.length && out.length > 0; i++) {
    const a = clip[i] as Point;
    const b = clip[(i + 1) % clip.length] as Point;
    const side = (p: Point) => orient * ((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]));
    const input = out;
    out = [];
    for (let k = 0; k < input.length; k++) {
      const cur = input[k] as Point;
      const prev = input[(k + input.length - 1) % input.length] as Point;
      const sc = side(cur);
      const sp = side(prev);
      if (sc >= 0) {
        if (sp < 0) out.push(intersect(prev, cur, sp, sc));
        out.push(cur);
      } else if (sp >= 0) {
        out.push(intersect(prev, cur, sp, sc));
      }
    }
  }
  return out;
}

function intersect(p: Point, q: Point, sp: number, sq: number): Point {
  const t = sp / (sp - sq);
  return [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
}

/**
 * Area of the intersection of two polygons: exact (Sutherland–Hodgman) when either is convex;
 * otherwise through the geometry engine's intersection (even-odd fill, as the point-in-polygon
 * test of the official script), with coordinates taken relative to the common bounding box and
 * scaled by a power of two (2^20, or less for huge coordinates), so vertices move by at most
 * 2^-21 px. It used to sample a 0.25 px grid over the common box, which for far-flung
 * coordinates (a box with a corner at 1e308 from a broken detector) never finished.
 */
export function intersectionArea(a: ReadonlyArray<Point>, b: ReadonlyArray<Point>): number {
  if (a.length < 3 || b.length < 3) return 0;
  if (isConvex(b)) return polygonArea(clipConvex(a, b));
  if (isConvex(a)) return polygonArea(clipConvex(b, a));
  const [ax0, ay0, ax1, ay1] = bounds(a);
  const [bx0, by0, bx1, by1] = bounds(b);
  const x0 = Math.max(ax0, bx0);
  const y0 = Math.max(ay0, by0);
  const x1 = Math.min(ax1, bx1);
  const y1 = Math.min(ay1, by1);
  if (!(x1 > x0 && y1 > y0)) return 0;
  const coords = new Float64Array(2 * (a.length + b.length));
  let k = 0;
  let reach = 0;
  for (const [x, y] of [...a, ...b] as Point[]) {
    coords[k++] = x - x0;
    coords[k++] = y - y0;
    reach = Math.max(reach, Math.abs(x - x0), Math.abs(y - y0));
  }
  if (!Number.isFinite(reach)) return 0;
  // The engine needs |coordinate × scale| ≤ 2^53; 2^50 leaves room for its arithmetic.
  const scale = reach > 0 ? 2 ** Math.min(20, Math.floor(Math.log2(2 ** 50 / reach))) : 2 ** 20;
  const split = 2 * a.length;
  const res = geometryNative().geomBooleanOp(
    coords.subarray(0, split),
    Uint32Array.of(0, a.length),
    coords.subarray(split),
    Uint32Array.of(0, b.length),
    { op: 'intersection', fillRule: 'evenOdd', scale, preserveCollinear: false, reverseSolution: false },
  );
  // Outer rings and holes have opposite orientations: the signed areas sum to the area.
  return Math.abs(flatToPaths(res).reduce((sum, ring) => sum + signedArea(ring), 0));
}

function bounds(p: ReadonlyArray<Point>): readonly [number, number, number, number] {
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const [x, y] of p) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return [x0, y0, x1, y1];
}
