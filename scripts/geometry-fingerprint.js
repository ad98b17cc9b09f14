#!/usr/bin/env node
/**
 * Output fingerprints of the geometry core, for speed work that must not change a single vertex:
 *
 *   node scripts/geometry-fingerprint.js --save /tmp/before.json      # on the old code
 *   (change, npm run build)
 *   node scripts/geometry-fingerprint.js --compare /tmp/before.json   # exit 1 on any difference
 *
 * Options: [--n 100000] generated polygons (test/geometry/difflib.js, every kind, holes included),
 * [--addon path/to/ocr_perfkit.node] (or OCR_PERFKIT_ADDON) to fingerprint another build, e.g. one
 * compiled with -DOPK_ENGINE_CHECKS (docs/geometry.md, session 13).
 *
 * Each case is one batch call over one polygon set at one setting; its fingerprint is the sha256
 * of the whole result (coords, ring offsets, polygon rings). Sets: the generated polygons; 20,000
 * rotated text boxes, convex quads and axis-aligned boxes; the benchmark's 2,000 curved text
 * polygons; every SROIE and NAF box (../shared/data, when present). Settings: pyclipper mode at
 * DB shrink 0.1 / 0.4 / 0.95 and unclip 1.5 / 2.0, plain deltas with round, miter and square
 * joins, preserveCollinear, reverseSolution, a scale; Clipper2 mode at shrink 0.4 / unclip 1.5;
 * plus union / intersection / difference / xor of 2,000 pairs of generated polygons under two
 * fill rules. The generator's huge polygons (and huge quads) are only shrunk, as growing them
 * emits millions of arc vertices.
 *
 * A fingerprint is a regression check between two builds on one machine, not a golden value:
 * the round joins' arc constants come from libm, which may differ between platforms. That the
 * output itself is right is what scripts/geometry-differential.js and the jest suite check.
 * Run `npx tsc -p tsconfig.build.json` (or `npm run build`) first.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const L = require('../test/geometry/difflib.js');

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

const N = Number(arg('n', 100000));
const SAVE = arg('save', null);
const COMPARE = arg('compare', null);
const addonPath = arg('addon', process.env.OCR_PERFKIT_ADDON);
if (addonPath) process.env.OCR_PERFKIT_ADDON = path.resolve(addonPath);
const { geometryNative } = require('../dist/geometry/native');
const native = geometryNative();

function digest(res) {
  const h = crypto.createHash('sha256');
  for (const a of [res.coords, res.ringOffsets, res.polygonRings]) h.update(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  return { hash: h.digest('hex').slice(0, 16), rings: res.ringOffsets.length - 1, points: res.coords.length / 2 };
}

function sets() {
  const gen = L.generate(N, 1);
  const curved = L.generate(26000, 5)
    .filter((p) => p.kind === 'curved')
    .slice(0, 2000);
  const out = [
    ['generated', gen],
    ['rotatedBoxes', L.generateRotatedBoxes(20000, 2)],
    ['convexQuads', L.generateConvexQuads(20000, 3)],
    ['axisRects', L.generateAxisRects(20000, 4)],
    ['curved', curved],
  ];
  const data = L.loadDatasets();
  for (const name of ['sroie', 'naf']) {
    const polys = data.filter((p) => p.kind === name);
    if (polys.length > 0) out.push([name, polys]);
  }
  return out;
}

const OFFSETS = [
  ['shrink 0.1', 0.1, { kind: 'shrink' }],
  ['shrink 0.4', 0.4, { kind: 'shrink' }],
  ['shrink 0.95', 0.95, { kind: 'shrink' }],
  ['unclip 1.5', 1.5, { kind: 'unclip' }],
  ['unclip 2.0', 2.0, { kind: 'unclip' }],
  ['delta -4.2 round', -4.2, { joinType: 'round' }],
  ['delta 2.2 round', 2.2, { joinType: 'round' }],
  ['delta 2.2 miter', 2.2, { joinType: 'miter' }],
  ['delta -4.2 square', -4.2, { joinType: 'square' }],
  ['shrink 0.4 preserveCollinear', 0.4, { kind: 'shrink', preserveCollinear: true }],
  ['unclip 1.5 reverseSolution', 1.5, { kind: 'unclip', reverseSolution: true }],
  ['delta 1.3 round scale 8', 1.3, { joinType: 'round', scale: 8 }],
  ['clipper2 shrink 0.4', 0.4, { kind: 'shrink', mode: 'clipper2' }],
  ['clipper2 unclip 1.5', 1.5, { kind: 'unclip', mode: 'clipper2' }],
];

function offsetCases(result) {
  for (const [setName, polys] of sets()) {
    const small = polys.filter((p) => p.kind !== 'huge' && !L.isHugeQuad(p));
    for (const [name, value, spec] of OFFSETS) {
      // Only shrinking (a DB ratio or a negative delta) takes the huge polygons.
      const shrinks = spec.kind === 'shrink' || (spec.kind === undefined && value < 0);
      const list = shrinks ? polys : small;
      const flat = L.flatten(list.map((p) => p.rings));
      const res = native.geomOffsetBatch(flat.coords, flat.ringOffsets, flat.polygonRings, value, spec);
      result[`${setName} / ${name}`] = { polygons: list.length, ...digest(res) };
    }
  }
}

function booleanCases(result) {
  const polys = L.generate(4000, 11).filter((p) => p.kind !== 'huge');
  for (const op of ['union', 'intersection', 'difference', 'xor']) {
    for (const fillRule of ['nonZero', 'evenOdd']) {
      const h = crypto.createHash('sha256');
      let rings = 0;
      let points = 0;
      for (let i = 0; i + 1 < polys.length; i += 2) {
        const s = L.flatten([polys[i].rings]);
        // The clip polygon moved onto the subject's first vertex, so that most pairs overlap.
        const [sx, sy] = polys[i].rings[0][0];
        const [cx, cy] = polys[i + 1].rings[0][0];
        const c = L.flatten([polys[i + 1].rings.map((r) => r.map(([x, y]) => [x - cx + sx, y - cy + sy]))]);
        const res = native.geomBooleanOp(s.coords, s.ringOffsets, c.coords, c.ringOffsets, {
          op,
          fillRule,
          scale: 1,
          preserveCollinear: false,
          reverseSolution: false,
        });
        for (const a of [res.coords, res.ringOffsets]) h.update(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
        rings += res.ringOffsets.length - 1;
        points += res.coords.length / 2;
      }
      result[`booleans / ${op} ${fillRule}`] = { polygons: Math.floor(polys.length / 2), hash: h.digest('hex').slice(0, 16), rings, points };
    }
  }
}

function main() {
  const t0 = Date.now();
  const result = {};
  offsetCases(result);
  booleanCases(result);
  for (const [name, r] of Object.entries(result)) {
    console.log(`${r.hash}  ${name.padEnd(52)} ${String(r.polygons).padStart(7)} polygons ${String(r.points).padStart(9)} points`);
  }
  console.log(`${Object.keys(result).length} cases in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const doc = { n: N, cases: result };
  if (SAVE) {
    fs.writeFileSync(SAVE, `${JSON.stringify(doc, null, 1)}\n`);
    console.log(`saved ${SAVE}`);
  }
  if (COMPARE) {
    const before = JSON.parse(fs.readFileSync(COMPARE, 'utf8'));
    if (before.n !== N) {
      console.error(`${COMPARE} was made with --n ${before.n}, this run used --n ${N}`);
      process.exit(2);
    }
    const names = new Set([...Object.keys(before.cases), ...Object.keys(result)]);
    const differ = [...names].filter((k) => before.cases[k]?.hash !== result[k]?.hash);
    for (const k of differ) {
      const a = before.cases[k];
      const b = result[k];
      console.error(`DIFFERENT ${k}: ${a ? `${a.hash} (${a.points} points)` : 'absent'} -> ${b ? `${b.hash} (${b.points} points)` : 'absent'}`);
    }
    console.log(differ.length === 0 ? `identical to ${COMPARE}: ${names.size} cases` : `${differ.length} of ${names.size} cases differ`);
    if (differ.length > 0) process.exit(1);
  }
}

main();
