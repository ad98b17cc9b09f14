#!/usr/bin/env node
/**
 * Memory accounting check of the polygon cache: inserts N entries (default 1,000,000) into a
 * fresh cache through the JS API and compares the growth of `stats().bytes` with the measured
 * growth of native memory:
 *   - native heap: glibc mallinfo2 in-use + mmapped bytes, plus the cache block heap's committed 2 MiB
 *     regions (native test hook `cacheMallocBytes`; the block heap commits memory a region at a time, so
 *     runs under ~100k entries measure that granularity more than the accounting),
 *   - RSS: process.memoryUsage().rss (includes page granularity and V8 noise).
 * Passes (exit 0) when stats().bytes is within --tolerance (default 5%) of the malloc growth
 * and clear() gives the memory back (at most max(4 MiB, 2% of the growth) still held).
 *
 *   node --expose-gc scripts/cache-memory.js [--entries 1000000] [--key 8] [--value 24]
 *        [--tag offset:d=1.5;join=round] [--tolerance 0.05]
 * key/value are lengths in float64 elements. Key and value typed arrays are reused, so the JS
 * side allocates nothing native per call.
 */
const loadAddon = require('./cache-addon');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const entries = Number(arg('entries', 1000000));
const keyLen = Number(arg('key', 8));
const valueLen = Number(arg('value', 24));
const tag = String(arg('tag', 'offset:d=1.5;join=round'));
const tolerance = Number(arg('tolerance', 0.05));

function settle() {
  if (global.gc) {
    global.gc();
    global.gc();
  }
}

function main() {
  const addon = loadAddon();
  if (addon.buildInfo().sanitizers) {
    // ASan replaces malloc: neither mallinfo2 nor the allocator's chunk sizes apply.
    console.log('cache-memory: not applicable to a sanitizer build (ASan owns malloc)');
    return 0;
  }
  if (addon.cacheMallocBytes() === 0) {
    console.log('cache-memory: mallinfo2 unavailable on this platform; nothing to check');
    return 0;
  }
  const name = `cache-memory-${process.pid}`;
  const cache = new addon.CacheHandle(name, { maxBytes: Number.MAX_SAFE_INTEGER, shards: 32 });
  const key = new Float64Array(keyLen);
  const value = [new Float64Array(valueLen)];
  for (let i = 0; i < valueLen; i++) value[0][i] = i * 0.5;
  for (let i = 0; i < keyLen; i++) key[i] = i;
  // Warm the call path (inline caches, handle scopes) before the baseline.
  cache.set(key, 'warm', value);
  cache.clear();
  settle();
  const m0 = addon.cacheMallocBytes();
  const r0 = process.memoryUsage().rss;
  const b0 = cache.stats().bytes;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < entries; i++) {
    key[0] = i;
    key[1] = i * 0.001;
    cache.set(key, tag, value);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  settle();
  const m1 = addon.cacheMallocBytes();
  const r1 = process.memoryUsage().rss;
  const s = cache.stats();
  const accounted = s.bytes - b0;
  const mallocGrowth = m1 - m0;
  const rssGrowth = r1 - r0;
  const errMalloc = (accounted - mallocGrowth) / mallocGrowth;
  const errRss = (accounted - rssGrowth) / rssGrowth;
  cache.clear();
  settle();
  const m2 = addon.cacheMallocBytes();
  addon.cacheDrop(name);
  const mib = (b) => `${(b / 1048576).toFixed(1)} MiB`;
  console.log(
    JSON.stringify(
      {
        entries: s.entries,
        keyBytes: keyLen * 8,
        tagBytes: Buffer.byteLength(tag),
        valueBytes: valueLen * 8,
        statsBytes: accounted,
        mallocGrowth,
        rssGrowth,
        bytesPerEntry: +(accounted / entries).toFixed(1),
        errorVsMalloc: `${(errMalloc * 100).toFixed(2)}%`,
        errorVsRss: `${(errRss * 100).toFixed(2)}%`,
        mallocAfterClear: mallocGrowth === 0 ? 0 : m2 - m0,
        insertSeconds: +seconds.toFixed(2),
      },
      null,
      2,
    ),
  );
  console.log(
    `stats().bytes ${mib(accounted)} vs malloc growth ${mib(mallocGrowth)} (${(errMalloc * 100).toFixed(2)}%), ` +
      `RSS growth ${mib(rssGrowth)} (${(errRss * 100).toFixed(2)}%)`,
  );
  if (s.entries !== entries) {
    console.error(`cache-memory: expected ${entries} entries, found ${s.entries}`);
    return 1;
  }
  if (Math.abs(errMalloc) > tolerance) {
    console.error(`cache-memory: FAIL: accounting off by more than ${tolerance * 100}%`);
    return 1;
  }
  // clear() frees every entry: the native heap must come back to where it was (the block heap gives
  // emptied regions back to the kernel; malloc keeps at most its usual slack).
  const leftAfterClear = m2 - m0;
  if (leftAfterClear > Math.max(4 * 1048576, 0.02 * mallocGrowth)) {
    console.error(`cache-memory: FAIL: ${mib(leftAfterClear)} of native heap still held after clear()`);
    return 1;
  }
  console.log('cache-memory: OK');
  return 0;
}

process.exitCode = main();
