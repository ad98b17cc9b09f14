/**
 * The shrunk-quadrilateral route of the fast path (native/geometry/offset642.cc ShrinkQuadRaw,
 * native/geometry/fast_cleanup.cc ShrunkQuad / QuadTail / EmitQuad) against the general sweep
 * (`fastPath: false`): identical output, ring for ring, vertex for vertex, same start vertex and
 * orientation (the start vertex of results with a horizontal top edge is the quad route's own rule,
 * see EmitQuad). Rotated text boxes, general convex quads and degenerate ones (near-zero area,
 * nearly straight corners, tiny, huge coordinates, spikes), shrunk with DB ratios and plain deltas
 * of every join type, plus hand-made edge cases. `scripts/fast-path-differential.js --quads` runs
 * the same comparison on millions.
 */
import { geometryNative } from '../../src/geometry/native';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const L = require('./difflib.js');

const native = geometryNative();

type Flat = { coords: Float64Array; ringOffsets: Uint32Array; polygonRings: Uint32Array };
type Ring = number[][];

/** Index of the first polygon whose result rings differ, or -1 (difflib). */
const firstDiff = (a: Flat, b: Flat): number => L.firstDifferentPolygon(a, b);

/** Runs one batch with and without the fast path; returns both outputs. */
function both(rings: Ring[], value: number | Float64Array, spec: Record<string, unknown>): [Flat, Flat] {
  const flat = L.flatten(rings.map((r) => [r]));
  const fast = native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, value, spec);
  const slow = native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, value, { ...spec, fastPath: false });
  return [fast, slow];
}

function expectSame(rings: Ring[], value: number | Float64Array, spec: Record<string, unknown>): Flat {
  const [fast, slow] = both(rings, value, spec);
  const i = firstDiff(fast, slow);
  if (i >= 0) {
    // Print the polygon that differs, for the report.
    expect({ polygon: rings[i], spec, value: typeof value === 'number' ? value : value[i] }).toBeUndefined();
  }
  return fast;
}

const quads: Ring[] = L.generateConvexQuads(30000, 2024).map((p: { rings: Ring[] }) => p.rings[0]);
const boxes: Ring[] = L.generateRotatedBoxes(15000, 2025).map((p: { rings: Ring[] }) => p.rings[0]);
// The huge quads of the generator (sides of 1e8 and more) only shrink: grown, their round joins
// emit millions of vertices.
const small = (r: Ring) => {
  const xs = r.map((p) => p[0] as number);
  const ys = r.map((p) => p[1] as number);
  return Math.max(...xs) - Math.min(...xs) < 1e6 && Math.max(...ys) - Math.min(...ys) < 1e6;
};

describe('shrunk quadrilaterals: fast path == general sweep', () => {
  test.each([0.05, 0.2, 0.4, 0.6, 0.8, 0.95])('DB shrink r = %p, convex quads and rotated boxes', (r) => {
    expectSame(quads, r, { kind: 'shrink' });
    expectSame(boxes, r, { kind: 'shrink' });
  });

  test.each(['round', 'miter', 'square'])('plain negative deltas, %s joins', (joinType) => {
    const polys = quads.filter(small);
    const deltas = Float64Array.from(polys, (_, i) => -[0.3, 1, 2.5, 4.2, 12.5, 40][i % 6]!);
    expectSame(polys, deltas, { joinType });
    expectSame(boxes, -3.5, { joinType });
  });

  test('reverseSolution and scale', () => {
    expectSame(quads.slice(0, 10000), 0.4, { kind: 'shrink', reverseSolution: true });
    expectSame(boxes.slice(0, 5000), 0.4, { kind: 'shrink', scale: 8 });
    expectSame(boxes.slice(0, 5000), 0.4, { kind: 'shrink', scale: 0.5 });
  });

  test('the results cover the shapes the quad route decides itself', () => {
    // Four-vertex results with a horizontal edge at the bottom, the top or both (two crossing
    // points rounded onto one scanline: EmitQuad picks the record's last vertex itself) must be
    // among the compared outputs, in numbers.
    const out = L.unflatten(expectSame(boxes, 0.4, { kind: 'shrink' }));
    let flatBottom = 0;
    let flatTop = 0;
    let flatBoth = 0;
    for (const rings of out) {
      if (rings.length !== 1 || rings[0].length !== 4) continue;
      const ys: number[] = rings[0].map((p: number[]) => p[1]);
      const lo = Math.min(...ys);
      const hi = Math.max(...ys);
      const nLo = ys.filter((y) => y === lo).length;
      const nHi = ys.filter((y) => y === hi).length;
      if (nHi === 2 && nLo === 1) flatBottom++;
      if (nLo === 2 && nHi === 1) flatTop++;
      if (nLo === 2 && nHi === 2) flatBoth++;
    }
    expect(flatBottom).toBeGreaterThan(100);
    expect(flatTop).toBeGreaterThan(50);
    expect(flatBoth).toBeGreaterThan(100);
  });

  test('degenerate quads', () => {
    const cases: Ring[] = [
      // zero area: four collinear points, and a quad folded onto a line
      [
        [0, 0],
        [10, 10],
        [20, 20],
        [30, 30],
      ],
      [
        [0, 0],
        [100, 0],
        [50, 0],
        [10, 0],
      ],
      // near-zero area slivers
      [
        [0, 0],
        [200, 0.4],
        [200, 0.9],
        [0, 0.5],
      ],
      [
        [10, 10],
        [300, 12],
        [300, 13],
        [10, 11],
      ],
      // repeated corners (AddPath drops them: a triangle)
      [
        [0, 0],
        [0, 0],
        [50, 0],
        [50, 20],
      ],
      // one reflex corner (not convex: DoOffset's route)
      [
        [0, 0],
        [100, 0],
        [40, 20],
        [0, 100],
      ],
      // a nearly straight corner
      [
        [0, 0],
        [100, 0.2],
        [200, 0],
        [100, 60],
      ],
      // tiny
      [
        [5, 5],
        [6, 5],
        [6, 6],
        [5, 6],
      ],
      [
        [5.2, 5.9],
        [7.8, 5.1],
        [8.6, 7.7],
        [6, 8.5],
      ],
      // spikes: long thin kites
      [
        [0, 0],
        [400, -3],
        [500, 0],
        [400, 3],
      ],
      [
        [1000, 1000],
        [1003, 1400],
        [1000, 1500],
        [997, 1400],
      ],
      // huge coordinates: at the fast path's 2^30 range, past it, and far past it
      [
        [1073741000, 1073741000],
        [1073741800, 1073741100],
        [1073741700, 1073741600],
        [1073740900, 1073741500],
      ],
      [
        [2147483000, -2147483000],
        [2147484800, -2147482900],
        [2147484700, -2147482400],
        [2147482900, -2147482500],
      ],
      [
        [-1e12, -1e12],
        [1e12, -1e12 + 3e11],
        [8e11, 1e12],
        [-1.1e12, 7e11],
      ],
      // axis-aligned and exact 45-degree boxes (ShrunkRectangle, and crossings on scanlines)
      [
        [0, 0],
        [300, 0],
        [300, 7],
        [0, 7],
      ],
      [
        [100, 0],
        [200, 100],
        [190, 110],
        [90, 10],
      ],
    ];
    // Both orientations, every starting corner.
    const all: Ring[] = [];
    for (const c of cases) {
      for (const ring of [c, [...c].reverse()]) for (let k = 0; k < 4; k++) all.push(ring.slice(k).concat(ring.slice(0, k)));
    }
    for (const r of [0.1, 0.4, 0.8]) expectSame(all, r, { kind: 'shrink' });
    for (const d of [-0.4, -1, -3, -10]) expectSame(all, d, { joinType: 'round' });
  });

  // ThickQuad (fast_cleanup.cc) certifies a shrunk box in closed form when every part of its raw
  // ring is at least 2.5 units from the offset edge lines that separate it, and declines to
  // ShrunkQuad's own checks otherwise: boxes whose result is from under one to several units
  // thick (across that boundary), at many angles, with horizontal offset edges (parallelograms),
  // and translated to just inside the 2^30 coordinate range.
  test('thick and thin results around the closed-form certificate', () => {
    const rings: Ring[] = [];
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 6000; i++) {
      const a = (i * 7.3 * Math.PI) / 180 + rnd() * 0.01;
      const h = 2 + (i % 40) * 0.45 + rnd() * 0.3; // results from < 1 to ~7 units thick at r = 0.4
      const w = h + 4 + rnd() * 200;
      const cx = 500 + rnd() * 1000;
      const cy = 500 + rnd() * 1000;
      const c = Math.cos(a);
      const sn = Math.sin(a);
      const corner = (u: number, v: number) => [cx + u * c - v * sn, cy + u * sn + v * c];
      rings.push([corner(-w / 2, -h / 2), corner(w / 2, -h / 2), corner(w / 2, h / 2), corner(-w / 2, h / 2)]);
      // a parallelogram with horizontal top and bottom edges (horizontal offset edges)
      const sk = (rnd() - 0.5) * 3 * h;
      const x0 = Math.round(cx);
      const y0 = Math.round(cy);
      const hh = Math.round(h);
      rings.push([
        [x0, y0],
        [x0 + Math.round(w), y0],
        [x0 + Math.round(w + sk), y0 + hh],
        [x0 + Math.round(sk), y0 + hh],
      ]);
    }
    const far = rings.map((r) => r.map((p) => [(p[0] as number) + 1073739000, (p[1] as number) - 1073739000]));
    const farEdge = rings.map((r) => r.map((p) => [(p[0] as number) + 1073739500, (p[1] as number) + 1073739500]));
    for (const r of [0.2, 0.4, 0.7]) {
      expectSame(rings, r, { kind: 'shrink' });
      expectSame(far, r, { kind: 'shrink' });
      expectSame(farEdge, r, { kind: 'shrink' });
    }
    for (const d of [-1, -2.5, -4]) expectSame(rings, d, { joinType: 'round' });
  });
});
