#!/usr/bin/env node
// The DB targets pool after an idle gap: each round runs an 8-image batch on the JS thread, waits
// `gap` ms (the JS thread idle, as between a data loader's batches), then runs the same batch on
// the pool, and prints sync ms / pool ms = speed-up for each round, then the quartiles.
//
//   node scripts/pool-idle-gap.js [exact|reference] [gap ms, default 20] [rounds, default 40]
//
// Run it on an otherwise idle machine: another busy process takes a core from the pool. Needs the
// built package (npm run build).
const { makeDbTargets, makeDbTargetsBatch } = require('../dist/targets');
const { pages, buffers } = require('../bench/targets.bench.js');

const mode = process.argv[2] || 'exact';
const gap = Number(process.argv[3] ?? 20);
const rounds = Number(process.argv[4] ?? 40);
const page = pages()[1]; // 100 polygons
const polys = page.polys[0];
const samples = Array.from({ length: 8 }, () => ({
  polygons: polys,
  options: { width: 640, height: 640, mode, out: buffers(polys.length) },
}));

(async () => {
  for (let i = 0; i < 5; i++) await makeDbTargetsBatch(samples);
  const ratios = [];
  const rows = [];
  for (let r = 0; r < rounds; r++) {
    let t = process.hrtime.bigint();
    for (const s of samples) makeDbTargets(s.polygons, s.options);
    const sync = Number(process.hrtime.bigint() - t) / 1e6;
    if (gap > 0) await new Promise((res) => setTimeout(res, gap));
    t = process.hrtime.bigint();
    await makeDbTargetsBatch(samples);
    const pool = Number(process.hrtime.bigint() - t) / 1e6;
    ratios.push(sync / pool);
    rows.push(`${sync.toFixed(1)}/${pool.toFixed(1)}=${(sync / pool).toFixed(2)}`);
  }
  console.log(rows.join(' '));
  ratios.sort((a, b) => a - b);
  const q = (f) => ratios[Math.floor((ratios.length - 1) * f)].toFixed(2);
  console.log(`${page.label}, ${mode} mode, gap ${gap} ms: speed-up median ${q(0.5)} (quartiles ${q(0.25)}-${q(0.75)})`);
})();
