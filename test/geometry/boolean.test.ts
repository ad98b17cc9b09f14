/**
 * Boolean operations: areas equal to clipper2-wasm's (Clipper2 compiled to WebAssembly) within
 * 1e-9 relative, and, with Clipper 6.4.2 crossing arithmetic, output identical to the C++ Clipper
 * 6.4.2 `Clipper::Execute` when that oracle is installed.
 *
 * Known residual vs Clipper2 (≈0.04% of cases, even-odd union/xor only): a crossing where
 * Clipper2's own sweep orders two coincident intersections differently; the area differs by
 * ~1e-7 relative. The assertion allows 0.2% of cases above 1e-9.
 */
import {
  area,
  difference,
  differenceAsync,
  intersection,
  intersectionAsync,
  union,
  unionAsync,
  xor,
  xorAsync,
} from '../../src/geometry';
import { geometryNative } from '../../src/geometry/native';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const L = require('./difflib.js');

type Ring = [number, number][];
const OPS = { union, intersection, difference, xor } as const;
const FILLS = ['evenOdd', 'nonZero', 'positive', 'negative'] as const;

const polys: { kind: string; rings: Ring[] }[] = L.generate(1200, 9).filter((p: { kind: string }) => p.kind !== 'huge');
const pairs: [Ring[], Ring[]][] = [];
for (let i = 0; i + 1 < polys.length; i += 2) {
  pairs.push([polys[i]!.rings, polys[i + 1]!.rings.map((r) => r.map(([x, y]) => [x + 20, y + 10] as [number, number]))]);
}

describe('boolean operations vs clipper2-wasm', () => {
  let C: unknown;
  beforeAll(async () => {
    C = await L.clipper2();
  });

  for (const op of Object.keys(OPS) as (keyof typeof OPS)[]) {
    test.each(FILLS)(`${op} (%s): areas within 1e-9 relative`, (fill) => {
      let off = 0;
      for (const [s, c] of pairs) {
        const ours = OPS[op](s, c, { fillRule: fill });
        const want = L.clipper2Boolean(C, op, fill, s, c, 2);
        const a = area(ours);
        const b = L.totalArea(want);
        if (Math.abs(a - b) > 1e-9 * Math.max(Math.abs(b), 1e-12)) off++;
      }
      expect(off).toBeLessThanOrEqual(Math.ceil(pairs.length * 0.002));
    });
  }

  test('empty inputs', () => {
    expect(union([], [])).toEqual([]);
    expect(intersection([[[0, 0], [1, 0], [1, 1]]], [])).toEqual([]);
  });
});

describe('boolean operations with Clipper 6.4.2 arithmetic', () => {
  const oracle = L.cppOracle();
  const native = geometryNative();
  test.each(FILLS)('all four ops (%s) equal C++ Clipper 6.4.2 or its clipper-lib port', (fill) => {
    const ints = pairs.slice(0, 200).map(([s, c]) => [L.trunc(s), L.trunc(c)] as [Ring[], Ring[]]);
    for (const op of ['union', 'intersection', 'difference', 'xor'] as const) {
      const ours = ints.map(([s, c]) => {
        const sf = L.flatten([s]);
        const cf = L.flatten([c]);
        const r = native.geomBooleanOp(sf.coords, sf.ringOffsets, cf.coords, cf.ringOffsets, {
          op,
          fillRule: fill,
          scale: 1,
          preserveCollinear: false,
          reverseSolution: false,
          clipper642: true,
        });
        return L.unflatten(r)[0];
      });
      if (oracle) {
        const want = L.cppClipMany(ints.map(([s, c]) => ({ subject: s, clip: c, op, fill })));
        expect(ours.filter((o: Ring[], i: number) => !L.sameRings(o, want[i]))).toEqual([]);
      } else {
        // Without the C++ oracle: its clipper-lib port, which deviates from it in a few places
        // (pyclipper-offset.test.ts, deviations 2-4). Deviation 2 splits a self-touching ring in
        // two (up to 36 of these 200 pairs differ in their rings, with the same area); deviation
        // 4 moves a clamped crossing (up to 2 of 200 differ in area). Measured with the oracle
        // hidden; with a broken sweep most pairs differ.
        const lib = ints.map(([s, c]) => L.clipperLibClip(op, fill, s, c));
        const sameRings = ours.filter((o: Ring[], i: number) => L.sameRings(o, lib[i])).length;
        const sameArea = ours.filter((o: Ring[], i: number) => Math.abs(area(o) - L.totalArea(lib[i])) <= 1e-9 * Math.max(1, Math.abs(area(o)))).length;
        expect(sameRings).toBeGreaterThanOrEqual(ints.length * 0.75);
        expect(sameArea).toBeGreaterThanOrEqual(ints.length * 0.98);
      }
    }
  });
});

describe('async boolean operations', () => {
  const ASYNC = { union: unionAsync, intersection: intersectionAsync, difference: differenceAsync, xor: xorAsync };

  test.each(Object.keys(OPS) as (keyof typeof OPS)[])('%s: same paths as the sync form, on a pool thread', async (op) => {
    for (const fill of FILLS) {
      const sample = pairs.slice(0, 40);
      const got = await Promise.all(sample.map(([s, c]) => ASYNC[op](s, c, { fillRule: fill })));
      sample.forEach(([s, c], i) => {
        expect(got[i]).toEqual(OPS[op](s, c, { fillRule: fill }));
      });
    }
  });

  test('a known result: two overlapping squares', async () => {
    const a: Ring[] = [
      [
        [0, 0],
        [10, 0],
        [10, 10],
        [0, 10],
      ],
    ];
    const b: Ring[] = [
      [
        [5, 5],
        [15, 5],
        [15, 15],
        [5, 15],
      ],
    ];
    expect(area(await unionAsync(a, b))).toBeCloseTo(175, 9);
    expect(area(await intersectionAsync(a, b))).toBeCloseTo(25, 9);
    expect(area(await differenceAsync(a, b))).toBeCloseTo(75, 9);
    expect(area(await xorAsync(a, b))).toBeCloseTo(150, 9);
  });

  test('bad input rejects with the same typed errors as the sync form', async () => {
    const bad = [
      [
        [0, 0],
        [Number.NaN, 1],
        [1, 1],
      ],
    ] as Ring[];
    let syncErr: { name?: string; code?: string } = {};
    try {
      union(bad);
    } catch (e) {
      syncErr = e as { name?: string; code?: string };
    }
    expect(syncErr.code).toMatch(/^ERR_/);
    await expect(unionAsync(bad)).rejects.toMatchObject({ name: syncErr.name, code: syncErr.code });
    await expect(unionAsync(bad, [], { fillRule: 'nope' as never })).rejects.toMatchObject({ name: 'OcrPerfkitRangeError' });
  });
});
