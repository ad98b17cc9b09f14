/** Plain measures of paths (pure TypeScript: cheap enough not to cross into native code). */
import { OcrPerfkitRangeError, OcrPerfkitTypeError } from '../errors';
import type { Path, Paths } from './types';

function checkPath(path: unknown, name: string): asserts path is Path {
  if (!Array.isArray(path)) throw new OcrPerfkitTypeError(`${name} must be an array of [x, y] points`);
  for (let i = 0; i < path.length; i++) {
    const p = path[i];
    if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number') {
      throw new OcrPerfkitTypeError(`${name}[${i}] must be an [x, y] pair of numbers`);
    }
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      throw new OcrPerfkitRangeError(`${name}[${i}] has a NaN or infinite coordinate`, 'ERR_INVALID_POLYGON');
    }
  }
}

function isPaths(v: unknown): v is Paths {
  return Array.isArray(v) && v.length > 0 && Array.isArray(v[0]) && Array.isArray(v[0][0]);
}

function ringArea(path: Path): number {
  let a = 0;
  const n = path.length;
  if (n < 3) return 0;
  for (let i = 0, j = n - 1; i < n; j = i++) a += (path[j]![0] + path[i]![0]) * (path[j]![1] - path[i]![1]);
  return -a / 2;
}

/**
 * Signed area (shoelace). Positive when the path is "positive" in Clipper's sense (counter-clockwise
 * with y up, i.e. clockwise on screen with y down). For several paths, the sum (holes subtract
 * when oppositely oriented).
 */
export function area(path: Path | Paths): number {
  if (isPaths(path)) {
    let sum = 0;
    path.forEach((p, i) => {
      checkPath(p, `paths[${i}]`);
      sum += ringArea(p);
    });
    return sum;
  }
  checkPath(path, 'path');
  return ringArea(path);
}

/** Length of the closed boundary (`closed = false`: the open polyline). For several paths, the sum. */
export function perimeter(path: Path | Paths, closed = true): number {
  if (isPaths(path)) return path.reduce((s, p) => s + perimeter(p, closed), 0);
  checkPath(path, 'path');
  let len = 0;
  const n = path.length;
  for (let i = 1; i <= (closed ? n : n - 1) && n > 1; i++) {
    const a = path[i - 1]!;
    const b = path[i % n]!;
    len += Math.hypot(b[0] - a[0], b[1] - a[1]);
  }
  return len;
}

/** Clipper's `Orientation`: true when the signed {@link area} is >= 0. */
export function orientation(path: Path): boolean {
  checkPath(path, 'path');
  return ringArea(path) >= 0;
}

/**
 * True when the closed path is a convex polygon: at least three non-collinear vertices, every turn
 * in the same direction (collinear and repeated vertices allowed) and winding exactly once.
 */
export function isConvex(path: ReadonlyArray<readonly [number, number]>): boolean {
  checkPath(path, 'path');
  const n = path.length;
  if (n < 3) return false;
  let sign = 0;
  let turning = 0;
  let prevAngle: number | undefined;
  let firstAngle: number | undefined;
  for (let i = 0; i < n; i++) {
    const a = path[i]!;
    const b = path[(i + 1) % n]!;
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    if (dx === 0 && dy === 0) continue;
    const ang = Math.atan2(dy, dx);
    if (prevAngle !== undefined) {
      let d = ang - prevAngle;
      if (d > Math.PI) d -= 2 * Math.PI;
      if (d < -Math.PI) d += 2 * Math.PI;
      if (Math.abs(Math.abs(d) - Math.PI) < 1e-12) return false; // spike
      const s = Math.sign(d);
      if (s !== 0) {
        if (sign !== 0 && s !== sign) return false;
        sign = s;
      }
      turning += d;
    } else {
      firstAngle = ang;
    }
    prevAngle = ang;
  }
  if (prevAngle === undefined || firstAngle === undefined || sign === 0) return false;
  let d = firstAngle - prevAngle;
  if (d > Math.PI) d -= 2 * Math.PI;
  if (d < -Math.PI) d += 2 * Math.PI;
  const s = Math.sign(d);
  if (s !== 0 && s !== sign) return false;
  turning += d;
  return Math.abs(Math.abs(turning) - 2 * Math.PI) < 1e-6;
}
