/**
 * intersectionArea (the IoU of evaluateDetections): exact for rectilinear integer polygons, where
 * counting unit cells gives the true area; unchanged by a far translation; finite and quick for
 * far-flung vertices, where the 0.25 px sample grid it used to walk never finished.
 */
import { isConvex } from '../../src/geometry/measures';
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

describe('isConvex, which picks the exact convex clip', () => {
  /** A pentagram: every turn to the same side, but it winds twice. */
  const star: Point[] = Array.from({ length: 5 }, (_, k) => {
    const a = Math.PI / 2 + (k * 4 * Math.PI) / 5;
    return [100 + 50 * Math.cos(a), 100 + 50 * Math.sin(a)] as Point;
  });
  const square: Point[] = [
    [0, 0],
    [200, 0],
    [200, 200],
    [0, 200],
  ];

  it('tells convex rings from stars, spikes, dents and degenerate rings', () => {
    expect(isConvex(square)).toBe(true);
    expect(isConvex([...square].reverse())).toBe(true);
    expect(isConvex([[0, 0], [5, 0], [10, 0], [10, 10], [10, 10], [0, 10]])).toBe(true); // collinear and repeated
    expect(isConvex(star)).toBe(false);
    expect(isConvex([...square, ...square])).toBe(false); // the square traced twice
    expect(isConvex(L)).toBe(false);
    expect(isConvex([[0, 0], [10, 0], [20, 0], [10, 0], [10, 10]])).toBe(false); // turns straight back
    expect(isConvex([[0, 0], [10, 0], [20, 0]])).toBe(false); // no area
  });

  it('a star inside a box overlaps it by its own area, whichever polygon comes first', () => {
    // The box is convex and holds the star, so the intersection is the star as polygonArea counts
    // it. Taken for convex, the star used to clip the box to its inner pentagon (~867 of ~3,674).
    const own = polygonArea(star);
    expect(own).toBeGreaterThan(3600);
    expect(intersectionArea(star, square)).toBeCloseTo(own, 6);
    expect(intersectionArea(square, star)).toBeCloseTo(own, 6);
  });
});
