// makeDbTargets / makeDbTargetsBatch with { cache }: results memoized inside native code, hits
// identical to fresh computations, parameters part of the key.
import { dropCache, getCache } from '../../src/cache';
import { makeDbTargets, makeDbTargetsBatch } from '../../src/targets';

const words = [
  { points: [[10, 10], [70, 12], [69, 30], [9, 28]] as [number, number][] },
  { points: [[20, 40], [90, 40], [90, 58], [20, 58]] as [number, number][], ignore: false },
  { points: [[5, 70], [40, 70], [40, 75], [5, 75]] as [number, number][] }, // thinner than minTextSize
];
const size = { width: 100, height: 90 };

function same(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe('DB targets with a polygon cache', () => {
  const name = 'targets-cache-test';
  afterEach(() => dropCache(name));

  it('a hit returns exactly the computed maps and ignore tags, in caller buffers too', () => {
    const cache = getCache(name, { maxBytes: 16 * 2 ** 20 });
    const fresh = makeDbTargets(words, size);
    const first = makeDbTargets(words, { ...size, cache });
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 1, entries: 1 });
    const out = {
      shrinkMap: new Float32Array(9000).fill(7),
      shrinkMask: new Float32Array(9000).fill(7),
      threshMap: new Float32Array(9000).fill(7),
      threshMask: new Float32Array(9000).fill(7),
      ignoreTags: new Uint8Array(3).fill(9),
    };
    const second = makeDbTargets(words, { ...size, cache, out });
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, entries: 1 });
    expect(second.shrinkMap).toBe(out.shrinkMap);
    for (const r of [first, second]) {
      expect(same(r.shrinkMap, fresh.shrinkMap)).toBe(true);
      expect(same(r.shrinkMask, fresh.shrinkMask)).toBe(true);
      expect(same(r.threshMap, fresh.threshMap)).toBe(true);
      expect(same(r.threshMask, fresh.threshMask)).toBe(true);
      expect([...r.ignoreTags]).toEqual([...fresh.ignoreTags]);
    }
    expect([...second.ignoreTags]).toEqual([0, 0, 1]);
  });

  it('mode, parameters, size, ignore flags and the last bit of a coordinate are part of the key', () => {
    const cache = getCache(name, { maxBytes: 16 * 2 ** 20 });
    makeDbTargets(words, { ...size, cache });
    makeDbTargets(words, { ...size, cache, mode: 'reference' });
    makeDbTargets(words, { ...size, cache, shrinkRatio: 0.5 });
    makeDbTargets(words, { width: 101, height: 90, cache });
    makeDbTargets([{ ...words[0]!, ignore: true }, words[1]!, words[2]!], { ...size, cache });
    const nudged = words.map((w) => ({ ...w, points: w.points.map(([x, y]) => [x, y] as [number, number]) }));
    nudged[0]!.points[0]![0] = 10 + Number.EPSILON * 8;
    makeDbTargets(nudged, { ...size, cache });
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 6, entries: 6 });
    const ref = makeDbTargets(words, { ...size, cache, mode: 'reference' });
    expect(cache.stats().hits).toBe(1);
    expect(same(ref.threshMap, makeDbTargets(words, { ...size, mode: 'reference' }).threshMap)).toBe(true);
  });

  it('the batch consults the cache on the pool threads', async () => {
    const cache = getCache(name, { maxBytes: 64 * 2 ** 20 });
    const samples = [0, 1, 2, 3].map((k) => ({
      polygons: words.map((w) => ({ ...w, points: w.points.map(([x, y]) => [x + k, y] as [number, number]) })),
      options: { ...size, cache },
    }));
    const a = await makeDbTargetsBatch(samples);
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 4, entries: 4 });
    const b = await makeDbTargetsBatch(samples);
    expect(cache.stats()).toMatchObject({ hits: 4, misses: 4 });
    a.forEach((r, i) => {
      expect(same(r.threshMap, b[i]!.threshMap)).toBe(true);
    });
  });

  it('results above maxEntrySize are computed, not stored', () => {
    const cache = getCache(name, { maxBytes: 16 * 2 ** 20, maxEntrySize: 1024 });
    const r = makeDbTargets(words, { ...size, cache });
    expect(r.shrinkMap.some((v) => v === 1)).toBe(true);
    expect(cache.stats().entries).toBe(0);
  });

  it('rejects a cache option that is not a PolygonCache', () => {
    expect(() => makeDbTargets(words, { ...size, cache: {} as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringContaining('options.cache') }),
    );
  });
});
