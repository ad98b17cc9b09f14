/**
 * The fast path (native/geometry/fast_cleanup.cc) skips Clipper's sweep for simple offset rings.
 * Its output must be identical, vertex for vertex and in the same order, to the general path's.
 * Checked here on every SROIE/NAF box (shrink r=0.4 and unclip 1.5, as DB does) and on generated
 * quads, rotated quads and curved 14–16-point polygons with several deltas. The C++ harness behind
 * `scripts/geometry-differential.js --fast` runs the same comparison on millions of polygons.
 */
import { geometryNative } from '../../src/geometry/native';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const L = require('./difflib.js');

const native = geometryNative();

function same(a: { coords: Float64Array; ringOffsets: Uint32Array; polygonRings: Uint32Array }, b: typeof a): number {
  // index of the first differing polygon, or -1
  const n = a.polygonRings.length - 1;
  if (n !== b.polygonRings.length - 1) return 0;
  const pa = L.unflatten(a);
  const pb = L.unflatten(b);
  for (let i = 0; i < n; i++) if (!L.sameRings(pa[i], pb[i])) return i;
  return -1;
}

describe('fast path == general sweep', () => {
  test.each([
    ['shrink', 0.4],
    ['unclip', 1.5],
  ] as const)('every SROIE/NAF box (%s %p)', (kind, ratio) => {
    const polys = L.loadDatasets();
    expect(polys.length).toBeGreaterThan(100000);
    const flat = L.flatten(polys.map((p: { rings: unknown }) => p.rings));
    const fast = native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, ratio, { kind });
    const slow = native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, ratio, { kind, fastPath: false });
    expect(same(fast, slow)).toBe(-1);
  });

  // Grown convex polygons: their raw offset rings often hold repeated points (an arc step landing on
  // the join's end point) and straight-through collinear points (shallow arc steps next to an
  // edge), which the one-pass convex check (FastConvexRing) drops itself. Small and large boxes,
  // rotated boxes, random convex polygons, near the origin and far from it (up to the 2^30 limit
  // of the fast path), small and large deltas.
  test('grown convex polygons with repeated and collinear raw vertices', () => {
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const polys: number[][][][] = [];
    const origins = [0, 1000, 123456.7, 5e8, -1e9];
    for (let k = 0; k < 6000; k++) {
      const ox = (origins[k % origins.length] ?? 0) + rnd() * 100;
      const oy = (origins[(k >> 2) % origins.length] ?? 0) + rnd() * 100;
      const w = rnd() < 0.3 ? 1 + rnd() * 8 : 5 + rnd() * 400;
      const h = rnd() < 0.3 ? 1 + rnd() * 8 : 5 + rnd() * 60;
      const kind = k % 3;
      let ring: number[][];
      if (kind === 0) {
        ring = [
          [ox, oy],
          [ox + w, oy],
          [ox + w, oy + h],
          [ox, oy + h],
        ];
      } else if (kind === 1) {
        const a = rnd() * Math.PI;
        const c = Math.cos(a);
        const s = Math.sin(a);
        const corners: [number, number][] = [
          [0, 0],
          [w, 0],
          [w, h],
          [0, h],
        ];
        ring = corners.map(([x, y]) => [ox + x * c - y * s, oy + x * s + y * c]);
      } else {
        const n = 3 + Math.floor(rnd() * 12);
        const angles = Array.from({ length: n }, () => rnd() * 2 * Math.PI).sort((x, y) => x - y);
        ring = angles.map((t) => [ox + w * Math.cos(t), oy + h * Math.sin(t)]);
      }
      polys.push([k % 2 === 0 ? ring : ring.slice().reverse()]);
    }
    const flat = L.flatten(polys);
    for (const delta of [0.3, 0.8, 1.6, 3.3, 7.5, 24.9, 130]) {
      for (const joinType of ['round', 'miter', 'square'] as const) {
        const fast = native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, delta, { joinType });
        const slow = native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, delta, { joinType, fastPath: false });
        expect(same(fast, slow)).toBe(-1);
      }
    }
    for (const ratio of [1.5, 2, 0.4]) {
      const fast = native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, ratio, { kind: 'unclip' });
      const slow = native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, ratio, { kind: 'unclip', fastPath: false });
      expect(same(fast, slow)).toBe(-1);
    }
  });

  // Grown axis-aligned boxes take the rectangle shortcut of Grow (offset642.cc RoundRectResult:
  // the raw ring's four corner arcs are one arc turned by quarter turns, so the result is built
  // from one corner's). Integer and float corners, tiny to 3000 px, near the origin and 2^28 out,
  // squares at any angle, either orientation, any starting corner; DB unclip ratios and plain
  // round-join deltas, including near-half-integer ones (arc offsets close to a rounding tie).
  test('grown axis-aligned boxes (rectangle shortcut)', () => {
    const polys = L.generateAxisRects(20000, 77);
    const flat = L.flatten(polys.map((p: { rings: unknown }) => p.rings));
    for (const ratio of [0.3, 1, 1.5, 2.5]) {
      const fast = native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, ratio, { kind: 'unclip' });
      const slow = native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, ratio, { kind: 'unclip', fastPath: false });
      expect(same(fast, slow)).toBe(-1);
    }
    for (const delta of [0.7, 1.5, 4.5, 12.4999999, 37.5, 250.5]) {
      const fast = native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, delta, { joinType: 'round' });
      const slow = native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, delta, { joinType: 'round', fastPath: false });
      expect(same(fast, slow)).toBe(-1);
    }
  });

  // Curved 14–16-point text polygons (and every other generated kind but 'huge') at many DB
  // ratios, one ratio per polygon. Their raw offset rings (40–60 vertices with spikes) are
  // rejected by the fast path's one-pass give-up test and take the sweep; the output must be the
  // sweep's with the fast path off, ring for ring. scripts/fast-path-differential.js runs the
  // same comparison on millions of polygons.
  test.each([
    ['shrink', [0.05, 0.2, 0.4, 0.6, 0.8, 0.95]],
    ['unclip', [0.3, 1, 1.5, 2, 3]],
  ] as const)('curved and other generated polygons, DB %s at ratios %p', (kind, ratios) => {
    const polys = L.generate(13 * 600, 4242).filter((p: { kind: string }) => p.kind !== 'huge');
    const flat = L.flatten(polys.map((p: { rings: unknown }) => p.rings));
    const values = Float64Array.from(polys, (_: unknown, i: number) => ratios[i % ratios.length] ?? 0);
    const fast = native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, values, { kind });
    const slow = native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, values, { kind, fastPath: false });
    expect(same(fast, slow)).toBe(-1);
    for (const ratio of ratios) {
      const curved = polys.filter((p: { kind: string }) => p.kind === 'curved');
      const cf = L.flatten(curved.map((p: { rings: unknown }) => p.rings));
      const f = native.geomOffsetBatch(cf.coords, cf.ringOffsets, cf.polygonRings, ratio, { kind });
      const g = native.geomOffsetBatch(cf.coords, cf.ringOffsets, cf.polygonRings, ratio, { kind, fastPath: false });
      expect(f.polygonRings.length - 1).toBe(curved.length);
      expect(same(f, g)).toBe(-1);
    }
  });

  // Found by scripts/fast-path-differential.js (1M polygons, seed 7): shrunk, this 4-point
  // polygon becomes a triangle standing on a horizontal raw edge (both bottom vertices are
  // crossings on that edge's scanline); the sweep's ring does not end at the top vertex there.
  test('shrunk to a triangle on a horizontal edge between crossings', () => {
    const ring = [
      [266.849, 180.147],
      [251.229, 179.486],
      [389.679, 87.232],
      [322.729, 180.007],
    ];
    const generated = [
      [63.616656488738954, 100.17411463195458],
      [198.10873961541802, 86.96769793750718],
      [212.05523198004812, 19.49205865385011],
      [190.69135908503085, 102.08052630769089],
      [69.23167777713388, 102.65323092462495],
    ];
    const flat = L.flatten([[ring], [generated], [ring.slice().reverse()], [generated.slice().reverse()]]);
    for (const ratio of [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]) {
      const fast = native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, ratio, { kind: 'shrink' });
      const slow = native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, ratio, { kind: 'shrink', fastPath: false });
      expect(same(fast, slow)).toBe(-1);
    }
    const slow = L.unflatten(native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, 0.2, { kind: 'shrink', fastPath: false }));
    expect(slow[1]).toEqual([
      [
        [82, 100],
        [191, 89],
        [188, 100],
      ],
    ]);
  });

  // Rotated text boxes (exact rectangles at any angle, a third within 6 degrees of an axis): their
  // shrunk corners often lie within a unit of a scanline, where the sweep swaps the two offset
  // edges one beam later than the exact crossing (fast_cleanup.cc LateCrossingPoint), or never
  // while both are present (the fast path then declines). DB ratios and plain deltas, all joins.
  test('rotated text boxes: shrunk, crossings seen a beam late', () => {
    const polys = L.generateRotatedBoxes(4000, 2024);
    const flat = L.flatten(polys.map((p: { rings: unknown }) => p.rings));
    for (const ratio of [0.1, 0.3, 0.4, 0.5, 0.7, 0.9]) {
      const fast = native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, ratio, { kind: 'shrink' });
      const slow = native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, ratio, { kind: 'shrink', fastPath: false });
      expect(same(fast, slow)).toBe(-1);
    }
    for (const joinType of ['round', 'miter', 'square'] as const) {
      for (const delta of [-1.5, -3.3, -7.9]) {
        const fast = native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, delta, { joinType });
        const slow = native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, delta, { joinType, fastPath: false });
        expect(same(fast, slow)).toBe(-1);
      }
    }
    if (L.cppOracle()) {
      // and C++ Clipper 6.4.2 itself (DB shrink, r = 0.4)
      const want = L.cppOffsetMany(
        polys.map((p: { rings: number[][][] }) => {
          const r = p.rings[0] as number[][];
          return { rings: L.trunc(p.rings), delta: -((L.ringArea(r) * (1 - 0.16)) / L.ringPerimeter(r)) };
        }),
      );
      const ours = L.unflatten(native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, 0.4, { kind: 'shrink' }));
      let different = 0;
      for (let i = 0; i < polys.length; i++) if (!L.sameRings(ours[i], want[i])) different++;
      expect(different).toBe(0);
    }
  });

  // A 45-degree box shrunk by 5.6: the crossing at the left corner lies 0.23 below the scanline
  // y = 1183, where both offset edges round to x = 261, so the sweep swaps them in the next beam
  // up (LateCrossingPoint); the expected rings are the sweep's (= C++ Clipper 6.4.2).
  test('a crossing the sweep meets one beam above its own', () => {
    const ring = [
      [264, 1173],
      [373, 1284],
      [362, 1294],
      [253, 1183],
    ];
    const flat = L.flatten([[ring], [ring.slice().reverse()]]);
    for (let delta = -5; delta >= -6; delta -= 0.1) {
      const fast = native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, delta, {});
      const slow = native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, delta, { fastPath: false });
      expect(same(fast, slow)).toBe(-1);
    }
    const out = L.unflatten(native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, -5.6, {}));
    const want = [
      [365, 1284],
      [362, 1286],
      [261, 1183],
      [264, 1181],
    ];
    expect(out).toEqual([[want], [want]]);
  });

  test.each([-9.7, -2.5, 0.9, 7.5])('generated polygons, delta %p', (delta) => {
    const polys = L.generate(6500, 77).filter((p: { kind: string }) => ['quad', 'rotatedQuad', 'curved', 'concave'].includes(p.kind));
    const flat = L.flatten(polys.map((p: { rings: unknown }) => p.rings));
    for (const joinType of ['round', 'miter', 'square'] as const) {
      const fast = native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, delta, { joinType });
      const slow = native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, delta, { joinType, fastPath: false });
      expect(same(fast, slow)).toBe(-1);
    }
  });
  // Shrunk polygons of more than four vertices get their raw ring from Grow's flat emitter
  // (offset642.cc EmitRaw) instead of DoOffset: the same vertices. Every kind but quads (which keep
  // DoOffset), every join, miter limits and arc tolerances, and coordinates moved out to 2^30 and
  // beyond (where the emitter's bound sends the ring back to DoOffset).
  test.each([
    [0, -3.3],
    [0, -17.9],
    [2 ** 29, -6.1],
    [2 ** 30 - 300, -25.2],
    [2 ** 31, -4.4],
  ])('shrunk polygons of 5+ vertices, raw ring from the flat emitter (shift %p, delta %p)', (shift, delta) => {
    type Gen = { kind: string; rings: [number, number][][] };
    const polys = (L.generate(2600, 91) as Gen[])
      .filter((p) => p.kind !== 'huge' && (p.rings[0]?.length ?? 0) > 4)
      .map((p) => p.rings.map((r) => r.map(([x, y]) => [x + shift, y - shift])));
    expect(polys.length).toBeGreaterThan(1000);
    const flat = L.flatten(polys);
    for (const spec of [
      { joinType: 'round' as const },
      { joinType: 'round' as const, arcTolerance: 0.05 },
      { joinType: 'round' as const, arcTolerance: 3 },
      { joinType: 'miter' as const },
      { joinType: 'miter' as const, miterLimit: 7 },
      { joinType: 'square' as const },
    ]) {
      const fast = native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, delta, spec);
      const slow = native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, delta, { ...spec, fastPath: false });
      expect(same(fast, slow)).toBe(-1);
    }
  });

  // Found by a 6M-polygon fast-vs-sweep stress run: tiny or degenerate quads with 1-2 unit edges,
  // shrunk. The fast clean-up used to keep a vertex the sweep drops (touch at a rounded position)
  // or emit a ring where the sweep gives nothing; such polygons now take the sweep (offset642.cc,
  // CoarseEdges). Expected outputs are the general path's, which equals C++ Clipper 6.4.2.
  test.each([
    [-1.7579243026691951, 1.9783151446718086, [809775657, 702535119, 809775658, 702535111, 809775658, 702535113, 809775659, 702535115], []],
    [
      -0.056257066162518514,
      0.25,
      [458183423, 992994675, 458183395, 992994688, 458183367, 992994545, 458183367, 992994544],
      [458183395, 992994688, 458183367, 992994545, 458183423, 992994675],
    ],
    [-0.72514585158051226, 1.614721089528381, [903942896, -516603165, 903942896, -516603166, 903942896, -516603167, 903942896, -516603168], []],
  ])('tiny quad shrunk by %p (arc tolerance %p) equals the sweep', (delta, arcTolerance, pts, want) => {
    const coords = Float64Array.from(pts);
    const rings = Uint32Array.from([0, 4]);
    const fast = native.geomOffsetBatch(coords, rings, null, delta, { arcTolerance });
    const slow = native.geomOffsetBatch(coords, rings, null, delta, { arcTolerance, fastPath: false });
    expect(Array.from(fast.coords)).toEqual(want);
    expect(Array.from(slow.coords)).toEqual(want);
  });
});
