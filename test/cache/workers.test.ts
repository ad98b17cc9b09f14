import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { dropCache, getCache } from '../../src/cache';
import { addonPath, uniqueName, valueFor } from './helpers';

interface WorkerResult {
  id: number;
  hits: number;
  misses: number;
  wrong: number;
}

function runWorker<R = WorkerResult>(workerData: Record<string, unknown>, script = 'cache_worker.js'): Promise<R> {
  return new Promise((resolve, reject) => {
    const w = new Worker(path.join(__dirname, 'fixtures', script), { workerData });
    let result: R | undefined;
    w.once('message', (m: R) => {
      result = m;
    });
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code === 0 && result) resolve(result);
      else reject(new Error(`worker exited with code ${code}`));
    });
  });
}

describe('worker threads share one named cache', () => {
  // Under 'clock', lookups run as shared reads (no shard lock) beside other threads' stores and
  // evictions; half the workers read through the handle's get, half through the slab fast path.
  test.each([
    [2, 'lru'],
    [4, 'lru'],
    [2, 'clock'],
    [4, 'clock'],
  ] as const)('%i workers reading and writing concurrently see correct values (eviction %s)', async (n, eviction) => {
    const name = uniqueName(`workers${n}${eviction}`);
    // Small budget with few shards: lots of eviction and lock contention while workers run.
    const cache = getCache(name, { maxBytes: 256 * 1024, shards: 4, eviction });
    try {
      const ops = 40000;
      const keySpace = 3000;
      const results = await Promise.all(
        Array.from({ length: n }, (_, id) =>
          runWorker({ addonPath: addonPath(), name, id, ops, keySpace, api: id % 2 === 0 ? 'handle' : 'slab' }),
        ),
      );
      for (const r of results) {
        expect(r.wrong).toBe(0);
        expect(r.hits + r.misses).toBe(ops);
        expect(r.hits).toBeGreaterThan(0);
      }
      const s = cache.stats();
      const hits = results.reduce((a, r) => a + r.hits, 0);
      const misses = results.reduce((a, r) => a + r.misses, 0);
      // The main thread's view includes every worker's operations.
      expect(s.hits).toBe(hits);
      expect(s.misses).toBe(misses);
      expect(s.sets).toBe(misses);
      expect(s.contended).toBeGreaterThanOrEqual(0);
      expect(s.contended).toBeLessThanOrEqual(hits + misses + s.sets);
      expect(s.bytes).toBeLessThanOrEqual(256 * 1024);
      expect(s.entries).toBeGreaterThan(0);
      // Entries written by workers are readable here, with the right values.
      let seen = 0;
      for (let k = 0; k < keySpace; k++) {
        const key = new Float64Array([k, -1, k * 0.25, 1 / (k + 1), -k, 3.5]);
        const got = cache.peek(key, 'shared') as [Float64Array, Int32Array] | undefined;
        if (got === undefined) continue;
        seen += 1;
        expect(Array.from(got[0])).toEqual(Array.from(valueFor(key)));
        expect(got[1][0]).toBe(k);
      }
      expect(seen).toBeGreaterThan(0);
    } finally {
      dropCache(name);
    }
  });

  test.each([
    [2, 'lru'],
    [4, 'lru'],
    [4, 'clock'],
  ] as const)('%i workers running cached batch offsets on shared polygons get the uncached results (eviction %s)', async (n, eviction) => {
    const name = uniqueName(`batch-workers${n}${eviction}`);
    // Small budget, few shards: batched lookups, stores and evictions of all workers interleave.
    const cache = getCache(name, { maxBytes: 192 * 1024, shards: 4, eviction });
    try {
      const rounds = 30;
      const perRound = 1500;
      const results = await Promise.all(
        Array.from({ length: n }, (_, id) =>
          runWorker<{ id: number; wrong: number; polygons: number }>(
            { addonPath: addonPath(), name, id, rounds, perRound, keySpace: 2500 },
            'batch_worker.js',
          ),
        ),
      );
      for (const r of results) {
        expect(r.wrong).toBe(0);
        expect(r.polygons).toBe(rounds * perRound);
      }
      const s = cache.stats();
      expect(s.hits + s.misses).toBe(n * rounds * perRound);
      expect(s.hits).toBeGreaterThan(0);
      expect(s.evictions).toBeGreaterThan(0);
      expect(s.bytes).toBeLessThanOrEqual(192 * 1024);
    } finally {
      dropCache(name);
    }
  });

  test('a cache filled by a worker that has exited stays readable', async () => {
    const name = uniqueName('workers-exit');
    getCache(name, { maxBytes: 64 << 20 });
    try {
      const r = await runWorker({ addonPath: addonPath(), name, id: 0, ops: 2000, keySpace: 500 });
      expect(r.wrong).toBe(0);
      const cache = getCache(name);
      const s = cache.stats();
      expect(s.sets).toBe(r.misses);
      expect(s.entries).toBe(r.misses); // budget large enough: nothing evicted
      expect(s.evictions).toBe(0);
    } finally {
      dropCache(name);
    }
  });
});
