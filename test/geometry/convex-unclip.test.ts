/**
 * The one-pass grow path (native/geometry/offset642.cc Grow + ConvexResult: one closed polygon,
 * delta > 0, any join) must give the same integer paths, in the same order, as the
 * general path (`fastPath: false`: the raw ring through Clipper 6.4.2's clean-up sweep), and so as
 * C++ Clipper 6.4.2 / clipper-lib. Covered here: axis-aligned and rotated quads over many unclip
 * ratios and deltas, tiny and huge coordinates (inside and beyond the 2^30 limit of the grow path,
 * up to 2^53), collinear and repeated vertices, nearly collinear corners that truncation makes
 * straight or reflex (the "is it convex" question is ambiguous there), concave quads and
 * bow-ties (which the grow path hands back to the general clean-up), arc tolerances, scale and
 * reverseSolution. Also: the single-polygon API (scratch buffers, option fast path) returns what
 * the batch API returns, and keeps its errors.
 */

import { dropCache, getCache } from '../../src/cache';
import { offsetBatch, offsetPaths, polygonPaths, shrinkBatch, shrinkPolygon, unclipBatch, unclipPolygon } from '../../src/geometry';
import { geometryNative } from '../../src/geometry/native';
import { resolveOffsetSpec } from '../../src/geometry/options';
import { errorOf } from './error_of';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const L = require('./difflib.js');

type Ring = [number, number][];
type Flat = { coords: Float64Array; ringOffsets: Uint32Array; polygonRings: Uint32Array };

const native = geometryNative();

// The difflib generator (mulberry32), seeded.
const rng = (seed: number): (() => number) => L.mulberry32(seed);

/** Index of the first polygon whose result rings differ, or -1 (difflib). */
const firstDiff = (a: Flat, b: Flat): number => L.firstDifferentPolygon(a, b);

/** Quads and small convex polygons of every awkward kind, both orientations. */
function makePolygons(count: number, seed: number): Ring[] {
  const rnd = rng(seed);
  const origins = [0, 3.7, -250.5, 1000, 123456.7, 5e8, 1073741000, -1073741000, 3e9, 2 ** 52 - 5000];
  const out: Ring[] = [];
  for (let k = 0; k < count; k++) {
    const ox = origins[k % origins.length]! + rnd() * 100;
    const oy = origins[(k >> 3) % origins.length]! + rnd() * 100;
    const tiny = rnd() < 0.2;
    const w = tiny ? rnd() * 4 : 2 + rnd() * 600;
    const h = tiny ? rnd() * 4 : rnd() < 0.1 ? 0.5 + rnd() * 2 : 4 + rnd() * 80;
    const a = rnd() * Math.PI * 2;
    const c = Math.cos(a);
    const s = Math.sin(a);
    let ring: Ring;
    switch (k % 9) {
      case 0:
      case 1: // axis-aligned box (what SROIE is made of)
        ring = [
          [ox, oy],
          [ox + w, oy],
          [ox + w, oy + h],
          [ox, oy + h],
        ];
        break;
      case 2:
      case 3: // rotated box
        ring = L.rotatedBox(ox, oy, w, h, c, s);
        break;
      case 4: {
        // jittered quad: nearly collinear / nearly right corners after truncation
        const j = () => (rnd() - 0.5) * 1.6;
        ring = [
          [ox + j(), oy + j()],
          [ox + w + j(), oy + j()],
          [ox + w + j(), oy + h + j()],
          [ox + j(), oy + h + j()],
        ];
        break;
      }
      case 5: // collinear midpoints and repeated vertices
        ring = [
          [ox, oy],
          [ox, oy],
          [ox + w / 2, oy],
          [ox + w, oy],
          [ox + w, oy + h],
          [ox + w, oy + h],
          [ox + w / 3, oy + h],
          [ox, oy + h],
          [ox, oy],
        ];
        break;
      case 6: {
        // a corner pushed inwards (concave) or across (bow-tie), or a thin dart
        const t = rnd();
        ring =
          t < 0.4
            ? [
                [ox, oy],
                [ox + w, oy],
                [ox + w * 0.5, oy + h * 0.3],
                [ox, oy + h],
              ]
            : t < 0.7
              ? [
                  [ox, oy],
                  [ox + w, oy + h],
                  [ox + w, oy],
                  [ox, oy + h],
                ]
              : [
                  [ox, oy],
                  [ox + w, oy + 0.5],
                  [ox, oy + 1],
                  [ox + 0.3, oy + 0.5],
                ];
        break;
      }
      case 7: {
        // convex polygon on an ellipse (3..16 points)
        const n = 3 + Math.floor(rnd() * 14);
        const angles = Array.from({ length: n }, () => rnd() * 2 * Math.PI).sort((x, y) => x - y);
        ring = angles.map((t) => [ox + w * Math.cos(t), oy + h * Math.sin(t)]);
        break;
      }
      default: // triangle, or every point on one line (degenerate)
        ring =
          rnd() < 0.7
            ? [
                [ox, oy],
                [ox + w, oy + h * rnd()],
                [ox + w * rnd(), oy + h],
              ]
            : [
                [ox, oy],
                [ox + w, oy + h],
                [ox + 2 * w, oy + 2 * h],
              ];
    }
    out.push(k % 2 === 0 ? ring : ring.slice().reverse());
  }
  return out;
}

describe('grow path == general sweep (pyclipper mode)', () => {
  const polys = makePolygons(4000, 7);
  const flat = L.flatten(polys.map((r) => [r]));

  test.each([0.1, 0.5, 1, 1.5, 2, 3, 6, 12])('unclip ratio %p', (ratio) => {
    const fast = native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, ratio, { kind: 'unclip' });
    const slow = native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, ratio, { kind: 'unclip', fastPath: false });
    expect(firstDiff(fast, slow)).toBe(-1);
  });

  test.each([1e-6, 0.01, 0.3, 0.99, 1, 2.5, 7.2, 40, 300, 5000])('delta %p', (delta) => {
    const fast = native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, delta, {});
    const slow = native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, delta, { fastPath: false });
    expect(firstDiff(fast, slow)).toBe(-1);
  });

  test.each([
    ['miter', 0.3],
    ['miter', 4.2],
    ['miter', 60],
    ['square', 0.3],
    ['square', 4.2],
    ['square', 60],
  ] as const)('%s joins, delta %p (and miter limits)', (joinType, delta) => {
    for (const miterLimit of [2, 1.2, 6]) {
      const fast = native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, delta, { joinType, miterLimit });
      const slow = native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, delta, { joinType, miterLimit, fastPath: false });
      expect(firstDiff(fast, slow)).toBe(-1);
    }
  });

  test.each([
    [{ arcTolerance: 0.01 }],
    [{ arcTolerance: 1 }],
    [{ arcTolerance: 6 }],
    [{ reverseSolution: true }],
    [{ scale: 10 }],
    [{ scale: 0.25 }],
  ])('unclip 1.5 with %p', (extra) => {
    // (scale 10 would take the 2^52 coordinates past 2^53: those polygons are left out)
    const f = L.flatten(polys.filter((r) => r.every(([x, y]) => Math.abs(x) < 1e14 && Math.abs(y) < 1e14)).map((r) => [r]));
    const fast = native.geomOffsetBatch(f.coords, f.ringOffsets, null, 1.5, { kind: 'unclip', ...extra });
    const slow = native.geomOffsetBatch(f.coords, f.ringOffsets, null, 1.5, { kind: 'unclip', fastPath: false, ...extra });
    expect(firstDiff(fast, slow)).toBe(-1);
  });

  test('every kind of polygon above is exercised (results are not all empty or all one shape)', () => {
    const res: Ring[][] = L.unflatten(native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, 1.5, { kind: 'unclip' }));
    const sizes = new Set(res.map((r) => r.length));
    expect(sizes.has(0)).toBe(true); // degenerate polygons vanish
    expect(sizes.has(1)).toBe(true);
    expect(res.filter((r) => r.length === 1 && r[0]!.length > 8).length).toBeGreaterThan(1000);
  });
});

describe('sharp top/bottom vertices (thin spikes the sweep collapses)', () => {
  // Found by a 6M-polygon stress run: a convex ring whose top vertex is a spike thinner than a
  // unit one scanline below it (1532,354 between an edge from 1500,464 and a unit edge to
  // 1532,355). Clipper's sweep rounds the long edge to x = 1532 at y = 355 and drops the spike
  // vertex; the grow path must not return the ring unchanged (it checks the width next to the top
  // and bottom vertices), and growing no longer goes through FastOffsetCleanup, whose convex
  // shortcut returned these rings unchanged (for every join type).
  test('the found case, both orientations, with and without reverseSolution', () => {
    const ring: Ring = [
      [1514, 482],
      [1503, 471],
      [1500, 464],
      [1532, 354],
      [1532, 355],
    ];
    for (const r of [ring, ring.slice().reverse()]) {
      const f = L.flatten([[r]]);
      for (const reverseSolution of [false, true]) {
        const fast = native.geomOffsetBatch(f.coords, f.ringOffsets, null, 0.19987849586012374, { reverseSolution });
        const slow = native.geomOffsetBatch(f.coords, f.ringOffsets, null, 0.19987849586012374, { reverseSolution, fastPath: false });
        expect(firstDiff(fast, slow)).toBe(-1);
        expect(L.unflatten(fast)[0][0]).toHaveLength(4);
      }
    }
  });

  test('generated spikes at the top and at the bottom', () => {
    const rnd = rng(99);
    const polys: Ring[] = [];
    for (let k = 0; k < 3000; k++) {
      const X = Math.floor(rnd() * 4000) - 2000;
      const Y = Math.floor(rnd() * 4000) - 2000;
      const h = 20 + Math.floor(rnd() * 200);
      const lean = rnd() * 1.6 - 0.3; // x offset of the long edge one unit from the tip
      const far: [number, number] = [X - Math.round(lean * h), Y + h];
      const ring: Ring = [
        [X, Y],
        [X, Y + 1 + Math.floor(rnd() * 2)],
        [X + Math.floor(rnd() * 30) - 10, Y + h + Math.floor(rnd() * 10)],
        far,
      ];
      const flipped: Ring = ring.map(([x, y]) => [x, -y]);
      polys.push(k % 2 === 0 ? ring : flipped.reverse());
    }
    const f = L.flatten(polys.map((r) => [r]));
    for (const joinType of ['round', 'miter', 'square'] as const) {
      for (const delta of [0.01, 0.2, 0.45, 0.8, 1.3, 3]) {
        const fast = native.geomOffsetBatch(f.coords, f.ringOffsets, null, delta, { joinType });
        const slow = native.geomOffsetBatch(f.coords, f.ringOffsets, null, delta, { joinType, fastPath: false });
        expect(firstDiff(fast, slow)).toBe(-1);
      }
    }
  });
});

describe('grow path == C++ Clipper 6.4.2 / clipper-lib', () => {
  // Integer coordinates well inside clipper-lib's exact range; D = A·r/L as the DB code computes it.
  const polys = makePolygons(3000, 11).filter((r) => r.every(([x, y]) => Math.abs(x) < 2e9 && Math.abs(y) < 2e9));
  const ratios = [0.5, 1.5, 4];
  test.each(ratios)('unclip ratio %p', (ratio) => {
    const flat = L.flatten(polys.map((r) => [r]));
    const ours: Ring[][] = L.unflatten(native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, ratio, { kind: 'unclip' }));
    const deltas = polys.map((r) => {
      const l = L.ringPerimeter(r);
      return l > 0 ? (L.ringArea(r) * ratio) / l : 0;
    });
    if (L.cppOracle()) {
      const want = L.cppOffsetMany(polys.map((r, i) => ({ rings: L.trunc([r]), delta: deltas[i] })));
      expect(polys.filter((_, i) => !L.sameRings(ours[i], want[i])).length).toBe(0);
    } else {
      // clipper-lib differs from C++ 6.4.2 for |delta| < ~2 (its pi and uncapped step count; see
      // pyclipper-offset.test.ts): compare where that cannot matter.
      const mismatch = polys.filter((r, i) => deltas[i]! >= 3 && !L.sameRings(ours[i], L.clipperLibOffset(L.trunc([r]), deltas[i])));
      expect(mismatch).toEqual([]);
    }
  });
});

describe('single-polygon API == batch API', () => {
  const polys = makePolygons(1500, 23).filter((r) => r.every(([x, y]) => Math.abs(x) < 1e12 && Math.abs(y) < 1e12));
  const flat = { coords: L.flatten(polys.map((r) => [r])).coords, ringOffsets: L.flatten(polys.map((r) => [r])).ringOffsets };

  test.each([
    ['unclip', undefined],
    ['unclip', { ratio: 2.5 }],
    ['unclip', { ratio: 1.5, mode: 'clipper2' as const }],
    ['shrink', undefined],
    ['shrink', { ratio: 0.6 }],
    ['shrink', { mode: 'clipper2' as const, ratio: undefined }],
    ['unclip', { ratio: 1.5, arcTolerance: 0.5, reverseSolution: true }],
  ] as const)('%s %p', (kind, options) => {
    const batch = kind === 'unclip' ? unclipBatch(flat, options) : shrinkBatch(flat, options);
    const single = kind === 'unclip' ? unclipPolygon : shrinkPolygon;
    for (let i = 0; i < polys.length; i++) expect(single(polys[i]!, options)).toEqual(polygonPaths(batch, i));
  });

  test('offsetPaths with holes and several deltas', () => {
    const outer: Ring = [
      [0, 0],
      [100, 0],
      [100, 60],
      [0, 60],
    ];
    const hole: Ring = [
      [20, 20],
      [20, 40],
      [70, 40],
      [70, 20],
    ];
    for (const d of [-3, 2.5, 9, 30]) {
      const b = offsetBatch({ ...L.flatten([[outer, hole]]), deltas: d });
      expect(offsetPaths([outer, hole], d)).toEqual(polygonPaths(b, 0));
    }
    expect(offsetPaths([], 3)).toEqual([]);
  });

  test('results larger than the reusable output buffer', () => {
    const sq: Ring = [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
    ];
    const big = offsetPaths([sq], 3e6);
    const want = polygonPaths(offsetBatch({ ...L.flatten([[sq]]), deltas: 3e6 }), 0);
    expect(big[0]!.length).toBeGreaterThan(3000);
    expect(big).toEqual(want);
    // and calls after it still agree
    expect(offsetPaths([sq], 2)).toEqual(polygonPaths(offsetBatch({ ...L.flatten([[sq]]), deltas: 2 }), 0));
    expect(offsetPaths([sq], 3e6)).toEqual(want);
  });

  test('with a polygon cache (hits and misses give the same paths)', () => {
    const cache = getCache('convex-unclip-test', { maxBytes: 2 ** 22 });
    try {
      for (let pass = 0; pass < 2; pass++) {
        for (let i = 0; i < 50; i++) expect(unclipPolygon(polys[i]!, { cache, ratio: 2 })).toEqual(unclipPolygon(polys[i]!, { ratio: 2 }));
      }
      expect(cache.stats().hits).toBeGreaterThan(0);
    } finally {
      dropCache('convex-unclip-test');
    }
  });
});

describe('single-polygon API keeps its errors', () => {
  const sq: Ring = [
    [0, 0],
    [10, 0],
    [10, 10],
    [0, 10],
  ];

  test.each([
    ['unclip', { ratio: -1 }],
    ['unclip', { ratio: Number.NaN }],
    ['unclip', { ratio: Number.POSITIVE_INFINITY }],
    ['unclip', { ratio: '1.5' }],
    ['unclip', { mode: 'pyclipper2' }],
    ['unclip', { cache: {} }],
    ['unclip', { foo: 1 }],
    ['unclip', { ratio: 1, joinType: 'bevel' }],
    ['shrink', { ratio: 1.5 }],
    ['delta', { ratio: 1 }],
    ['delta', { ratio: undefined }],
    ['unclip', 'options'],
  ] as const)('%s options %p: the zod error', (kind, options) => {
    const want = errorOf(() => resolveOffsetSpec(options, kind));
    const call =
      kind === 'delta'
        ? () => offsetPaths([sq], 1, options as never)
        : kind === 'shrink'
          ? () => shrinkPolygon(sq, options as never)
          : () => unclipPolygon(sq, options as never);
    expect(errorOf(call)).toEqual(want);
    expect(['ERR_INVALID_ARGUMENT', 'ERR_OUT_OF_RANGE']).toContain(want.code);
  });

  test('null options mean the defaults (as before: zod sees {})', () => {
    expect(unclipPolygon(sq, null as never)).toEqual(unclipPolygon(sq));
  });

  test('bad paths and bad values', () => {
    expect(errorOf(() => unclipPolygon('x' as never))).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: 'polygon[0] must be an array of [x, y] points' });
    expect(errorOf(() => unclipPolygon([[0, 0], [1]] as never))).toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: 'polygon[0][1] must be an [x, y] pair of numbers',
    });
    expect(errorOf(() => offsetPaths('x' as never, 1))).toMatchObject({ message: 'paths must be an array of paths ([[x, y], ...]), got string' });
    expect(errorOf(() => offsetPaths([sq, 3] as never, 1))).toMatchObject({ message: 'paths[1] must be an array of [x, y] points' });
    expect(errorOf(() => offsetPaths([sq], Number.NaN))).toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    expect(errorOf(() => unclipPolygon([[0, 0], [Number.NaN, 1], [2, 2]]))).toMatchObject({
      code: 'ERR_INVALID_POLYGON',
      message: 'polygon 0: coordinate is NaN or infinite',
    });
    expect(errorOf(() => unclipPolygon([[0, 0], [1, 1]]))).toMatchObject({ code: 'ERR_INVALID_POLYGON' });
    expect(errorOf(() => unclipPolygon([[0, 0], [2 ** 54, 1], [2, 2]]))).toMatchObject({ code: 'ERR_COORDINATE_OVERFLOW' });
    // the reusable buffers are not left in a bad state by a failed call
    const f = L.flatten([[sq]]);
    expect(unclipPolygon(sq)).toEqual(polygonPaths(unclipBatch({ coords: f.coords, ringOffsets: f.ringOffsets }), 0));
  });
});
