/**
 * pyclipper mode = Clipper 6.4.2's ClipperOffset, bit for bit.
 *
 * Oracles: the real C++ Clipper 6.4.2 (Debian libpolyclipping-dev, the version pyclipper 1.2
 * bundles) when installed, and always clipper-lib (the JS port of 6.4.2). clipper-lib deviates from
 * the C++ library in a few places; `jsCompat: true` reproduces exactly those deviations, so
 * "jsCompat output == clipper-lib on 100% of cases" proves the engine, and every remaining
 * difference between our default mode and clipper-lib is one of these documented deviations:
 *  1. pi: clipper-lib uses 3.14159265358979 (C++: 3.141592653589793) and does not cap the
 *     round-join step count at |delta|*pi (C++ does), so arcs differ for |delta| < ~2.
 *  2. ProcessEdgesAtTopOfScanbeam: clipper-lib tests `curr.y == top.y` where C++ has `>`
 *     before joining collinear edges at an intermediate vertex (e.g. a hole touching the outer
 *     ring after offsetting: C++ returns one self-touching ring, clipper-lib two rings).
 *  3. InsertLocalMinimaIntoAEL: clipper-lib's collinear-join test uses the previous edge's current
 *     point instead of its bottom point.
 *  4. Local minima at equal y are visited newest-first in clipper-lib (C++: std::sort order), and
 *     its IntersectPoint clamps to the upper edge's top with a different x rule.
 */
import { geometryNative } from '../../src/geometry/native';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const L = require('./difflib.js');

type Ring = [number, number][];
type Poly = { kind: string; rings: Ring[] };

const native = geometryNative();
const CASES: [number, 'round' | 'miter' | 'square'][] = [
  [-3, 'round'],
  [4.5, 'round'],
  [-7.3, 'round'],
  [12, 'round'],
  [-1.3, 'round'],
  [0.7, 'round'],
  [-2, 'miter'],
  [5, 'miter'],
  [3, 'square'],
];

/**
 * True where C++ Clipper 6.4.2 caps a round join's step count at |delta|*pi (clipper-lib does not):
 * its steps per full circle are pi / acos(1 - y / |delta|), y the arc tolerance (pyclipper's 0.25)
 * limited to |delta| / 4.
 */
function stepsCapped(delta: number): boolean {
  const d = Math.abs(delta);
  const y = Math.min(0.25, d * 0.25);
  return Math.PI / Math.acos(1 - y / d) > d * Math.PI;
}

function offsetAll(polys: Poly[], delta: number, joinType: string, jsCompat: boolean): Ring[][] {
  const flat = L.flatten(polys.map((p) => p.rings));
  const res = native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, delta, {
    joinType: joinType as 'round',
    jsCompat,
  });
  return L.unflatten(res);
}

describe('pyclipper mode (Clipper 6.4.2 ClipperOffset)', () => {
  const polys: Poly[] = L.generate(1300, 42).map((p: Poly) => ({ kind: p.kind, rings: L.trunc(p.rings) }));

  test('SEMANTICS.md example: 10x10 square by -2.5', () => {
    const res = native.geomOffsetBatch(new Float64Array([0, 0, 10, 0, 10, 10, 0, 10]), new Uint32Array([0, 4]), null, -2.5, {});
    expect(Array.from(res.coords)).toEqual([8, 8, 3, 8, 3, 3, 8, 3]);
    expect(Array.from(res.ringOffsets)).toEqual([0, 4]);
    expect(Array.from(res.polygonRings)).toEqual([0, 1]);
  });

  test.each(CASES)('jsCompat output equals clipper-lib on every generated polygon (delta %p, %s)', (delta, jt) => {
    const ours = offsetAll(polys, delta, jt, true);
    const mismatches = polys.filter((p, i) => !L.sameRings(ours[i], L.clipperLibOffset(p.rings, delta, { joinType: jt })));
    expect(mismatches).toEqual([]);
  });

  test.each([
    ['shrink', 0.4],
    ['unclip', 1.5],
  ] as const)('every SROIE/NAF box, DB %s %p: identical to clipper-lib (and C++ 6.4.2)', (kind, r) => {
    const data: Poly[] = L.loadDatasets();
    const flat = L.flatten(data.map((p) => p.rings));
    const ours: Ring[][] = L.unflatten(native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, r, { kind }));
    const deltas = data.map((p) => {
      const a = L.ringArea(p.rings[0]);
      const l = L.ringPerimeter(p.rings[0]);
      return kind === 'shrink' ? -((a * (1 - r * r)) / l) : (a * r) / l;
    });
    // clipper-lib on every 8th box keeps the suite fast; the C++ oracle (when present) on all.
    const mismatch = data.filter((p, i) => i % 8 === 0 && !L.sameRings(ours[i], L.clipperLibOffset(L.trunc(p.rings), deltas[i])));
    expect(mismatch).toEqual([]);
    if (L.cppOracle()) {
      const want = L.cppOffsetMany(data.map((p, i) => ({ rings: L.trunc(p.rings), delta: deltas[i] })));
      expect(data.filter((_, i) => !L.sameRings(ours[i], want[i])).length).toBe(0);
    }
  });

  const oracle = L.cppOracle();
  test.each(CASES)('default output equals C++ Clipper 6.4.2 (delta %p, %s)', (delta, jt) => {
    const ours = offsetAll(polys, delta, jt, false);
    if (oracle) {
      const want = L.cppOffsetMany(polys.map((p) => ({ rings: p.rings, delta, joinType: jt })));
      const mismatches = polys.filter((_, i) => !L.sameRings(ours[i], want[i]));
      expect(mismatches).toEqual([]);
    } else if (jt === 'round' && stepsCapped(delta)) {
      // Without the C++ oracle, and where C++ caps the round-join steps at |delta|*pi (deviation
      // 1): clipper-lib's arcs have more points on most polygons. Each such difference must be
      // only that: the same rings, no more points than clipper-lib's, the same boundary within 0.5 px.
      const n = (rings: Ring[]) => rings.reduce((sum, r) => sum + r.length, 0);
      const area = (rings: Ring[]) => rings.reduce((sum, r) => sum + L.ringArea(r), 0);
      const perimeter = (rings: Ring[]) => rings.reduce((sum, r) => sum + L.ringPerimeter(r), 0);
      let differing = 0;
      const unexplained = polys.filter((p, i) => {
        const lib: Ring[] = L.clipperLibOffset(p.rings, delta, { joinType: jt });
        if (L.sameRings(ours[i], lib)) return false;
        differing++;
        const mine = ours[i] as Ring[];
        return !(mine.length === lib.length && n(mine) <= n(lib) && Math.abs(area(mine) - area(lib)) <= 0.5 * perimeter(lib));
      });
      expect(differing).toBeGreaterThan(0); // the cap is in force here, or this branch tests nothing
      expect(unexplained).toEqual([]);
    } else {
      // Without the C++ oracle: every difference from clipper-lib must be one of the documented
      // deviations above, i.e. vanish in jsCompat mode (checked in the previous test) and be rare.
      const diff = polys.filter((p, i) => !L.sameRings(ours[i], L.clipperLibOffset(p.rings, delta, { joinType: jt })));
      expect(diff.length).toBeLessThan(polys.length * 0.01);
    }
  });
});
