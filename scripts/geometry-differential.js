#!/usr/bin/env node
/**
 * Full differential run of the geometry engine (the jest suite runs a scaled-down version):
 *
 *   node scripts/geometry-differential.js [--n 200000] [--seed 1] [--addon path/to/ocr_perfkit.node]
 *
 * 1. pyclipper mode vs clipper-lib (Clipper 6.4.2 in JS; default mode and jsCompat mode) and, when
 *    libpolyclipping-dev is installed, vs the real C++ Clipper 6.4.2: identical integer vertices.
 * 2. Every SROIE and NAF box, shrink r=0.4 and unclip 1.5 as DB does, vs the same oracles.
 * 3. clipper2 mode vs clipper2-wasm: same number of output paths, p99 of |ΔA| / perimeter.
 * 4. Fast path vs general sweep: identical output.
 * Prints one JSON summary at the end; exits 1 when a criterion of the issue fails.
 */
const path = require('node:path');
const L = require('../test/geometry/difflib.js');

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

const N = Number(arg('n', 200000));
const SEED = Number(arg('seed', 1));
const addonPath = arg('addon', process.env.OCR_PERFKIT_ADDON);
if (addonPath) process.env.OCR_PERFKIT_ADDON = path.resolve(addonPath);
const { getNative } = require('../dist/native');
const native = getNative();

const CHUNK = 20000;
const pct = (a, b) => (b === 0 ? 100 : (100 * a) / b);

function offsetNative(polys, delta, spec) {
  const flat = L.flatten(polys.map((p) => p.rings));
  return L.unflatten(native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, delta, spec));
}

async function main() {
  const t0 = Date.now();
  const summary = { n: N, seed: SEED, oracleCpp: Boolean(L.cppOracle()) };
  const cases = [
    [-3.5, 'round'],
    [6.2, 'round'],
  ];

  // 1. generated polygons, pyclipper mode
  const gen = { total: 0, sameJs: 0, sameJsCompat: 0, sameCpp: 0, fastSame: 0, byKind: {} };
  for (let start = 0; start < N; start += CHUNK) {
    const polys = L.generate(Math.min(CHUNK, N - start), SEED * 1000003 + start).map((p) => ({
      kind: p.kind,
      rings: L.trunc(p.rings),
    }));
    for (const [delta, joinType] of cases) {
      const ours = offsetNative(polys, delta, { joinType });
      const compat = offsetNative(polys, delta, { joinType, jsCompat: true });
      const slow = offsetNative(polys, delta, { joinType, fastPath: false });
      const cpp = summary.oracleCpp ? L.cppOffsetMany(polys.map((p) => ({ rings: p.rings, delta, joinType }))) : null;
      polys.forEach((p, i) => {
        const js = L.clipperLibOffset(p.rings, delta, { joinType });
        gen.byKind[p.kind] ??= { total: 0, diffJs: 0, diffCpp: 0 };
        const k = gen.byKind[p.kind];
        gen.total++;
        k.total++;
        if (L.sameRings(ours[i], js)) gen.sameJs++;
        else k.diffJs++;
        if (L.sameRings(compat[i], js)) gen.sameJsCompat++;
        if (L.sameRings(ours[i], slow[i])) gen.fastSame++;
        if (cpp) {
          if (L.sameRings(ours[i], cpp[i])) gen.sameCpp++;
          else k.diffCpp++;
        }
      });
    }
    process.stderr.write(`  generated ${Math.min(start + CHUNK, N)}/${N}\n`);
  }
  summary.generated = {
    cases: gen.total,
    identicalToClipperLibPct: pct(gen.sameJs, gen.total),
    jsCompatIdenticalToClipperLibPct: pct(gen.sameJsCompat, gen.total),
    identicalToCppClipper642Pct: summary.oracleCpp ? pct(gen.sameCpp, gen.total) : null,
    fastPathIdenticalPct: pct(gen.fastSame, gen.total),
    byKind: gen.byKind,
  };

  // 2. datasets
  const data = L.loadDatasets();
  summary.datasets = { polygons: data.length };
  const flat = L.flatten(data.map((p) => p.rings));
  for (const [kind, r] of [
    ['shrink', 0.4],
    ['unclip', 1.5],
  ]) {
    const ours = L.unflatten(native.geomOffsetBatch(flat.coords, flat.ringOffsets, null, r, { kind }));
    const deltas = data.map((p) => {
      const A = L.ringArea(p.rings[0]);
      const P = L.ringPerimeter(p.rings[0]);
      return kind === 'shrink' ? -((A * (1 - r * r)) / P) : (A * r) / P;
    });
    const ints = data.map((p) => L.trunc(p.rings));
    const cpp = summary.oracleCpp ? L.cppOffsetMany(ints.map((rings, i) => ({ rings, delta: deltas[i] }))) : null;
    let sameJs = 0;
    let sameCpp = 0;
    ints.forEach((rings, i) => {
      if (L.sameRings(ours[i], L.clipperLibOffset(rings, deltas[i]))) sameJs++;
      if (cpp && L.sameRings(ours[i], cpp[i])) sameCpp++;
    });
    summary.datasets[kind] = {
      identicalToClipperLibPct: pct(sameJs, data.length),
      identicalToCppClipper642Pct: cpp ? pct(sameCpp, data.length) : null,
    };
  }

  // 3. clipper2 mode vs clipper2-wasm
  const C = await L.clipper2();
  const c2 = { total: 0, sameCount: 0, shifts: [] };
  const n2 = Math.min(N, 100000);
  for (let start = 0; start < n2; start += CHUNK) {
    const polys = L.generate(Math.min(CHUNK, n2 - start), SEED * 7919 + start).filter((p) => p.kind !== 'huge');
    for (const [delta, joinType] of [
      [-3.5, 'round'],
      [6.2, 'round'],
      [4, 'miter'],
    ]) {
      const ours = offsetNative(polys, delta, { mode: 'clipper2', joinType, scale: 100, arcTolerance: 0 });
      polys.forEach((p, i) => {
        const want = L.clipper2Inflate(C, p.rings, delta, { joinType });
        c2.total++;
        if (want.length === ours[i].length) c2.sameCount++;
        const per = p.rings.reduce((s, r) => s + L.ringPerimeter(r), 0);
        c2.shifts.push(Math.abs(L.totalArea(ours[i]) - L.totalArea(want)) / Math.max(per, 1e-9));
      });
    }
  }
  c2.shifts.sort((a, b) => a - b);
  summary.clipper2 = {
    cases: c2.total,
    samePathCountPct: pct(c2.sameCount, c2.total),
    p99BoundaryShiftPx: c2.shifts[Math.floor(c2.shifts.length * 0.99)],
    maxBoundaryShiftPx: c2.shifts[c2.shifts.length - 1],
  };

  summary.seconds = (Date.now() - t0) / 1000;
  console.log(JSON.stringify(summary, null, 2));
  const ok =
    summary.generated.jsCompatIdenticalToClipperLibPct === 100 &&
    summary.generated.fastPathIdenticalPct === 100 &&
    (!summary.oracleCpp || summary.generated.identicalToCppClipper642Pct >= 99.99) &&
    summary.clipper2.samePathCountPct >= 99.9 &&
    summary.clipper2.p99BoundaryShiftPx <= 0.5;
  if (!ok) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
