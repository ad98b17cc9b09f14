#!/usr/bin/env node
/**
 * Long run of the fast path against the general sweep (test/geometry/fast-path.test.ts runs a
 * jest-sized version):
 *
 *   node scripts/fast-path-differential.js [--n 1000000] [--seed 1] [--addon path/to/ocr_perfkit.node]
 *                                          [--cpp-every 0] [--kinds rotatedQuad,quad] [--boxes 0] [--rects 0]
 *                                          [--quads 0]
 *
 * Polygons from test/geometry/difflib.js (every kind, curved text polygons included; 'huge' only
 * for shrinking, as growing them emits millions of arc vertices), in chunks of 20000. For each
 * chunk, pyclipper mode: DB shrink and unclip with one ratio per polygon (cycling through a list),
 * and plain deltas with round, miter and square joins. The output with the fast path (the
 * default) must equal the output with `fastPath: false`, ring for ring and vertex for vertex.
 * With --cpp-every k, every k-th chunk's DB results are also compared with C++ Clipper 6.4.2
 * (Debian libpolyclipping, when installed). With --kinds, only polygons of those kinds are kept
 * (the generator still cycles through every kind, so --n counts generated polygons: 'rotatedQuad'
 * alone keeps 1 in 13). --boxes k adds k rotated text boxes (difflib generateRotatedBoxes: exact
 * rectangles at any angle, a third near an axis) to each chunk; --rects k adds k axis-aligned boxes
 * (difflib generateAxisRects: integer corners, tiny to 3000 px, some far out, some squares at any
 * angle; the rectangle shortcut of offset642.cc's Grow); --quads k adds k convex quadrilaterals
 * (difflib generateConvexQuads: rotated text boxes, general convex quads and degenerate ones; the
 * shrunk-quad route of fast_cleanup.cc ShrunkQuad). `--kinds none --quads 20000` runs quads alone.
 * Run `npx tsc -p tsconfig.build.json` first.
 * Prints a JSON summary; exits 1 on any difference.
 */
const path = require('node:path');
const L = require('../test/geometry/difflib.js');

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

const N = Number(arg('n', 1000000));
const SEED = Number(arg('seed', 1));
const CPP_EVERY = Number(arg('cpp-every', 0));
const BOXES = Number(arg('boxes', 0));
const RECTS = Number(arg('rects', 0));
const QUADS = Number(arg('quads', 0));
const KINDS = arg('kinds', '') ? new Set(arg('kinds', '').split(',')) : null;
const addonPath = arg('addon', process.env.OCR_PERFKIT_ADDON);
if (addonPath) process.env.OCR_PERFKIT_ADDON = path.resolve(addonPath);
const { geometryNative } = require('../dist/geometry/native');
const native = geometryNative();

const CHUNK = 20000;
const SHRINK = [0.05, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 0.95];
const UNCLIP = [0.3, 0.8, 1, 1.5, 2, 2.5, 3];
const DELTAS = [-12.5, -4.2, -1.3, 0.6, 2.2, 6.7];

function differing(a, b) {
  // indices of the polygons whose rings differ
  const pa = L.unflatten(a);
  const pb = L.unflatten(b);
  const out = [];
  for (let i = 0; i < pa.length; i++) if (!L.sameRings(pa[i], pb[i])) out.push(i);
  if (pa.length !== pb.length) out.push(-1);
  return out;
}

function main() {
  const t0 = Date.now();
  const summary = {
    n: N,
    seed: SEED,
    kinds: KINDS ? [...KINDS] : 'all',
    boxesPerChunk: BOXES,
    rectsPerChunk: RECTS,
    quadsPerChunk: QUADS,
    comparisons: 0,
    identical: 0,
    byCase: {},
    byKind: {},
    cpp: null,
  };
  const firstDiffs = [];
  const cppOk = CPP_EVERY > 0 && Boolean(L.cppOracle());
  if (cppOk) summary.cpp = { cases: 0, identical: 0 };
  let chunkNo = 0;
  for (let start = 0; start < N; start += CHUNK, chunkNo++) {
    const all = L.generate(Math.min(CHUNK, N - start), SEED * 1000003 + start)
      .filter((p) => !KINDS || KINDS.has(p.kind))
      .concat(BOXES > 0 ? L.generateRotatedBoxes(BOXES, SEED * 7919 + start) : [])
      .concat(RECTS > 0 ? L.generateAxisRects(RECTS, SEED * 104729 + start) : [])
      .concat(QUADS > 0 ? L.generateConvexQuads(QUADS, SEED * 15485863 + start) : []);
    const grow = all.filter((p) => p.kind !== 'huge' && !L.isHugeQuad(p));
    const runs = [
      ['shrink', all, SHRINK, { kind: 'shrink' }],
      ['unclip', grow, UNCLIP, { kind: 'unclip' }],
      ['delta/round', grow, DELTAS, { joinType: 'round' }],
      ['delta/miter', grow, DELTAS, { joinType: 'miter' }],
      ['delta/square', grow, DELTAS, { joinType: 'square' }],
    ];
    for (const [name, polys, list, spec] of runs) {
      const flat = L.flatten(polys.map((p) => p.rings));
      const values = Float64Array.from(polys, (_, i) => list[(i + chunkNo) % list.length]);
      const fast = native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, values, spec);
      const slow = native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, values, { ...spec, fastPath: false });
      const diff = differing(fast, slow);
      summary.comparisons += polys.length;
      summary.identical += polys.length - diff.length;
      summary.byCase[name] ??= { cases: 0, different: 0 };
      summary.byCase[name].cases += polys.length;
      summary.byCase[name].different += diff.length;
      for (const p of polys) {
        summary.byKind[p.kind] ??= { cases: 0, different: 0 };
        summary.byKind[p.kind].cases++;
      }
      for (const i of diff) {
        if (i >= 0) summary.byKind[polys[i].kind].different++;
        if (firstDiffs.length < 5) firstDiffs.push({ case: name, value: values[i], rings: i >= 0 ? polys[i].rings : null });
      }
      if (cppOk && chunkNo % CPP_EVERY === 0 && (name === 'shrink' || name === 'unclip')) {
        const r = (i) => values[i];
        const want = L.cppOffsetMany(
          polys.map((p, i) => {
            const A = L.ringArea(p.rings[0]);
            const P = L.ringPerimeter(p.rings[0]);
            const delta = name === 'shrink' ? -((A * (1 - r(i) * r(i))) / P) : (A * r(i)) / P;
            return { rings: L.trunc(p.rings), delta };
          }),
        );
        const ours = L.unflatten(fast);
        // (DB deltas come from the first ring, in the addon as here)
        polys.forEach((_, i) => {
          summary.cpp.cases++;
          if (L.sameRings(ours[i], want[i])) summary.cpp.identical++;
        });
      }
    }
    process.stderr.write(`  ${Math.min(start + CHUNK, N)}/${N} polygons, ${summary.comparisons} comparisons\n`);
  }
  summary.identicalPct = (100 * summary.identical) / Math.max(summary.comparisons, 1);
  if (summary.cpp) summary.cpp.identicalPct = (100 * summary.cpp.identical) / Math.max(summary.cpp.cases, 1);
  summary.firstDiffs = firstDiffs;
  summary.seconds = (Date.now() - t0) / 1000;
  console.log(JSON.stringify(summary, null, 2));
  if (summary.identical !== summary.comparisons) process.exitCode = 1;
}

main();
