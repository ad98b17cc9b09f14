#!/usr/bin/env node
/**
 * Garbage-input fuzz of the public API (dist/): random calls with malformed arguments (NaN,
 * ±Infinity, huge numbers, wrong types, null, odd-length typed arrays, nested junk, polygons with
 * non-finite points, options objects with random keys and values) to the geometry, DB target,
 * post-processing, metric, cache, monitoring, callback, logger and trainer entry points, and the
 * training loop's moving parts (Trainer.fit, DataLoader iteration, WorkerPool tasks: see
 * api-fuzz-training.js).
 *
 *   node scripts/api-fuzz.js [--calls 20000] [--seed 1] [--verbose: returned/threw per entry point] [--trace]
 *
 * Every call must either return or throw an ocr-perfkit error with a stable `ERR_…` code
 * (TypeError/RangeError subclasses, or OcrPerfkitError); a bare TypeError from deep inside, a
 * crash, a hang or a NaN in a geometry/targets result is a finding. Prints the findings (at most
 * 20 per entry point) and a summary; exits 1 if there were any. Run `npm run build` first. CI runs a
 * short pass; found so far: NaN scores from boxesFromBitmap on NaN maps, constructors that threw
 * a bare TypeError on null options, a WorkerPool that crashed the process on an uncloneable
 * queued input, async logger sinks whose rejections went unhandled, tensors left by a failing
 * step, junk `sizeOf` results summed as sample counts.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const m = require('../dist');
const { trainingEntries, FAULT, Finding } = require('./api-fuzz-training');

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

const CALLS = Number(arg('calls', 20000));
// --trace: the call number and entry point on stderr before each call (to find a call that hangs)
const TRACE = process.argv.includes('--trace');
let state = Number(arg('seed', 1)) >>> 0 || 1;
function rand() {
  // xorshift32
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];

const NUMBERS = [0, -0, 1, -1, 3.5, 0.4, 1.5, 7, 100, 640, 2 ** 31, 2 ** 53, 1e308, -1e308, 1e-300, Number.NaN, Infinity, -Infinity];
const STRINGS = ['', 'x', 'polygon', 'slow', 'round', 'pyclipper', 'clipper2', 'nonZero', 'a.b=1', '=', 'trainer.maxEpochs=NaN', '__proto__.x=1'];
const KEYS = [
  'ratio', 'mode', 'joinType', 'endType', 'miterLimit', 'arcTolerance', 'scale', 'width', 'height', 'thresh', 'boxThresh',
  'unclipRatio', 'maxCandidates', 'minSize', 'output', 'shrinkRatio', 'threads', 'fillRule', 'maxBytes', 'cache', 'iou',
  'polygonEpsilon', 'scoreMode', 'useDilation', 'ignoreOverlap', 'intervalMs', 'capacity', 'logEvery', 'enabled', 'prefix', 'print', 'path', 'port', 'maxEpochs', '__proto__',
];
const SPECIALS = [null, undefined, true, false, {}, [], () => 1, Symbol('s'), 10n, new Date(0)];

/** A polygon, mostly valid, sometimes with a non-finite or missing coordinate. */
function polygon() {
  const n = Math.floor(rand() * 7);
  const c = () => (rand() < 0.95 ? rand() * 200 : pick(NUMBERS));
  return Array.from({ length: n }, () => (rand() < 0.98 ? [c(), c()] : pick([[c()], 'xy', null])));
}

function junk(depth = 0) {
  const r = rand();
  if (r < 0.3) return pick(NUMBERS);
  if (r < 0.38) return pick(STRINGS);
  if (r < 0.45) return pick(SPECIALS);
  if (r < 0.55 && depth < 3) return Array.from({ length: Math.floor(rand() * 5) }, () => junk(depth + 1));
  if (r < 0.62) {
    const a = new Float64Array(Math.floor(rand() * 9));
    for (let i = 0; i < a.length; i++) a[i] = rand() < 0.9 ? rand() * 100 : pick(NUMBERS);
    return a;
  }
  if (r < 0.66) return Uint32Array.from({ length: Math.floor(rand() * 5) }, () => Math.floor(rand() * 12));
  if (r < 0.7) return new Float32Array(Math.floor(rand() * 20));
  if (r < 0.8) return polygon();
  if (depth < 2) {
    // Own properties, as JSON.parse or a YAML parser makes them ('__proto__' included, which
    // plain assignment would take as the object's prototype).
    const o = {};
    for (let i = 0; i < 3; i++) {
      Object.defineProperty(o, pick(KEYS), { value: junk(depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return o;
  }
  return pick(NUMBERS);
}

const maybe = (good, p = 0.6) => (rand() < p ? good() : junk());
const opts = () => (rand() < 0.4 ? undefined : junk());
function flat() {
  const ok = [0, 1].map(polygon).filter((p) => p.length >= 3 && p.every((q) => Array.isArray(q) && q.length === 2 && q.every(Number.isFinite)));
  return m.pathsToFlat(ok.length > 0 ? ok : [[[0, 0], [5, 0], [5, 5]]]);
}
function probMap() {
  const w = pick([0, 1, 8, 17]);
  const h = pick([0, 1, 8, 16]);
  const a = new Float32Array(rand() < 0.8 ? w * h : Math.floor(rand() * 300));
  for (let i = 0; i < a.length; i++) a[i] = rand() < 0.97 ? rand() : pick(NUMBERS);
  return { a, w, h };
}
const tmp = path.join(os.tmpdir(), `opk-api-fuzz-${process.pid}`);

// Entry points whose results hold coordinates or scores: a NaN there is a finding.
const NUMERIC = new Set(['offsetPaths', 'shrinkPolygon', 'unclipPolygon', 'offsetBatch', 'shrinkBatch', 'unclipBatch', 'union', 'xor', 'boxesFromBitmap', 'makeDbTargets', 'evaluateDetections']);

// Entry points that return a promise: bad input must reject it, not throw synchronously.
const ASYNC = new Set(['shrinkBatchAsync', 'unionAsync', 'makeDbTargetsAsync', 'makeDbTargetsBatch', 'boxesFromBitmapAsync']);

const ENTRY = {
  offsetPaths: () => m.offsetPaths(maybe(() => [polygon()], 0.5), maybe(() => pick(NUMBERS), 0.7), opts()),
  shrinkPolygon: () => m.shrinkPolygon(maybe(polygon, 0.7), opts()),
  unclipPolygon: () => m.unclipPolygon(maybe(polygon, 0.7), opts()),
  offsetBatch: () => m.offsetBatch(maybe(() => ({ ...flat(), deltas: maybe(() => pick(NUMBERS), 0.8) }), 0.8), opts()),
  shrinkBatch: () => m.shrinkBatch(maybe(flat, 0.8), opts()),
  unclipBatch: () => m.unclipBatch(maybe(flat, 0.8), opts()),
  shrinkBatchAsync: () => m.shrinkBatchAsync(maybe(flat, 0.7), opts(), opts()),
  offsetBatchOut: () =>
    m.offsetBatch({ ...flat(), deltas: pick(NUMBERS) }, opts(), {
      coords: new Float64Array(pick([0, 4, 400])),
      ringOffsets: new Uint32Array(pick([0, 2, 40])),
      polygonRings: new Uint32Array(pick([0, 2])),
    }),
  union: () => m.union([polygon()], maybe(() => [polygon()], 0.5), opts()),
  xor: () => m.xor(maybe(() => [polygon()]), maybe(() => [polygon()]), opts()),
  unionAsync: () => m.unionAsync([polygon()], maybe(() => [polygon()], 0.5), opts()),
  area: () => m.area(maybe(polygon, 0.5)),
  perimeter: () => m.perimeter(maybe(polygon, 0.5)),
  orientation: () => m.orientation(maybe(polygon, 0.5)),
  isConvex: () => m.isConvex(maybe(polygon, 0.5)),
  makeDbTargets: () =>
    m.makeDbTargets(
      maybe(() => [{ points: polygon(), ignore: rand() < 0.2 }]),
      maybe(() => ({ width: pick([0, 1, 16, 33, -1, Number.NaN, 2 ** 40]), height: pick([1, 16, 31, 0]), ...(rand() < 0.4 ? junk() : {}) })),
    ),
  makeDbTargetsAsync: () => m.makeDbTargetsAsync(maybe(() => [{ points: polygon() }]), maybe(() => ({ width: pick([32, 0, 33.5]), height: 32 }))),
  makeDbTargetsBatch: () => m.makeDbTargetsBatch(maybe(() => [[{ points: polygon() }], junk()]), opts()),
  boxesFromBitmap: () => {
    const { a, w, h } = probMap();
    return m.boxesFromBitmap(maybe(() => a, 0.9), maybe(() => ({ width: w, height: h, ...(rand() < 0.4 ? junk() : {}) }), 0.8));
  },
  boxesFromBitmapAsync: () => {
    const { a, w, h } = probMap();
    return m.boxesFromBitmapAsync(a, maybe(() => ({ width: w, height: h }), 0.8));
  },
  evaluateDetections: () => m.evaluateDetections(maybe(() => [[{ points: polygon() }]]), maybe(() => [[{ points: polygon(), ignore: rand() < 0.3 }]]), opts()),
  cache: () => {
    const c = m.getCache(`api-fuzz-${Math.floor(rand() * 3)}`, maybe(() => ({ maxBytes: pick([1024, 2 ** 20, 0, -1, Number.NaN]) })));
    return c.getOrCompute(maybe(() => [1, 2, rand()], 0.5), maybe(() => 'op', 0.5), () => (rand() < 0.5 ? new Float32Array(3) : junk()));
  },
  cacheMethods: async () => {
    const c = m.getCache(`api-fuzz-${Math.floor(rand() * 3)}`);
    const key = maybe(() => pick([[1, 2, 3], new Float64Array([rand(), 2]), Int32Array.of(7), 'k', ['a', 1]]), 0.7);
    const value = maybe(() => pick([new Float32Array(4), Float64Array.of(1, 2), new Uint8Array(3), { a: 1 }, 'v']), 0.7);
    const call = pick([
      () => c.set(key, maybe(() => 'op', 0.7), value, opts()),
      () => c.get(key, maybe(() => 'op', 0.7)),
      () => c.getAsync(key, maybe(() => 'op', 0.7)),
      () => c.peek(key, maybe(() => 'op', 0.7)),
      () => c.has(key, maybe(() => 'op', 0.7)),
      () => c.delete(key, maybe(() => 'op', 0.7)),
      () => c.getOrComputeAsync(key, 'op', async () => value),
      () => c.purgeExpired(),
      () => c.stats(),
    ]);
    return call();
  },
  samplerMethods: async () => {
    const s = new m.ResourceSampler(maybe(() => ({ intervalMs: pick([10, 50, 100]) }), 0.7));
    try {
      if (rand() < 0.5) await s.start();
      s.samples(junk());
      s.summarySync(junk());
      s.counts();
      await s.stop();
    } finally {
      await s.close();
    }
  },
  ResourceSampler: async () => {
    const s = new m.ResourceSampler(opts());
    try {
      s.latest();
      await s.summary(maybe(() => 0, 0.5));
    } finally {
      await s.close();
    }
  },
  EventLoopMonitor: () => {
    const e = new m.EventLoopMonitor(opts());
    e.start();
    e.stop();
  },
  CuptiTracer: () => new m.CuptiTracer(opts()),
  PerformanceProfilerCallback: () => new m.PerformanceProfilerCallback(opts()),
  ThroughputMonitorCallback: () => new m.ThroughputMonitorCallback(opts()),
  StepProfilerCallback: () => new m.StepProfilerCallback(opts()),
  ResourceMonitorCallback: () =>
    new m.ResourceMonitorCallback(maybe(() => ({ sampler: { now: () => 0, summarySync: () => junk() }, print: () => {}, ...(rand() < 0.5 ? junk() : {}) }), 0.6)),
  PolygonCacheLoggerCallback: () => new m.PolygonCacheLoggerCallback(maybe(() => ({ cacheName: 'api-fuzz-0', print: () => {} }), 0.4)),
  ConsoleLogger: () => new m.ConsoleLogger(maybe(() => ({ print: () => {} }), 0.3)),
  JsonlLogger: () => new m.JsonlLogger(maybe(() => ({ path: path.join(tmp, 'm.jsonl') }), 0.2)).close(),
  MlflowLogger: () => new m.MlflowLogger(maybe(() => ({ trackingUri: 'http://127.0.0.1:9' }), 0.4)),
  PrometheusLogger: async () => {
    const l = new m.PrometheusLogger(maybe(() => ({ port: 0 }), 0.2));
    await l.close();
  },
  Trainer: () => new m.Trainer(opts()),
  LoggerGroup: () => new m.LoggerGroup(junk()),
  useFastCpuKernels: () => m.useFastCpuKernels(junk()),
  parseOverride: () => m.parseOverride(maybe(() => pick(STRINGS), 0.8)),
  applyOverrides: () => m.applyOverrides(junk(), maybe(() => [pick(STRINGS)], 0.8)),
};

Object.assign(ENTRY, trainingEntries({ m, rand, pick, junk, maybe, tmp }));

function hasNaN(value, depth = 0) {
  if (typeof value === 'number') return Number.isNaN(value);
  if (depth > 6 || value === null || typeof value !== 'object') return false;
  if (ArrayBuffer.isView(value)) {
    for (let i = 0; i < value.length; i++) if (Number.isNaN(value[i])) return true;
    return false;
  }
  return Object.values(value).some((v) => hasNaN(v, depth + 1));
}

function typed(e) {
  return (
    e instanceof Error &&
    typeof e.code === 'string' &&
    /^ERR_[A-Z0-9_]+$/.test(e.code) &&
    (e instanceof TypeError || e instanceof RangeError || m.isOcrPerfkitError(e))
  );
}

/** The call being made, for a finding that surfaces outside it (an unhandled rejection). */
let current = '(none)';

async function main() {
  // A failing callback's or logger's one-time warning is expected here, by the thousand.
  process.emitWarning = () => {};
  const names = Object.keys(ENTRY);
  const stats = {};
  const findings = [];
  const t0 = Date.now();
  for (let i = 0; i < CALLS; i++) {
    const name = pick(names);
    stats[name] ??= { returned: 0, threw: 0, findings: 0 };
    const s = stats[name];
    const note = (what) => {
      s.findings++;
      if (s.findings <= 20) findings.push(`${name} (call ${i}): ${what}`);
    };
    current = `${name} (call ${i})`;
    if (TRACE) process.stderr.write(`${i} ${name}\n`);
    let result;
    let error;
    let threw = false;
    try {
      result = ENTRY[name]();
      if (ASYNC.has(name) && !(result instanceof Promise)) note('returned no promise');
    } catch (e) {
      threw = true;
      error = e;
      if (ASYNC.has(name)) note('threw synchronously instead of rejecting');
    }
    if (!threw) {
      try {
        result = await result;
      } catch (e) {
        threw = true;
        error = e;
      }
    }
    if (threw) {
      s.threw++;
      if (error instanceof Finding) note(error.message);
      else if (error !== FAULT && !typed(error)) note(`untyped ${error?.constructor?.name ?? typeof error}: ${String(error?.message ?? error).slice(0, 160)}`);
    } else {
      s.returned++;
      if (NUMERIC.has(name) && hasNaN(result)) note('NaN in the result');
    }
  }
  if (process.argv.includes('--verbose')) {
    for (const [name, s] of Object.entries(stats).sort()) console.log(`${name.padEnd(28)} returned ${s.returned}, threw ${s.threw}`);
  }
  for (const f of findings) console.log(`FINDING ${f}`);
  const total = Object.values(stats).reduce((a, s) => a + s.findings, 0);
  console.log(
    JSON.stringify({ calls: CALLS, seed: Number(arg('seed', 1)), seconds: (Date.now() - t0) / 1000, findings: total, entryPoints: names.length }),
  );
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(total > 0 ? 1 : 0);
}

// A run stopped from outside (CI's time limit on a hang, ^C) still removes its directory.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    fs.rmSync(tmp, { recursive: true, force: true });
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  });
}
function describe(v) {
  try {
    return `${typeof v} ${JSON.stringify(v)?.slice(0, 200)}`;
  } catch {
    return typeof v;
  }
}
process.on('unhandledRejection', (e) => {
  console.log(`FINDING unhandled rejection during or after ${current}: ${e?.stack ?? describe(e)}`);
  process.exit(1);
});
main();
