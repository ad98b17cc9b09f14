// Exact mode against closed-form expectations: the threshold ridge of a rectangle is
// 0.3 + 0.4 * max(0, 1 - d / D) with d the Euclidean distance to the nearest edge (rounded at
// outside corners), the shrink map is the set of inside pixels at distance >= D, the threshold
// mask is {d <= D} ∪ inside, overlapping ridges take the maximum, and nothing is NaN.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeDbTargets } from '../../src/targets';

const W = 160;
const H = 120;
const f = Math.fround;
const ON_EDGE = f(f(0.4) + f(0.3));

type Rect = { x0: number; y0: number; x1: number; y1: number };
const rectPoly = (r: Rect): [number, number][] => [
  [r.x0, r.y0],
  [r.x1, r.y0],
  [r.x1, r.y1],
  [r.x0, r.y1],
];
const shrinkDistance = (r: Rect, ratio = 0.4) => {
  const w = r.x1 - r.x0;
  const h = r.y1 - r.y0;
  return (w * h * (1 - ratio * ratio)) / (2 * (w + h));
};
/** Distance from a pixel centre to the rectangle's boundary, and whether it is inside. */
function rectDistance(r: Rect, x: number, y: number): { d: number; inside: boolean } {
  const inside = x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1;
  if (inside) return { d: Math.min(x - r.x0, r.x1 - x, y - r.y0, r.y1 - y), inside };
  const dx = Math.max(r.x0 - x, 0, x - r.x1);
  const dy = Math.max(r.y0 - y, 0, y - r.y1);
  return { d: Math.hypot(dx, dy), inside };
}
const ridge = (d: number, D: number) => 0.3 + 0.4 * Math.max(0, 1 - d / D);

describe('makeDbTargets exact mode (default)', () => {
  const rect: Rect = { x0: 20, y0: 30, x1: 120, y1: 60 };
  const D = shrinkDistance(rect); // 9.6923...
  const t = makeDbTargets([rectPoly(rect)], { width: W, height: H });

  it('threshold map is the analytic ridge of the rectangle at every pixel', () => {
    let worst = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const { d } = rectDistance(rect, x, y);
        worst = Math.max(worst, Math.abs((t.threshMap[y * W + x] as number) - ridge(d, D)));
      }
    }
    expect(worst).toBeLessThan(2e-6);
    expect(t.threshMap[30 * W + 70]).toBe(ON_EDGE); // on the top edge
    expect(t.threshMap[45 * W + 70]).toBe(f(0.3)); // centre, 15 px from the long edges
    // outside the top-left corner at distance 5 (3, 4): round corner, not the box
    expect(t.threshMap[26 * W + 17]).toBeCloseTo(0.3 + 0.4 * (1 - 5 / D), 6);
    // diagonal distance 10 > D: nothing
    expect(t.threshMap[22 * W + 14]).toBe(f(0.3));
  });

  it('threshold mask is the rectangle grown by D with round corners', () => {
    const wrong: number[][] = [];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const { d, inside } = rectDistance(rect, x, y);
        if (t.threshMask[y * W + x] !== (inside || d <= D ? 1 : 0)) wrong.push([x, y]);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('shrink map is the rectangle shrunk by D (pixels 30..110 x 40..50) and the mask stays 1', () => {
    let count = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const want = x >= 30 && x <= 110 && y >= 40 && y <= 50 ? 1 : 0;
        if (t.shrinkMap[y * W + x] !== want) throw new Error(`shrink map wrong at ${x},${y}`);
        count += want;
      }
    }
    expect(count).toBe(81 * 11);
    expect(t.shrinkMask.every((v) => v === 1)).toBe(true);
    expect(Array.from(t.ignoreTags)).toEqual([0]);
  });

  it('overlapping polygons: each pixel takes the larger ridge', () => {
    const a: Rect = { x0: 10, y0: 10, x1: 90, y1: 50 };
    const b: Rect = { x0: 60, y0: 35, x1: 150, y1: 100 };
    const r = makeDbTargets([rectPoly(a), rectPoly(b)], { width: W, height: H });
    const Da = shrinkDistance(a);
    const Db = shrinkDistance(b);
    let worst = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const want = Math.max(ridge(rectDistance(a, x, y).d, Da), ridge(rectDistance(b, x, y).d, Db));
        worst = Math.max(worst, Math.abs((r.threshMap[y * W + x] as number) - want));
      }
    }
    expect(worst).toBeLessThan(2e-6);
  });

  it('a rotated polygon: ridge value 1 - d/D with d the true point-to-segment distance', () => {
    const c = [80, 60];
    const ang = (20 * Math.PI) / 180;
    const pts = [
      [-50, -12],
      [50, -12],
      [50, 12],
      [-50, 12],
    ].map(([u, v]) => [
      (c[0] as number) + (u as number) * Math.cos(ang) - (v as number) * Math.sin(ang),
      (c[1] as number) + (u as number) * Math.sin(ang) + (v as number) * Math.cos(ang),
    ]) as [number, number][];
    const r = makeDbTargets([pts], { width: W, height: H });
    const area = 100 * 24;
    const Dr = (area * 0.84) / 248;
    const segDist = (px: number, py: number, a: number[], b: number[]) => {
      const ex = (b[0] as number) - (a[0] as number);
      const ey = (b[1] as number) - (a[1] as number);
      const tt = Math.min(1, Math.max(0, ((px - (a[0] as number)) * ex + (py - (a[1] as number)) * ey) / (ex * ex + ey * ey)));
      return Math.hypot(px - (a[0] as number) - tt * ex, py - (a[1] as number) - tt * ey);
    };
    let worst = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        let d = Number.POSITIVE_INFINITY;
        for (let i = 0; i < 4; i++) d = Math.min(d, segDist(x, y, pts[i] as number[], pts[(i + 1) % 4] as number[]));
        worst = Math.max(worst, Math.abs((r.threshMap[y * W + x] as number) - ridge(d, Dr)));
      }
    }
    expect(worst).toBeLessThan(5e-6);
  });

  it('has no NaN holes where the reference has them (duplicate vertex, edge on the image border)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures/dbtargets-manifest.json'), 'utf8'));
    for (const name of ['e10_duplicate_vertex', 'e04_partly_outside', 'N100_00']) {
      const c = manifest.images.find((i: { name: string }) => i.name === name);
      const ref = makeDbTargets(c.input_polygons, { width: c.width, height: c.height, mode: 'reference' });
      const ex = makeDbTargets(c.input_polygons, { width: c.width, height: c.height });
      // Every validated polygon vertex that is a pixel centre lies on an edge: its ridge is 0.7.
      let refHoles = 0;
      let exactHoles = 0;
      c.ref_polygons_after_validation.forEach((poly: [number, number][], i: number) => {
        if (c.ref_ignore_tags_final[i]) return;
        for (const [x, y] of poly) {
          if (!Number.isInteger(x) || !Number.isInteger(y)) continue;
          const k = y * c.width + x;
          if ((ref.threshMap[k] as number) < 0.69) refHoles++;
          if ((ex.threshMap[k] as number) < 0.69) exactHoles++;
        }
      });
      expect(exactHoles).toBe(0);
      if (name === 'e10_duplicate_vertex') expect(refHoles).toBeGreaterThan(0);
      expect(ex.threshMap.every((v) => v >= f(0.3) && v <= ON_EDGE)).toBe(true);
    }
  });

  it('fills every piece of a shrunk polygon that pinches off (the reference keeps only the first)', () => {
    // Dumbbell: two 40x40 squares joined by a thin neck; the neck vanishes when shrunk by D.
    const dumbbell: [number, number][] = [
      [10, 20],
      [50, 20],
      [50, 38],
      [110, 38],
      [110, 20],
      [150, 20],
      [150, 60],
      [110, 60],
      [110, 42],
      [50, 42],
      [50, 60],
      [10, 60],
    ];
    const components = (m: Float32Array) => {
      const seen = new Uint8Array(m.length);
      let n = 0;
      for (let s = 0; s < m.length; s++) {
        if (m[s] !== 1 || seen[s]) continue;
        n++;
        const stack = [s];
        seen[s] = 1;
        while (stack.length) {
          const k = stack.pop() as number;
          const x = k % W;
          for (const nb of [k - W, k + W, x > 0 ? k - 1 : -1, x < W - 1 ? k + 1 : -1]) {
            if (nb >= 0 && nb < m.length && m[nb] === 1 && !seen[nb]) {
              seen[nb] = 1;
              stack.push(nb);
            }
          }
        }
      }
      return n;
    };
    const ex = makeDbTargets([dumbbell], { width: W, height: H });
    const ref = makeDbTargets([dumbbell], { width: W, height: H, mode: 'reference' });
    expect(components(ex.shrinkMap)).toBe(2);
    expect(components(ref.shrinkMap)).toBe(1);
  });

  it('ignored polygons: mask 0 over the polygon, no threshold contribution, tag kept', () => {
    const r = makeDbTargets(
      [
        { points: rectPoly(rect), ignore: true },
        { points: rectPoly({ x0: 5, y0: 80, x1: 11, y1: 110 }) }, // 6 px wide: below minTextSize
      ],
      { width: W, height: H },
    );
    expect(Array.from(r.ignoreTags)).toEqual([1, 1]);
    expect(r.shrinkMask[45 * W + 70]).toBe(0);
    expect(r.shrinkMask[30 * W + 20]).toBe(0); // corner pixel (on the boundary)
    expect(r.shrinkMask[29 * W + 70]).toBe(1); // one pixel outside
    expect(r.shrinkMask[95 * W + 8]).toBe(0);
    expect(r.threshMap.every((v) => v === f(0.3))).toBe(true);
    expect(r.threshMask.every((v) => v === 0)).toBe(true);
    expect(r.shrinkMap.every((v) => v === 0)).toBe(true);
  });

  it('agrees with reference mode on the ignore tags of the reference data', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures/dbtargets-manifest.json'), 'utf8'));
    for (const c of manifest.images) {
      const ex = makeDbTargets(c.input_polygons, { width: c.width, height: c.height });
      expect([c.name, Array.from(ex.ignoreTags)]).toEqual([c.name, c.ref_ignore_tags_final]);
    }
  });
});
