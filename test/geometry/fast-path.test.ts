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

  test.each([-9.7, -2.5, 0.9, 7.5])('generated polygons, delta %p', (delta) => {
    const polys = L.generate(6500, 77).filter((p: { kind: string }) => ['quad', 'rotatedQuad', 'curved', 'concave'].includes(p.kind));
    const flat = L.flatten(polys.map((p: { rings: unknown }) => p.rings));
    for (const joinType of ['round', 'miter', 'square'] as const) {
      const fast = native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, delta, { joinType });
      const slow = native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, delta, { joinType, fastPath: false });
      expect(same(fast, slow)).toBe(-1);
    }
  });
});
