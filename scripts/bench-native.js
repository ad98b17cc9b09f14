#!/usr/bin/env node
// Native micro-benchmarks (bench/native/*.cc, Google Benchmark): the C++ core without N-API,
// side by side with the C++ Clipper 6.4.2 that pyclipper bundles.
//
//   npm run bench:native                     build, run (3 repetitions, medians), write bench/NATIVE_RESULTS.md
//   npm run bench:native -- --quick          one short run, nothing written (CI)
//   npm run bench:native -- --benchmark_filter=Clipper   any Google Benchmark flag is passed on
//
// Needs cmake, a C++ compiler and Debian's libbenchmark-dev (the peer needs libpolyclipping-dev;
// without it the Clipper rows are left out). The inputs are the JS benchmarks' polygon sets,
// exported by bench/native/export-inputs.js (so `npm run build` must have run: it reads dist/).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const buildDir = path.join(root, 'build-bench');
const args = process.argv.slice(2);
const quick = args.includes('--quick') || process.env.BENCH_QUICK === '1';
const passOn = args.filter((a) => a !== '--quick');

function run(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    console.error(`bench-native: ${cmd} ${cmdArgs.join(' ')} failed (${r.status ?? r.signal})`);
    process.exit(1);
  }
}

function hasLibbenchmark() {
  const dirs = ['/usr/lib/x86_64-linux-gnu/cmake/benchmark', '/usr/lib/aarch64-linux-gnu/cmake/benchmark', '/usr/lib/cmake/benchmark', '/usr/local/lib/cmake/benchmark'];
  return dirs.some((d) => fs.existsSync(path.join(d, 'benchmarkConfig.cmake')));
}

function build() {
  if (!hasLibbenchmark()) {
    console.error('bench-native: Google Benchmark not found. Install it: apt-get install libbenchmark-dev');
    process.exit(2);
  }
  const generator = spawnSync('ninja', ['--version']).status === 0 ? ['-G', 'Ninja'] : [];
  if (!fs.existsSync(path.join(buildDir, 'CMakeCache.txt'))) {
    run('cmake', ['-S', '.', '-B', buildDir, ...generator, '-DCMAKE_BUILD_TYPE=Release', '-DOPK_BUILD_BENCH=ON']);
  }
  run('cmake', ['--build', buildDir, '--target', 'opk_bench']);
  run(process.execPath, [path.join(root, 'bench/native/export-inputs.js'), path.join(buildDir, 'inputs')]);
}

function fmt(x, digits = 3) {
  return Number.isFinite(x) ? x.toPrecision(digits) : 'n/a';
}

// Nanoseconds as "378 ns" / "5.27 µs"; rates as "4.39M".
function fmtNs(ns) {
  if (!Number.isFinite(ns)) return 'n/a';
  return ns >= 1000 ? `${fmt(ns / 1000)} µs` : `${fmt(ns)} ns`;
}
function fmtRate(x) {
  return Number.isFinite(x) ? `${fmt(x / 1e6)}M` : 'n/a';
}

// Median rows (or the single rows of a quick run) by benchmark name.
function rowsByName(json) {
  const out = new Map();
  for (const b of json.benchmarks) {
    if (b.error_occurred) {
      out.set(b.run_name ?? b.name, { error: b.error_message });
      continue;
    }
    if (b.run_type === 'aggregate' && b.aggregate_name !== 'median') continue;
    out.set(b.run_name ?? b.name, b);
  }
  return out;
}

const nsPerItem = (b) => (b && !b.error && b.items_per_second ? 1e9 / b.items_per_second : Number.NaN);
const msPerImage = (b) => (b && !b.error ? (b.time_unit === 'ms' ? b.cpu_time : b.cpu_time / 1e6) : Number.NaN);

function report(json) {
  const rows = rowsByName(json);
  const ctx = json.context;
  const lines = [
    '# Native micro-benchmarks (`npm run bench:native`)',
    '',
    `Run ${ctx.date} on ${ctx.num_cpus} CPUs at ${ctx.mhz_per_cpu} MHz, load average ${(ctx.load_avg || []).map((x) => x.toFixed(2)).join(' ')}; ` +
      'medians of 3 repetitions, CPU time. Google Benchmark over the C++ core (no N-API), same inputs as `npm run bench` ' +
      '(bench/native/export-inputs.js). The peer is the C++ Clipper 6.4.2 that pyclipper 1.2 bundles (Debian libpolyclipping), ' +
      'run per polygon as pyclipper code does, reusing one ClipperOffset. (Debian builds libbenchmark without NDEBUG, hence its ' +
      '"built as DEBUG" banner; that concerns the harness, not the code measured.)',
    '',
    '## Batch offset, pyclipper mode (issue #3)',
    '',
    '| polygons | op | ours per polygon | Clipper 6.4.2 per polygon | Clipper ÷ ours | outputs that differ |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const set of ['sroie', 'rotated', 'curved']) {
    for (const op of ['shrink', 'unclip']) {
      const ours = rows.get(`BM_OffsetBatch/${set}_${op}`);
      const peer = rows.get(`BM_Clipper642/${set}_${op}`);
      const a = nsPerItem(ours);
      const b = nsPerItem(peer);
      lines.push(`| ${set} | ${op} | ${fmtNs(a)} | ${peer ? fmtNs(b) : 'not built'} | ${peer ? `${fmt(b / a)}×` : ''} | ${peer && !peer.error ? peer.mismatches : ''} |`);
    }
  }
  lines.push(
    '',
    '### Diagnostic: what unpredictable branches cost on curved polygons',
    '',
    'The same 2,000 curved polygons with each one repeated 16 times in a row: the same instructions per polygon, but from ' +
      'its second copy on a polygon repeats the branch decisions the predictor has just seen. The difference is the cost ' +
      'of the set\'s unpredictable branches (docs/geometry.md, "Session 15").',
    '',
    '| op | the set | each polygon 16× in a row | set ÷ repeated |',
    '|---|---:|---:|---:|',
  );
  for (const op of ['shrink', 'unclip']) {
    const a = nsPerItem(rows.get(`BM_OffsetBatch/curved_${op}`));
    const b = nsPerItem(rows.get(`BM_OffsetBatchRepeated/curved_${op}_x16`));
    lines.push(`| ${op} | ${fmtNs(a)} | ${fmtNs(b)} | ${fmt(a / b)}× |`);
  }
  lines.push('', '## DB targets, 640x640, one thread (issue #4)', '', '| page | reference ms/image | exact ms/image |', '|---|---:|---:|');
  for (const n of ['020', '100', '250']) {
    lines.push(`| ${Number(n)} polygons | ${fmt(msPerImage(rows.get(`BM_DbTargets/reference_${n}`)))} | ${fmt(msPerImage(rows.get(`BM_DbTargets/exact_${n}`)))} |`);
  }
  const c1 = rows.get('BM_CachedShrink/real_time/threads:1');
  const c2 = rows.get('BM_CachedShrink/real_time/threads:2');
  const unc = rows.get('BM_OffsetBatch/sroie_shrink');
  lines.push(
    '',
    '## Cached batch shrink, SROIE, every polygon cached (issue #5)',
    '',
    '| case | polygons/s (wall) |',
    '|---|---:|',
    `| no cache, 1 thread (CPU) | ${fmtRate(unc?.items_per_second)} |`,
    `| cache, 1 thread | ${fmtRate(c1?.items_per_second)} |`,
    `| cache, 2 threads sharing it | ${fmtRate(c2?.items_per_second)} (${fmt(c2?.items_per_second / c1?.items_per_second)}× one thread) |`,
    '',
    '## Host sample of the resource sampler (issue #6)',
    '',
    `One host sample (statm, meminfo, io, CPU clock): ${fmtNs(nsPerItem(rows.get('BM_HostSample')))} CPU.`,
    '',
  );
  return lines.join('\n');
}

function main() {
  build();
  const out = path.join(buildDir, 'results.json');
  const flags = quick
    ? ['--benchmark_min_time=0.01']
    : ['--benchmark_repetitions=3', '--benchmark_report_aggregates_only=true', '--benchmark_min_time=0.3'];
  run(path.join(buildDir, 'opk_bench'), [...flags, `--benchmark_out=${out}`, '--benchmark_out_format=json', ...passOn], {
    env: { ...process.env, OPK_BENCH_INPUTS: path.join(buildDir, 'inputs') },
  });
  // Aggregates of a constant counter (the cv of `mismatches`: 0 / 0) come out as NaN, which is not JSON.
  const text = fs.readFileSync(out, 'utf8').replace(/:\s*-?(nan|inf|infinity)\b/gi, ': null');
  const json = JSON.parse(text);
  const failed = json.benchmarks.filter((b) => b.error_occurred);
  for (const b of failed) console.error(`bench-native: ${b.name}: ${b.error_message}`);
  if (failed.length > 0) process.exit(1);
  const peer = json.benchmarks.filter((b) => b.name.startsWith('BM_Clipper642') && b.mismatches > 0);
  for (const b of peer) console.error(`bench-native: ${b.name}: ${b.mismatches} polygons differ from Clipper 6.4.2`);
  if (peer.length > 0) process.exit(1);
  if (!quick && passOn.length === 0) {
    const md = report(json);
    fs.writeFileSync(path.join(root, 'bench/NATIVE_RESULTS.md'), `${md}`);
    console.log(`\n${md}\nwrote bench/NATIVE_RESULTS.md`);
  }
}

main();
