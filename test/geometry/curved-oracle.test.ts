/**
 * Curved 14–16-point text polygons (test/geometry/difflib.js), DB shrink and unclip at many
 * ratios, in pyclipper mode: identical to C++ Clipper 6.4.2 (Debian libpolyclipping, when it is
 * installed) and, in jsCompat mode, to clipper-lib. These polygons take the general sweep
 * (native/geometry/clipper_engine.cc), so this pins its output on them.
 */
import { geometryNative } from '../../src/geometry/native';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const L = require('./difflib.js');

type Ring = number[][];
const native = geometryNative();

const curved: { rings: Ring[] }[] = L.generate(13 * 1500, 97).filter((p: { kind: string }) => p.kind === 'curved');

function dbDelta(ring: Ring, kind: 'shrink' | 'unclip', r: number): number {
  const a = L.ringArea(ring);
  const l = L.ringPerimeter(ring);
  return kind === 'shrink' ? -((a * (1 - r * r)) / l) : (a * r) / l;
}

describe('curved text polygons: pyclipper mode', () => {
  const cases = [
    ['shrink', 0.2],
    ['shrink', 0.4],
    ['shrink', 0.7],
    ['unclip', 1],
    ['unclip', 1.5],
    ['unclip', 2.5],
  ] as const;

  test.each(cases)('DB %s %p: identical to C++ Clipper 6.4.2 (when installed)', (kind, r) => {
    expect(curved.length).toBe(1500);
    const flat = L.flatten(curved.map((p) => p.rings));
    const ours: Ring[][] = L.unflatten(native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, r, { kind }));
    expect(ours.every((rings) => rings.length >= 1)).toBe(true);
    if (!L.cppOracle()) return; // the jsCompat test below still runs
    const want = L.cppOffsetMany(curved.map((p) => ({ rings: L.trunc(p.rings), delta: dbDelta(p.rings[0] as Ring, kind, r) })));
    const mismatches = curved.filter((_, i) => !L.sameRings(ours[i], want[i]));
    expect(mismatches).toEqual([]);
  });

  test.each(cases)('DB %s %p, jsCompat mode: identical to clipper-lib', (kind, r) => {
    const some = curved.filter((_, i) => i % 3 === 0);
    const flat = L.flatten(some.map((p) => p.rings));
    const ours: Ring[][] = L.unflatten(native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, r, { kind, jsCompat: true }));
    const mismatches = some.filter(
      (p, i) => !L.sameRings(ours[i], L.clipperLibOffset(L.trunc(p.rings), dbDelta(p.rings[0] as Ring, kind, r))),
    );
    expect(mismatches).toEqual([]);
  });
});
