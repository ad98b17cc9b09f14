// Offsetting with { cache }: per-polygon results memoized inside native code; hits identical to
// fresh computations; every option that changes the output is part of the key.
import { dropCache, getCache } from '../../src/cache';
import { offsetBatch, offsetBatchAsync, offsetPaths, shrinkBatch, unclipPolygon } from '../../src/geometry';

function quads(n: number, seed = 1): { coords: Float64Array; ringOffsets: Uint32Array } {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const coords = new Float64Array(n * 8);
  const ringOffsets = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const x = rnd() * 500;
    const y = rnd() * 500;
    const w = 3 + rnd() * 80;
    const h = 3 + rnd() * 20;
    coords.set([x, y, x + w, y + rnd(), x + w, y + h, x, y + h - rnd()], i * 8);
    ringOffsets[i + 1] = (i + 1) * 4;
  }
  return { coords, ringOffsets };
}

const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('geometry with a polygon cache', () => {
  const name = 'geometry-cache-test';
  afterEach(() => dropCache(name));

  it('a batch hit is identical to the fresh result, empty results included', () => {
    const cache = getCache(name, { maxBytes: 64 * 2 ** 20 });
    const input = quads(500);
    const fresh = shrinkBatch(input, { ratio: 0.4 });
    const first = shrinkBatch(input, { ratio: 0.4, cache });
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 500, entries: 500 });
    const second = shrinkBatch(input, { ratio: 0.4, cache });
    expect(cache.stats()).toMatchObject({ hits: 500, misses: 500 });
    for (const r of [first, second]) {
      expect(bytes(r.coords).equals(bytes(fresh.coords))).toBe(true);
      expect(bytes(r.ringOffsets).equals(bytes(fresh.ringOffsets))).toBe(true);
      expect(bytes(r.polygonRings).equals(bytes(fresh.polygonRings))).toBe(true);
    }
    // Some of the thin quads vanish when shrunk: those empty results come back empty from the cache too.
    const empty = [...fresh.polygonRings].slice(1).filter((v, i) => v === fresh.polygonRings[i]).length;
    expect(empty).toBeGreaterThan(0);
  });

  it('mixes hits and misses in one batch, keeping polygon order', () => {
    const cache = getCache(name, { maxBytes: 64 * 2 ** 20 });
    const a = quads(50, 1);
    const b = quads(50, 2);
    offsetBatch({ ...a, deltas: 2.5 }, { cache });
    const both = {
      coords: Float64Array.from([...b.coords, ...a.coords]),
      ringOffsets: Uint32Array.from([...b.ringOffsets, ...[...a.ringOffsets].slice(1).map((v) => v + 200)]),
      deltas: 2.5,
    };
    const cached = offsetBatch(both, { cache });
    expect(cache.stats()).toMatchObject({ hits: 50, misses: 100 });
    const plain = offsetBatch(both);
    expect(bytes(cached.coords).equals(bytes(plain.coords))).toBe(true);
    expect(bytes(cached.polygonRings).equals(bytes(plain.polygonRings))).toBe(true);
  });

  it('options, per-polygon deltas and the last bit of a coordinate are part of the key', () => {
    const cache = getCache(name, { maxBytes: 16 * 2 ** 20 });
    const square = [[0, 0], [40, 0], [40, 20], [0, 20]] as [number, number][];
    const run = (delta: number, o: object) => offsetPaths([square], delta, { cache, ...o });
    run(3, {});
    run(3, { joinType: 'miter' });
    run(3, { mode: 'clipper2' });
    run(3, { arcTolerance: 0.5 });
    run(3.5, {});
    offsetPaths([square.map(([x, y], i) => [i === 0 ? x + Number.MIN_VALUE : x, y] as [number, number])], 3, { cache });
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 6 });
    expect(run(3, { joinType: 'miter' })).toEqual(offsetPaths([square], 3, { joinType: 'miter' }));
    expect(cache.stats().hits).toBe(1);
    const u = unclipPolygon(square, { cache });
    expect(unclipPolygon(square, { cache })).toEqual(u);
    expect(cache.stats().hits).toBe(2);
  });

  it('the async batch uses the cache from the worker thread', async () => {
    const cache = getCache(name, { maxBytes: 16 * 2 ** 20 });
    const input = { ...quads(100), deltas: 1.5 };
    const a = await offsetBatchAsync(input, { cache });
    const b = await offsetBatchAsync(input, { cache });
    expect(cache.stats()).toMatchObject({ hits: 100, misses: 100 });
    expect(bytes(a.coords).equals(bytes(b.coords))).toBe(true);
  });

  it('rejects a cache option that is not a PolygonCache', () => {
    expect(() => offsetPaths([[[0, 0], [1, 0], [1, 1]]], 1, { cache: {} as never })).toThrow(
      expect.objectContaining({
        name: 'OcrPerfkitTypeError',
        code: 'ERR_INVALID_ARGUMENT',
        message: expect.stringContaining('options.cache'),
      }),
    );
  });
});
