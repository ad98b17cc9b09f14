#!/usr/bin/env node
/**
 * Leak soak of the polygon cache: N mixed operations (default 10,000,000) with churn on a cache
 * whose budget is much smaller than the key space: get-or-set (values of random size, single
 * arrays and lists), replace, delete, peek/has, and an occasional clear. RSS and malloc'd bytes
 * are sampled after every tenth of the run; the run passes when the final RSS is within
 * --tolerance (default 5%) of the RSS after the warm-up (the first 20%, when the cache is full
 * and its tables have grown), and the cache's invariants hold (bytes <= maxBytes, counters add up).
 *
 *   node --expose-gc scripts/cache-soak.js [--ops 10000000] [--max-bytes 33554432]
 *        [--tolerance 0.05] [--json]
 * Exit 0 = pass. With fewer than 1,000,000 ops (CI smoke runs) only the invariants are checked:
 * RSS is too noisy over a short run to judge.
 */
const loadAddon = require('./cache-addon');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const ops = Number(arg('ops', 10000000));
const maxBytes = Number(arg('max-bytes', 32 << 20));
const tolerance = Number(arg('tolerance', 0.05));

function settle() {
  if (global.gc) {
    global.gc();
    global.gc();
  }
}

function main() {
  const addon = loadAddon();
  const name = `cache-soak-${process.pid}`;
  const cache = new addon.CacheHandle(name, { maxBytes, shards: 32 });
  // Key space ~2x what fits in the default budget, so the cache churns all the time.
  const keySpace = 120000;
  const key = new Float64Array(8);
  const scratch = [];
  for (let n = 1; n <= 64; n++) scratch.push(new Float64Array(n));
  let seed = 0x9e3779b9;
  const rand = () => {
    // xorshift32: every bit is usable (an LCG's low bits cycle too fast for `% keySpace`).
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    seed >>>= 0;
    return seed;
  };
  const samples = [];
  const warmAt = Math.floor(ops * 0.2);
  const sampleEvery = Math.max(1, Math.floor(ops / 10));
  let wrong = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 1; i <= ops; i++) {
    const k = rand() % keySpace;
    const r = rand();
    key[0] = k;
    key[1] = k * 0.5;
    key[2] = -k;
    const op = (r >>> 20) % 100;
    const tag = op & 1 ? 'offset:d=1.5' : 'shrink:r=0.4';
    if (op < 70) {
      const got = cache.get(key, tag);
      if (got === undefined) {
        const len = 1 + ((r >>> 8) % 64);
        const v = scratch[len - 1];
        v[0] = k;
        if ((r >>> 14) & 1) cache.set(key, tag, [v, new Int32Array([k])]);
        else cache.set(key, tag, v);
      } else {
        const first = Array.isArray(got) ? got[0] : got;
        if (first[0] !== k) wrong += 1;
      }
    } else if (op < 80) {
      const v = scratch[(r >>> 8) % 64];
      v[0] = k;
      cache.set(key, tag, v);
    } else if (op < 88) {
      cache.delete(key, tag);
    } else if (op < 99) {
      if (op & 2) cache.peek(key, tag);
      else cache.has(key, tag);
    } else if ((r >>> 8) % 20000 === 0) {
      cache.clear();
    } else {
      cache.get(key, 'never-set');
    }
    if (i % sampleEvery === 0 || i === warmAt) {
      settle();
      samples.push({
        ops: i,
        rss: process.memoryUsage().rss,
        malloc: addon.cacheMallocBytes(),
        cacheBytes: cache.stats().bytes,
      });
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const s = cache.stats();
  addon.cacheDrop(name);
  const warm = samples.find((x) => x.ops === warmAt) ?? samples[0];
  const last = samples[samples.length - 1];
  const rssDrift = warm && last ? (last.rss - warm.rss) / warm.rss : 0;
  const mallocDrift = warm && last && warm.malloc > 0 ? (last.malloc - warm.malloc) / warm.malloc : 0;
  const report = {
    ops,
    seconds: +seconds.toFixed(2),
    opsPerSecond: Math.round(ops / seconds),
    maxBytes,
    stats: s,
    warm,
    last,
    rssDrift: `${(rssDrift * 100).toFixed(2)}%`,
    mallocDrift: `${(mallocDrift * 100).toFixed(2)}%`,
    samples: process.argv.includes('--json') ? samples : undefined,
  };
  console.log(JSON.stringify(report, null, 2));
  const failures = [];
  if (wrong > 0) failures.push(`${wrong} hits returned another key's value`);
  if (s.bytes > maxBytes) failures.push(`bytes ${s.bytes} > maxBytes ${maxBytes}`);
  if (s.hitRate !== (s.hits + s.misses === 0 ? 0 : s.hits / (s.hits + s.misses))) failures.push('hitRate mismatch');
  if (ops >= 1000000 && Math.abs(rssDrift) > tolerance) {
    failures.push(`RSS drifted ${(rssDrift * 100).toFixed(2)}% after warm-up (limit ${tolerance * 100}%)`);
  }
  if (failures.length > 0) {
    console.error(`cache-soak: FAIL: ${failures.join('; ')}`);
    return 1;
  }
  console.log('cache-soak: OK');
  return 0;
}

process.exitCode = main();
