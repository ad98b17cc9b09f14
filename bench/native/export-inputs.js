// Writes the polygon sets of the JS benchmarks as binary files for the native micro-benchmarks
// (bench/native/*.cc read them with inputs.cc), so both measure the same inputs:
//   sroie.bin    SROIE receipt boxes (bench/geometry.bench.js loadSroie)
//   curved.bin   curved 14-16-point text polygons (loadCurved)
//   rotated.bin  rotated text boxes (loadRotated)
//   page-020.bin, page-100.bin, page-250.bin   the DB-targets pages of bench/targets.bench.js
//
// Format (little-endian): "OPKP", uint32 version 1, uint32 polygon count n, uint32 flags (bit 0:
// ignore flags present); uint32 offsets[n + 1] (point indices); if flagged, n ignore bytes padded
// with zeros to a multiple of 8; float64 xy[2 * offsets[n]] (x0, y0, x1, y1, ...).
//
// Usage: node bench/native/export-inputs.js <output folder>
const fs = require('node:fs');
const path = require('node:path');
const geometry = require('../geometry.bench.js');
const targets = require('../targets.bench.js');

function encode(polygons, withIgnore) {
  const n = polygons.length;
  const offsets = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + polygons[i].points.length;
  const xy = new Float64Array(2 * offsets[n]);
  let k = 0;
  for (const p of polygons) {
    for (const [x, y] of p.points) {
      xy[k++] = x;
      xy[k++] = y;
    }
  }
  const head = new Uint32Array([0x504b504f, 1, n, withIgnore ? 1 : 0]); // "OPKP" little-endian
  const parts = [Buffer.from(head.buffer), Buffer.from(offsets.buffer)];
  if (withIgnore) {
    const flags = Buffer.alloc(Math.ceil(n / 8) * 8);
    polygons.forEach((p, i) => {
      flags[i] = p.ignore ? 1 : 0;
    });
    parts.push(flags);
  }
  // Pad so that the doubles start at a multiple of 8 bytes.
  const used = parts.reduce((a, b) => a + b.length, 0);
  if (used % 8 !== 0) parts.push(Buffer.alloc(8 - (used % 8)));
  parts.push(Buffer.from(xy.buffer));
  return Buffer.concat(parts);
}

function main() {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: node bench/native/export-inputs.js <output folder>');
  fs.mkdirSync(dir, { recursive: true });
  const rings = (list) => list.map((points) => ({ points }));
  const write = (name, polygons, withIgnore = false) => {
    fs.writeFileSync(path.join(dir, name), encode(polygons, withIgnore));
    console.log(`${name}: ${polygons.length} polygons`);
  };
  write('sroie.bin', rings(geometry.loadSroie(20000)));
  write('curved.bin', rings(geometry.loadCurved(2000)));
  write('rotated.bin', rings(geometry.loadRotated(20000)));
  const byCount = { '20 polygons': 'page-020.bin', '100 polygons': 'page-100.bin', '250 polygons': 'page-250.bin' };
  for (const page of targets.pages()) {
    const name = byCount[page.label];
    if (!name) continue;
    const polys = page.polys[0].map((p) => (Array.isArray(p) ? { points: p } : p));
    write(name, polys, true);
  }
}

main();
