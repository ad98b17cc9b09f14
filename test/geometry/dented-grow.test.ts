/**
 * Grown rings with dents (native/geometry/offset642.cc ConvexResult + MonotoneChainsApart).
 *
 * Growing a rotated box rounds its arc vertices to integers, and about one ring in ten then turns
 * slightly right somewhere (e.g. 1188,1124 1190,1127 1297,1286: a turn of -3). The grow path takes
 * such a ring as its own clean-up result when it is y-monotone, thick, its two chains at least 2
 * apart on every scanline between top and bottom, and every vertex on the top and bottom lines a
 * left turn; otherwise the general sweep runs. These cases aim at the edges of that argument:
 * boxes 0.5 to 6 units thin at every angle (the chains come close), tiny deltas (dents next to the
 * sharp top and bottom vertices), near-axis angles (horizontal edges beside the dents), miter and
 * square joins, and the DB unclip ratios. Each result must equal the general path's
 * (`fastPath: false`: the raw ring through Clipper 6.4.2's clean-up sweep) polygon for polygon.
 * (An instrumented build counted the dented rings these inputs send through the new route: see
 * docs/geometry.md, "Grown rings with a dent".)
 */

import { geometryNative } from '../../src/geometry/native';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const L = require('./difflib.js');

type Ring = [number, number][];

const native = geometryNative();

/** Rotated boxes, many of them thin, at any angle (a fifth within a degree of an axis). */
function rotatedBoxes(count: number, seed: number): Ring[] {
  const rnd: () => number = L.mulberry32(seed);
  const out: Ring[] = [];
  for (let k = 0; k < count; k++) {
    const thin = rnd() < 0.6;
    const w = 3 + rnd() * (thin ? 60 : 400);
    const h = thin ? 0.5 + rnd() * 5.5 : 4 + rnd() * 60;
    const a = rnd() < 0.2 ? (Math.floor(rnd() * 4) * Math.PI) / 2 + (rnd() - 0.5) * 0.035 : rnd() * 2 * Math.PI;
    const c = Math.cos(a);
    const s = Math.sin(a);
    const ox = 50 + rnd() * 2000;
    const oy = 50 + rnd() * 2000;
    const box: Ring = L.rotatedBox(ox, oy, w, h, c, s);
    out.push(k % 2 === 0 ? box : box.reverse());
  }
  return out;
}

/** Small convex polygons on thin ellipses (5..12 points). */
function thinEllipses(count: number, seed: number): Ring[] {
  const rnd: () => number = L.mulberry32(seed);
  const out: Ring[] = [];
  for (let k = 0; k < count; k++) {
    const n = 5 + Math.floor(rnd() * 8);
    const rx = 2 + rnd() * 80;
    const ry = 0.5 + rnd() * 6;
    const a = rnd() * 2 * Math.PI;
    const ox = 100 + rnd() * 1000;
    const oy = 100 + rnd() * 1000;
    const t = Array.from({ length: n }, () => rnd() * 2 * Math.PI).sort((x, y) => x - y);
    out.push(
      t.map((u) => {
        const x = rx * Math.cos(u);
        const y = ry * Math.sin(u);
        return [ox + x * Math.cos(a) - y * Math.sin(a), oy + x * Math.sin(a) + y * Math.cos(a)];
      }),
    );
  }
  return out;
}

const boxes = L.flatten(rotatedBoxes(6000, 11).map((r) => [r]));
const ellipses = L.flatten(thinEllipses(3000, 12).map((r) => [r]));

describe('dented grown rings: grow path == general sweep (pyclipper mode)', () => {
  test.each([0.2, 0.5, 1, 1.5, 2, 4])('rotated boxes, unclip ratio %p', (ratio) => {
    const fast = native.geomOffsetBatch(boxes.coords, boxes.ringOffsets, null, ratio, { kind: 'unclip' });
    const slow = native.geomOffsetBatch(boxes.coords, boxes.ringOffsets, null, ratio, { kind: 'unclip', fastPath: false });
    expect(L.firstDifferentPolygon(fast, slow)).toBe(-1);
  });

  test.each([0.05, 0.3, 0.8, 1.7, 3.5, 9])('rotated boxes and thin ellipses, round joins, delta %p', (delta) => {
    for (const set of [boxes, ellipses]) {
      const fast = native.geomOffsetBatch(set.coords, set.ringOffsets, null, delta, {});
      const slow = native.geomOffsetBatch(set.coords, set.ringOffsets, null, delta, { fastPath: false });
      expect(L.firstDifferentPolygon(fast, slow)).toBe(-1);
    }
  });

  test.each([
    ['miter', 0.4],
    ['miter', 2.5],
    ['square', 0.4],
    ['square', 2.5],
  ] as const)('%s joins, delta %p', (joinType, delta) => {
    for (const set of [boxes, ellipses]) {
      const fast = native.geomOffsetBatch(set.coords, set.ringOffsets, null, delta, { joinType });
      const slow = native.geomOffsetBatch(set.coords, set.ringOffsets, null, delta, { joinType, fastPath: false });
      expect(L.firstDifferentPolygon(fast, slow)).toBe(-1);
    }
  });

  test('the results include thin and multi-vertex rings (the cases are not all trivial)', () => {
    const res: Ring[][] = L.unflatten(native.geomOffsetBatch(boxes.coords, boxes.ringOffsets, null, 0.3, {}));
    // (a box thinner than a unit may truncate to a line and vanish)
    expect(res.filter((r) => r.length === 1).length).toBeGreaterThan(5900);
    const heights = res.filter((r) => r.length === 1).map((r) => {
      const ys = r[0]!.map(([, y]) => y);
      return Math.max(...ys) - Math.min(...ys);
    });
    expect(heights.filter((h) => h <= 4).length).toBeGreaterThan(300);
    const round: Ring[][] = L.unflatten(native.geomOffsetBatch(boxes.coords, boxes.ringOffsets, null, 3.5, {}));
    expect(round.filter((r) => r.length === 1 && r[0]!.length >= 8).length).toBeGreaterThan(3000);
  });
});
