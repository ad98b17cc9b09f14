/**
 * The shrink frame (native/geometry/clipper_engine.cc ExecuteShrinkFrame). Clipper 6.4.2's
 * ClipperOffset cleans a shrunk (delta < 0) raw offset by adding a rectangle 10 units around it,
 * a negative-fill union with reverse_solution, and erasing the first result path (that frame).
 * The engine reproduces the frame's effects on the other paths without sweeping its edges; with
 * `fastPath: false` it adds the real frame. Both must give the same output, vertex for vertex and
 * in the same order, and equal C++ Clipper 6.4.2 (when installed), on inputs made to stress what
 * the frame touches: rings that touch and overlap themselves, results with holes and several
 * pieces, rings that split when shrunk, horizontal and collinear edges at the ring's extremes,
 * many local minima at one y (more than std::sort's insertion-sort threshold), several rings per
 * polygon, coordinates at the 2^30 limit where the emulation stops, tiny and large deltas.
 */
import { geometryNative, type NativeOffsetSpec } from '../../src/geometry/native';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const L = require('./difflib.js');

type Ring = number[][];
type Poly = Ring[];
const native = geometryNative();

// The difflib generator (mulberry32), seeded.
const rng = (seed: number): (() => number) => L.mulberry32(seed);

// Random integer rings on a small grid: self-touching, overlapping, horizontal and collinear
// edges everywhere (the extremes included), repeated vertices; 1 to 3 rings per polygon.
function gridPolys(count: number, seed: number, origin = 0): Poly[] {
  const rand = rng(seed);
  const out: Poly[] = [];
  for (let i = 0; i < count; i++) {
    const grid = [4, 6, 10, 24, 60][i % 5] ?? 10;
    const nRings = rand() < 0.3 ? 2 + Math.floor(rand() * 2) : 1;
    const poly: Poly = [];
    for (let r = 0; r < nRings; r++) {
      const n = 3 + Math.floor(rand() * (rand() < 0.3 ? 30 : 9));
      const ring: Ring = [];
      for (let k = 0; k < n; k++) {
        ring.push([origin + Math.floor(rand() * (grid + 1)) * 3, origin + Math.floor(rand() * (grid + 1)) * 3]);
      }
      poly.push(ring);
    }
    out.push(poly);
  }
  return out;
}

// Combs: teeth whose bottoms (local minima) share one y, 8 to 40 of them, with a flat or a
// stepped back; shrinking splits them into pieces. Some get a rectangular hole in the back.
function combs(count: number, seed: number): Poly[] {
  const rand = rng(seed);
  const out: Poly[] = [];
  for (let i = 0; i < count; i++) {
    const teeth = 8 + Math.floor(rand() * 33);
    const tw = 4 + Math.floor(rand() * 12);
    const gap = 2 + Math.floor(rand() * 10);
    const depth = 10 + Math.floor(rand() * 30);
    const back = 6 + Math.floor(rand() * 20);
    const x0 = Math.floor(rand() * 100);
    const y0 = Math.floor(rand() * 100);
    const ring: Ring = [];
    for (let t = 0; t < teeth; t++) {
      const x = x0 + t * (tw + gap);
      const bottom = y0 + back + depth + (rand() < 0.2 ? Math.floor(rand() * 3) : 0);
      ring.push([x, y0 + back], [x, bottom], [x + tw, bottom], [x + tw, y0 + back]);
    }
    const right = x0 + teeth * (tw + gap) - gap;
    ring.push([right, y0], [x0, y0]);
    const poly: Poly = [rand() < 0.5 ? ring : ring.reverse()];
    if (rand() < 0.3 && back > 10) {
      const hx = x0 + 3;
      poly.push([
        [hx, y0 + 3],
        [hx, y0 + back - 3],
        [right - 3, y0 + back - 3],
        [right - 3, y0 + 3],
      ]);
    }
    out.push(poly);
  }
  return out;
}

interface Case {
  name: string;
  polys: Poly[];
  deltas: number[];
}

const generated: Poly[] = L.generate(13 * 300, 4242)
  .filter((p: { kind: string }) => p.kind !== 'huge')
  .map((p: { rings: Poly }) => p.rings);

const cases: Case[] = [
  { name: 'grid rings', polys: gridPolys(1500, 1), deltas: [-0.3, -1, -2.5, -4.2] },
  { name: 'combs', polys: combs(300, 2), deltas: [-0.6, -1.5, -2.5, -7] },
  { name: 'generated (every kind)', polys: generated, deltas: [-0.4, -2, -6.5, -40] },
  // Just inside and just past the limit of the emulation (frame coordinates within 2^30).
  { name: 'grid rings at 2^30', polys: gridPolys(300, 3, 2 ** 30 - 200), deltas: [-0.5, -2.5] },
  { name: 'grid rings at -2^30', polys: gridPolys(300, 4, -(2 ** 30) - 20), deltas: [-0.5, -2.5] },
];

const joins = ['round', 'miter', 'square'] as const;

function run(polys: Poly[], deltas: Float64Array, spec: Record<string, unknown>): Poly[] {
  const flat = L.flatten(polys);
  return L.unflatten(native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, deltas, spec));
}

function perPolygon(c: Case): Float64Array {
  return Float64Array.from(c.polys, (_, i) => c.deltas[i % c.deltas.length] ?? -1);
}

describe('shrink frame: emulated == real frame', () => {
  test.each(cases.flatMap((c) => joins.map((j) => [c.name, j] as const)))('%s, %s joins', (name, joinType) => {
    const c = cases.find((x) => x.name === name) as Case;
    const deltas = perPolygon(c);
    for (const preserveCollinear of [false, true]) {
      const spec = { kind: 'delta', joinType, preserveCollinear };
      const emulated = run(c.polys, deltas, spec);
      const real = run(c.polys, deltas, { ...spec, fastPath: false });
      const bad = c.polys.map((_, i) => i).filter((i) => !L.sameRings(emulated[i], real[i]));
      expect(bad).toEqual([]);
    }
  });

  test('the cases reach what the frame touches', () => {
    // Results with several pieces and results with holes (rings of both orientations).
    let pieces = 0;
    let holes = 0;
    for (const c of cases.slice(0, 3)) {
      const res = run(c.polys, perPolygon(c), { kind: 'delta', fastPath: false });
      for (const rings of res) {
        if (rings.length > 1) pieces++;
        const signs = new Set(rings.map((r) => Math.sign(L.signedArea(r))));
        if (signs.size > 1) holes++;
      }
    }
    expect(pieces).toBeGreaterThan(500);
    expect(holes).toBeGreaterThan(20);
  });

  test.each(cases.map((c) => [c.name] as const))('%s: identical to C++ Clipper 6.4.2 (when installed)', (name) => {
    const c = cases.find((x) => x.name === name) as Case;
    if (!L.cppOracle()) return;
    const deltas = perPolygon(c);
    for (const joinType of joins) {
      const ours = run(c.polys, deltas, { kind: 'delta', joinType });
      const want = L.cppOffsetMany(c.polys.map((p, i) => ({ rings: L.trunc(p), delta: deltas[i], joinType })));
      const bad = c.polys.map((_, i) => i).filter((i) => !L.sameRings(ours[i], want[i]));
      expect(bad).toEqual([]);
    }
  });

  // The clean-up's options reach the engine before its paths: the first polygon after a call with
  // the other preserveCollinear setting once had its raw ring cleaned up under the old one.
  test('preserveCollinear does not carry over to the next call', () => {
    const poly = (combs(1, 7)[0] as Poly).concat();
    const alone = run([poly], Float64Array.of(-0.6), { kind: 'delta' });
    for (const fastPath of [true, false]) {
      const spec = { kind: 'delta', fastPath };
      const c = cases[0] as Case;
      run(c.polys, perPolygon(c), { ...spec, preserveCollinear: true });
      expect(L.sameRings(run([poly], Float64Array.of(-0.6), spec)[0], alone[0])).toBe(true);
    }
  });

  test('DB shrink with reverseSolution and scale', () => {
    const polys = [...gridPolys(500, 5), ...combs(100, 6)];
    const specs: Partial<NativeOffsetSpec>[] = [
      { kind: 'shrink', reverseSolution: true },
      { kind: 'shrink', scale: 4 },
    ];
    for (const spec of specs) {
      for (const r of [0.2, 0.4, 0.6]) {
        const flat = L.flatten(polys);
        const a = L.unflatten(native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, r, spec));
        const b = L.unflatten(
          native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, r, { ...spec, fastPath: false }),
        );
        expect(polys.map((_, i) => i).filter((i) => !L.sameRings(a[i], b[i]))).toEqual([]);
      }
    }
  });
});
