import { PolygonCacheLoggerCallback } from '../../src/callbacks/polygon_cache_logger';
import type { EpochEndContext } from '../../src/callbacks/protocol';
import { dropCache, getCache } from '../../src/cache';
import type { CacheStats } from '../../src/cache/native';
import { fakeRun } from './helpers';

function epochEnd(epoch: number): EpochEndContext {
  return { stage: 'train', epoch, numBatches: 1, numSamples: 1, durationMs: 1, metrics: {} };
}

function stats(partial: Partial<CacheStats>): CacheStats {
  return {
    hits: 0,
    misses: 0,
    sets: 0,
    evictions: 0,
    expirations: 0,
    deletes: 0,
    rejected: 0,
    contended: 0,
    entries: 0,
    bytes: 0,
    hitRate: 0,
    ...partial,
  };
}

describe('PolygonCacheLoggerCallback', () => {
  test('logs per-epoch deltas of a real shared cache', () => {
    const name = `cache-logger-${process.pid}`;
    const cache = getCache(name, { maxBytes: 1 << 20 });
    try {
      cache.set([1], 'warm', new Float64Array(4)); // before the run: not counted in epoch 0
      const lines: string[] = [];
      const cb = new PolygonCacheLoggerCallback({ cacheName: name, print: (l) => lines.push(l) });
      const run = fakeRun();
      cb.onTrainStart(run);
      for (let i = 0; i < 10; i++) cache.getOrCompute([i], 'op', () => new Float64Array(8));
      cb.onTrainEpochEnd(run, epochEnd(0));
      for (let i = 0; i < 10; i++) cache.getOrCompute([i], 'op', () => new Float64Array(8));
      cb.onTrainEpochEnd(run, epochEnd(1));
      const r = run.logger.records;
      expect(r).toHaveLength(2);
      expect(r[0]!.step).toBe(0);
      expect(r[0]!.metrics['polygon_cache/hits']).toBe(0);
      expect(r[0]!.metrics['polygon_cache/misses']).toBe(10);
      expect(r[0]!.metrics['polygon_cache/sets']).toBe(10);
      expect(r[0]!.metrics['polygon_cache/hit_rate']).toBe(0);
      expect(r[0]!.metrics['polygon_cache/entries']).toBe(11);
      expect(r[1]!.metrics['polygon_cache/hits']).toBe(10);
      expect(r[1]!.metrics['polygon_cache/misses']).toBe(0);
      expect(r[1]!.metrics['polygon_cache/sets']).toBe(0);
      expect(r[1]!.metrics['polygon_cache/hit_rate']).toBe(1);
      expect(r[1]!.metrics['polygon_cache/hit_rate_total']).toBeCloseTo(0.5, 12);
      expect(r[1]!.metrics['polygon_cache/memory_mb']).toBeCloseTo(cache.stats().bytes / 2 ** 20, 12);
      expect(lines[1]).toMatch(/^\[PolygonCache\] epoch 1: hit rate 100\.0% \(10\/10\), entries 11, /);
    } finally {
      dropCache(name);
    }
  });

  test('logInterval, prefix, NaN hit rate without lookups, quiet mode', () => {
    let current = stats({});
    const source = { stats: () => current };
    const print = jest.fn();
    const cb = new PolygonCacheLoggerCallback({ cache: source, logInterval: 2, prefix: 'pc.', verbose: false, print });
    const run = fakeRun();
    cb.onTrainStart(run);
    current = stats({ hits: 5, misses: 5, hitRate: 0.5, entries: 5, bytes: 2 ** 20 });
    cb.onTrainEpochEnd(run, epochEnd(0)); // not logged
    current = stats({ hits: 5, misses: 5, hitRate: 0.5, entries: 5, bytes: 2 ** 20, evictions: 2 });
    cb.onTrainEpochEnd(run, epochEnd(1)); // logged: covers epochs 0 and 1
    current = stats({ hits: 5, misses: 5, hitRate: 0.5, entries: 5, bytes: 2 ** 20, evictions: 2 });
    cb.onTrainEpochEnd(run, epochEnd(2)); // not logged
    cb.onTrainEpochEnd(run, epochEnd(3)); // logged: nothing happened since epoch 1
    expect(run.logger.records).toHaveLength(2);
    const m = run.logger.records[0]!.metrics;
    expect(run.logger.records[0]!.step).toBe(1);
    expect(m['pc.hits']).toBe(5);
    expect(m['pc.misses']).toBe(5);
    expect(m['pc.evictions']).toBe(2);
    expect(m['pc.hit_rate']).toBe(0.5);
    expect(m['pc.hit_rate_total']).toBe(0.5);
    expect(m['pc.memory_mb']).toBe(1);
    const m2 = run.logger.records[1]!.metrics;
    expect(run.logger.records[1]!.step).toBe(3);
    expect(m2['pc.hits']).toBe(0);
    expect(m2['pc.evictions']).toBe(0);
    expect(Number.isNaN(m2['pc.hit_rate'])).toBe(true);
    expect(print).not.toHaveBeenCalled();
    expect(cb.lastReport?.entries).toBe(5);
  });

  test('bad options are typed config errors; disabled needs no cache', () => {
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return (err as { code?: string }).code;
      }
      return undefined;
    };
    expect(codeOf(() => new PolygonCacheLoggerCallback({}))).toBe('ERR_INVALID_CONFIG');
    expect(codeOf(() => new PolygonCacheLoggerCallback({ cache: {} as never }))).toBe('ERR_INVALID_CONFIG');
    expect(codeOf(() => new PolygonCacheLoggerCallback({ cacheName: 'x', logInterval: 0 }))).toBe('ERR_INVALID_CONFIG');
    expect(codeOf(() => new PolygonCacheLoggerCallback({ cacheName: 'x', bogus: 1 } as never))).toBe(
      'ERR_INVALID_CONFIG',
    );
    const off = new PolygonCacheLoggerCallback({ enabled: false });
    expect(off.enabled).toBe(false);
  });
});
