import { dropCache, getCache } from '../../src/cache';
import { SLAB_BYTES } from '../../src/cache/slab';
import { uniqueName } from './helpers';

// get/peek results over 64 bytes are views into a per-thread slab (src/cache/slab.ts): each must
// still be the caller's own copy, valid forever, whatever later gets do.
describe('slab-backed get results', () => {
  const name = uniqueName('slab');
  const cache = getCache(name, { maxBytes: 8 << 20 });
  afterAll(() => dropCache(name));
  beforeEach(() => cache.clear());

  const expected = (i: number) => Float64Array.from({ length: 24 }, (_, j) => i * 100 + j);

  test('results stay intact across many gets spanning several slabs', () => {
    for (let i = 0; i < 50; i++) cache.set([i], 'v', expected(i));
    const got: Float64Array[] = [];
    // 24 float64 + header = 208 bytes per get: 2000 gets fill several 64 KiB slabs.
    for (let round = 0; round < 40; round++) for (let i = 0; i < 50; i++) got.push(cache.get([i], 'v') as Float64Array);
    const slabs = new Set(got.map((a) => a.buffer));
    expect(slabs.size).toBeGreaterThan((2000 * 208) / SLAB_BYTES);
    got.forEach((a, k) => {
      expect(Array.from(a)).toEqual(Array.from(expected(k % 50)));
    });
    // Views never overlap: writing one leaves every other result (and the cache) unchanged.
    for (const a of got) a.fill(-1);
    expect(got.every((a) => a.every((x) => x === -1))).toBe(true);
    expect(Array.from(cache.get([3], 'v') as Float64Array)).toEqual(Array.from(expected(3)));
    const fresh = cache.peek([4], 'v') as Float64Array;
    expect(Array.from(fresh)).toEqual(Array.from(expected(4)));
  });

  test('small arrays are standalone on-heap copies; mixed lists keep each array intact', () => {
    cache.set([1], 'small', new Float64Array([1, 2, 3]));
    cache.set([2], 'mixed', [new Uint8Array([9]), new Float64Array(30).fill(0.25), new Int16Array([-3, 4])]);
    const small = cache.get([1], 'small') as Float64Array;
    expect(small.byteOffset).toBe(0);
    expect(small.buffer.byteLength).toBe(24);
    const mixed = cache.get([2], 'mixed') as [Uint8Array, Float64Array, Int16Array];
    const again = cache.get([2], 'mixed') as [Uint8Array, Float64Array, Int16Array];
    mixed[1].fill(7);
    mixed[0][0] = 1;
    expect(Array.from(again[0])).toEqual([9]);
    expect(again[1].every((x) => x === 0.25)).toBe(true);
    expect(Array.from(again[2])).toEqual([-3, 4]);
    expect(Array.from(small)).toEqual([1, 2, 3]);
  });

  test('a transferred (detached) slab is replaced, not written into', () => {
    cache.set([1], 'v', expected(1));
    const a = cache.get([1], 'v') as Float64Array;
    const slab = a.buffer as ArrayBuffer;
    const moved = structuredClone(slab, { transfer: [slab] });
    expect(a.buffer.byteLength).toBe(0);
    expect(moved.byteLength).toBe(SLAB_BYTES);
    const b = cache.get([1], 'v') as Float64Array;
    expect(Array.from(b)).toEqual(Array.from(expected(1)));
    expect(b.buffer).not.toBe(moved);
  });

  test('values over the slab limit come back as standalone arrays', () => {
    const big = Float64Array.from({ length: 1000 }, (_, i) => i);
    cache.set([1], 'big', big);
    const got = cache.get([1], 'big') as Float64Array;
    expect(got.byteOffset).toBe(0);
    expect(got.buffer.byteLength).toBe(8000);
    expect(Array.from(got)).toEqual(Array.from(big));
  });
});
