#!/usr/bin/env node
/**
 * Loads the prebuilt addon in Node running on an older glibc and exercises it: the proof that a
 * portable prebuild (scripts/make-sysroot.sh, then `npm run prebuilds`) works there, not only
 * that its symbol versions look right.
 *
 * Node itself runs under the sysroot's dynamic loader and libraries (.sysroot/debian11: glibc
 * 2.31, with Debian 11's libstdc++ and libgcc_s from .sysroot/debian11-runtime), so every library
 * the addon binds to at load time is the old one. The child process checks that glibc reports
 * 2.31, then runs offsets (sync and on the thread pool), DB targets (sync and batched), a coded
 * error thrown from C++ through the old libgcc_s unwinder, and the shared cache.
 *
 *   node scripts/check-prebuild-glibc.js [addon .node file]   (default: the linux-x64 prebuild)
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const sysroot = path.join(root, '.sysroot', 'debian11');
const runtime = path.join(root, '.sysroot', 'debian11-runtime');
const addon = path.resolve(process.argv[2] || path.join(root, 'prebuilds', 'linux-x64', 'ocr_perfkit.napi.glibc.node'));

const loader = path.join(sysroot, 'lib64', 'ld-linux-x86-64.so.2');
if (!fs.existsSync(loader) || !fs.existsSync(runtime)) {
  console.error('check-prebuild-glibc: no sysroot; run `bash scripts/make-sysroot.sh` first');
  process.exit(2);
}
if (!fs.existsSync(addon)) {
  console.error(`check-prebuild-glibc: ${addon} not found; run \`npm run prebuilds\` first`);
  process.exit(2);
}
const libraryPath = [
  path.join(sysroot, 'lib', 'x86_64-linux-gnu'),
  path.join(runtime, 'usr', 'lib', 'x86_64-linux-gnu'),
  path.join(runtime, 'lib', 'x86_64-linux-gnu'),
].join(':');

const child = `
const assert = require('node:assert');
const glibc = process.report.getReport().header.glibcVersionRuntime;
assert.strictEqual(glibc, '2.31', 'not running on the sysroot glibc: ' + glibc);
const opk = require(${JSON.stringify(path.join(root, 'dist'))});
assert.strictEqual(opk.addonLocation().file, ${JSON.stringify(addon)});
const square = [[0, 0], [100, 0], [100, 40], [0, 40]];
const shrunk = opk.shrinkPolygon(square);
assert.deepStrictEqual(shrunk, [[[88, 28], [12, 28], [12, 12], [88, 12]]]);
const many = Array.from({ length: 1200 }, (_, i) => square.map(([x, y]) => [x + (i % 40) * 110, y + Math.floor(i / 40) * 50]));
const coords = new Float64Array(many.flat(2));
const ringOffsets = Uint32Array.from({ length: many.length + 1 }, (_, i) => 4 * i);
(async () => {
  const sync = opk.shrinkBatch({ coords, ringOffsets });
  const pooled = await opk.shrinkBatchAsync({ coords, ringOffsets }, {}, { threads: 2 });
  assert.deepStrictEqual(Array.from(pooled.coords), Array.from(sync.coords));
  const words = many.slice(0, 40).map((p) => p.map(([x, y]) => [x % 600 + 10, y % 600 + 10]));
  const one = opk.makeDbTargets(words, { width: 640, height: 640 });
  const [batched] = await opk.makeDbTargetsBatch([{ polygons: words, options: { width: 640, height: 640 } }, { polygons: words, options: { width: 640, height: 640 } }]);
  assert.deepStrictEqual(Array.from(batched.threshMap), Array.from(one.threshMap));
  let code;
  try { opk.shrinkPolygon([[0, 0], [NaN, 1], [2, 2]]); } catch (e) { code = e.code; }
  assert.ok(code && code.startsWith('ERR_'), 'no coded error from C++: ' + code);
  const cache = opk.getCache('glibc-check', { maxBytes: 1 << 20 });
  opk.shrinkBatch({ coords, ringOffsets }, { cache });
  opk.shrinkBatch({ coords, ringOffsets }, { cache });
  assert.ok(cache.stats().hits > 0);
  console.log('check-prebuild-glibc: on glibc ' + glibc + ' (Node ' + process.version + '): offsets, the thread pool, DB targets, a coded error thrown from C++ and the cache work');
})().catch((e) => { console.error(e); process.exit(1); });
`;
const out = execFileSync(loader, ['--library-path', libraryPath, process.execPath, '-e', child], {
  env: { ...process.env, OCR_PERFKIT_ADDON: addon },
  encoding: 'utf8',
});
process.stdout.write(out);
