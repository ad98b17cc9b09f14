/**
 * intersectionArea (the IoU of evaluateDetections): exact for rectilinear integer polygons, where
 * counting unit cells gives the true area; unchanged by a far translation; finite and quick for
 * far-flung vertices, where the 0.25 px sample grid it used to walk never finished.
 */
import { intersectionArea, polygonArea } from '../../src/targets/polygon_area';
import type { Point } from '../../src/targets/polygons';
import { L_SHAPE } from './shapes';

const L = L_SHAPE;
const U: Point[] = [
  [0, 0],
  [30, 0],
  [30, 30],
  [20, 30],
  [20, 10],
  [10, 10],
  [10, 30],
  [0, 30],
];

const shift = (p: Point[], dx: number, dy: number): Point[] => p.map(([x, y]) => [x + dx, y + dy]);

function inside(p: Point[], x: number, y: number): boolean {
  let c = false;
  for (let i = 0, j = p.length - 1; i < p.length; j = i++) {
    const [xi, yi] = p[i] as Point;
    const [xj, yj] = p[j] as Point;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

/** Unit cells inside both: the exact intersection area of rectilinear polygons on integers. */
function cells(a: Point[], b: Point[]): number {
  let n = 0;
  for (let y = -100; y < 100; y++) for (let x = -100; x < 100; x++) if (inside(a, x + 0.5, y + 0.5) && inside(b, x + 0.5, y + 0.5)) n++;
  return n;
}

describe('intersectionArea of non-convex polygons', () => {
  it('equals the exact area on rectilinear shapes, one piece or several', () => {
    const cases: Array<[Point[], Point[]]> = [
      [L, shift(L, 5, 5)],
      [L, shift(L, -7, 3)],
      [U, shift(U, 0, 15)], // two separate pieces: the U's arms overlap the shifted U's arms
      [U, shift(U, 5, -5)],
      [L, U],
      [U, U],
    ];
    for (const [a, b] of cases) {
      const want = cells(a, b);
      expect(want).toBeGreaterThan(0);
      expect(intersectionArea(a, b)).toBeCloseTo(want, 6);
      expect(intersectionArea(b, a)).toBeCloseTo(want, 6);
    }
    expect(intersectionArea(U, U)).toBeCloseTo(polygonArea(U), 9);
    expect(intersectionArea(L, shift(L, 100, 0))).toBe(0); // bounding boxes apart
  });

  it('a far translation changes nothing', () => {
    const want = cells(L, shift(L, 5, 5));
    for (const d of [2 ** 31, -(2 ** 40), 1e9 + 0.5]) {
      expect(intersectionArea(shift(L, d, d), shift(L, d + 5, d + 5))).toBeCloseTo(want, 3);
    }
  });

  it('far-flung vertices give a finite area (the sample grid over their common box never finished)', () => {
    const spike: Point[] = [
      [196.7, 1e308],
      [18.7, 152.7],
      [189.4, 127.8],
      [173.3, 88.4],
    ];
    const broken: Point[] = [
      [58, 2 ** 31],
      [33, 7],
      [110.3, 171.1],
      [186.3, 20.7],
    ];
    const v = intersectionArea(spike, broken);
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeGreaterThanOrEqual(0);
    expect(intersectionArea(shift(U, 0, 1e300), U)).toBe(0);
  });
});
