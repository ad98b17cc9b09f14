/**
 * The general sweep (native/geometry/clipper_engine.cc) has a fast form for the usual inputs and
 * the general one for the rest; this pins the general ones on curved text polygons moved where
 * the fast form does not apply:
 * - coordinates beyond 2^30 (int128 slope tests, rounding with its overflow test);
 * - polygons taller than 2^14 units (scanbeams sorted in a vector instead of a bitmap); scaled
 *   10000x, even the shrunk ones stay that tall.
 * Output must equal C++ Clipper 6.4.2 (when installed) and, in jsCompat mode, clipper-lib.
 */
import { geometryNative } from '../../src/geometry/native';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const L = require('./difflib.js');

type Ring = number[][];
const native = geometryNative();

const base: Ring[] = L.generate(13 * 200, 31)
  .filter((p: { kind: string }) => p.kind === 'curved')
  .map((p: { rings: Ring[] }) => p.rings[0]);

const variants: [string, Ring[]][] = [
  ['moved beyond 2^30', base.map((r) => r.map(([x = 0, y = 0]) => [x + 2 ** 31 + 0.25, y - 2 ** 32 + 0.5]))],
  ['scaled 10000x (taller than 2^17)', base.map((r) => r.map(([x = 0, y = 0]) => [x * 10000, y * 10000]))],
];

function dbDelta(ring: Ring, kind: 'shrink' | 'unclip', r: number): number {
  const a = L.ringArea(ring);
  const l = L.ringPerimeter(ring);
  return kind === 'shrink' ? -((a * (1 - r * r)) / l) : (a * r) / l;
}

const cases = [
  ['shrink', 0.4],
  ['unclip', 1.5],
] as const;

describe.each(variants)('curved text polygons %s: pyclipper mode', (_name, rings) => {
  test('the variant leaves the fast form', () => {
    expect(rings.length).toBe(200);
    const far = rings.every((r) => r.every(([x = 0]) => Math.abs(x) > 2 ** 30));
    const ys = (r: Ring) => r.map(([, y = 0]) => y);
    const tall = rings.every((r) => Math.max(...ys(r)) - Math.min(...ys(r)) > 2 ** 17);
    expect(far || tall).toBe(true);
  });

  test.each(cases)('DB %s %p: identical to C++ Clipper 6.4.2 (when installed)', (kind, r) => {
    const flat = L.flatten(rings.map((ring) => [ring]));
    const ours: Ring[][] = L.unflatten(native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, r, { kind }));
    expect(ours.every((res) => res.length >= 1)).toBe(true);
    if (!L.cppOracle()) return; // the jsCompat test below still runs
    const want = L.cppOffsetMany(rings.map((ring) => ({ rings: L.trunc([ring]), delta: dbDelta(ring, kind, r) })));
    const mismatches = rings.filter((_, i) => !L.sameRings(ours[i], want[i]));
    expect(mismatches).toEqual([]);
  });

  test.each(cases)('DB %s %p, jsCompat mode: identical to clipper-lib', (kind, r) => {
    const some = rings.filter((_, i) => i % 2 === 0);
    const flat = L.flatten(some.map((ring) => [ring]));
    const ours: Ring[][] = L.unflatten(native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, r, { kind, jsCompat: true }));
    const mismatches = some.filter((ring, i) => !L.sameRings(ours[i], L.clipperLibOffset(L.trunc([ring]), dbDelta(ring, kind, r))));
    expect(mismatches).toEqual([]);
  });
});
