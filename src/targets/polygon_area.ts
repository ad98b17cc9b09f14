/** Small polygon helpers for detection evaluation (areas and intersection areas). */
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

/** True when the ring is convex (collinear vertices allowed). */
export function isConvex(p: ReadonlyArray<Point>): boolean {
  let sign = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] as Point;
    const b = p[(i + 1) % p.length] as Point;
    const c = p[(i + 2) % p.length] as Point;
    const cr = (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]);
    if (cr !== 0) {
      if (sign === 0) sign = Math.sign(cr);
      else if (Math.sign(cr) !== sign) return false;
    }
  }
  return true;
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
 * Area of the intersection of two simple polygons. Exact when either is convex; otherwise
 * estimated by even-odd point sampling on a 0.25 px grid over the common bounding box.
 */
export function intersectionArea(a: ReadonlyArray<Point>, b: ReadonlyArray<Point>): number {
  if (a.length < 3 || b.length < 3) return 0;
  if (isConvex(b)) return polygonArea(clipConvex(a, b));
  if (isConvex(a)) return polygonArea(clipConvex(b, a));
  const box = (p: ReadonlyArray<Point>) => {
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
    return [x0, y0, x1, y1] as const;
  };
  const [ax0, ay0, ax1, ay1] = box(a);
  const [bx0, by0, bx1, by1] = box(b);
  const x0 = Math.max(ax0, bx0);
  const y0 = Math.max(ay0, by0);
  const x1 = Math.min(ax1, bx1);
  const y1 = Math.min(ay1, by1);
  if (x1 <= x0 || y1 <= y0) return 0;
  const step = 0.25;
  let hits = 0;
  for (let y = y0 + step / 2; y < y1; y += step) {
    for (let x = x0 + step / 2; x < x1; x += step) if (inside(a, x, y) && inside(b, x, y)) hits++;
  }
  return hits * step * step;
}

function inside(p: ReadonlyArray<Point>, x: number, y: number): boolean {
  let c = false;
  for (let i = 0, j = p.length - 1; i < p.length; j = i++) {
    const [xi, yi] = p[i] as Point;
    const [xj, yj] = p[j] as Point;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}
