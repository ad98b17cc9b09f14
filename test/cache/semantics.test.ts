import { dropCache, getCache } from '../../src/cache';
import { typeName, uniqueName } from './helpers';

describe('PolygonCache exact-key semantics', () => {
  const name = uniqueName('semantics');
  const cache = getCache(name, { maxBytes: 1 << 20 });
  afterAll(() => dropCache(name));
  beforeEach(() => cache.clear());

  test('set then get returns an equal fresh copy of the same type', () => {
    const key = new Float64Array([10.5, 20.25, 30, 40]);
    const value = new Float32Array([1.5, 2.5, 3.5]);
    expect(cache.set(key, 'offset:d=1', value)).toBe(true);
    const a = cache.get(key, 'offset:d=1');
    const b = cache.get(key, 'offset:d=1');
    expect(typeName(a)).toBe('Float32Array');
    expect(Array.from(a as Float32Array)).toEqual([1.5, 2.5, 3.5]);
    expect(a).not.toBe(value);
    expect(a).not.toBe(b);
    (a as Float32Array)[0] = 99;
    expect(Array.from(cache.get(key, 'offset:d=1') as Float32Array)).toEqual([1.5, 2.5, 3.5]);
    value[0] = 77;
    expect((cache.get(key, 'offset:d=1') as Float32Array)[0]).toBe(1.5);
  });

  test('a coordinate differing in the last bit misses', () => {
    const key = new Float64Array([0.1, 0.2, 0.3, 0.4]);
    cache.set(key, 't', new Float64Array([1]));
    const bits = new BigUint64Array(key.buffer.slice(0));
    for (let i = 0; i < 4; i++) {
      const other = new BigUint64Array(bits);
      other[i] = other[i]! ^ 1n;
      const otherKey = new Float64Array(other.buffer);
      expect(otherKey[i]).not.toBe(key[i]);
      expect(Math.abs(otherKey[i]! - key[i]!)).toBeLessThan(1e-16);
      expect(cache.get(otherKey, 't')).toBeUndefined();
      expect(cache.has(otherKey, 't')).toBe(false);
    }
    expect(cache.has(key, 't')).toBe(true);
  });

  test('+0 and -0 are different keys; so are different lengths and tags', () => {
    cache.set([0, 1], 't', new Uint8Array([1]));
    expect(cache.get([-0, 1], 't')).toBeUndefined();
    expect(cache.get([0, 1, 0], 't')).toBeUndefined();
    expect(cache.get([0], 't')).toBeUndefined();
    expect(cache.get([0, 1], 'T')).toBeUndefined();
    expect(cache.get([0, 1], 't ')).toBeUndefined();
    expect(Array.from(cache.get([0, 1], 't') as Uint8Array)).toEqual([1]);
  });

  test('number[] and Float64Array keys are the same key', () => {
    cache.set([1.25, 2.5], 'tag', new Int16Array([-3]));
    expect(Array.from(cache.get(new Float64Array([1.25, 2.5]), 'tag') as Int16Array)).toEqual([-3]);
  });

  test('long and non-ASCII tags are compared in full', () => {
    const long = 'x'.repeat(1000);
    cache.set([1], `${long}a`, new Uint8Array([1]));
    cache.set([1], `${long}b`, new Uint8Array([2]));
    const uni = 'é'.repeat(200);
    cache.set([1], uni, new Uint8Array([3]));
    cache.set([1], `${uni}é`, new Uint8Array([4]));
    expect(Array.from(cache.get([1], `${long}a`) as Uint8Array)).toEqual([1]);
    expect(Array.from(cache.get([1], `${long}b`) as Uint8Array)).toEqual([2]);
    expect(Array.from(cache.get([1], uni) as Uint8Array)).toEqual([3]);
    expect(Array.from(cache.get([1], `${uni}é`) as Uint8Array)).toEqual([4]);
    expect(cache.get([1], long)).toBeUndefined();
  });

  test('every typed-array type round-trips; lists stay lists', () => {
    const values = [
      new Int8Array([-1, 2]),
      new Uint8Array([255]),
      new Uint8ClampedArray([7]),
      new Int16Array([-300]),
      new Uint16Array([60000]),
      new Int32Array([-70000]),
      new Uint32Array([4000000000]),
      new Float32Array([0.5]),
      new Float64Array([Math.PI, Number.NaN, -0]),
      new BigInt64Array([-5n]),
      new BigUint64Array([2n ** 63n]),
    ];
    values.forEach((v, i) => {
      cache.set([i], 'single', v);
    });
    values.forEach((v, i) => {
      const got = cache.get([i], 'single');
      expect(typeName(got)).toBe(typeName(v));
      expect(got).toEqual(v);
    });
    cache.set([1, 2], 'list', values);
    const list = cache.get([1, 2], 'list') as unknown[];
    expect(Array.isArray(list)).toBe(true);
    expect(list).toEqual(values);
    cache.set([1, 3], 'list', [new Float64Array([1])]);
    expect(cache.get([1, 3], 'list')).toEqual([new Float64Array([1])]);
    cache.set([1, 4], 'list', []);
    expect(cache.get([1, 4], 'list')).toEqual([]);
    cache.set([1, 5], 'empty', new Float64Array(0));
    expect(cache.get([1, 5], 'empty')).toEqual(new Float64Array(0));
  });

  test('small and large values take the same shape through both native return paths', () => {
    // Small values come back through the scratch buffer, large ones as native-created arrays.
    const cases: unknown[] = [
      new Float64Array([1, 2, 3, 4, 5, 6, 7, 8]), // 64 bytes: scratch
      new Float64Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), // 72 bytes: direct
      new Uint8Array(70000).fill(3), // larger than the scratch buffer
      Array.from({ length: 64 }, (_, i) => new Int32Array([i, -i])), // 64 arrays: scratch
      Array.from({ length: 65 }, (_, i) => new Int32Array([i, -i])), // 65 arrays: direct
      [new Uint8Array([1]), new Float64Array(100).fill(0.5), new Int16Array([-2, 7])], // mixed
      [new BigInt64Array([-1n, 2n]), new Uint8ClampedArray([255, 0, 1])],
    ];
    cases.forEach((v, i) => {
      cache.set([i, 0.5], 'shape', v as never);
    });
    cases.forEach((v, i) => {
      for (const got of [cache.get([i, 0.5], 'shape'), cache.peek([i, 0.5], 'shape')]) {
        expect(Array.isArray(got)).toBe(Array.isArray(v));
        const want = Array.isArray(v) ? v : [v];
        const have = (Array.isArray(got) ? got : [got]) as unknown[];
        expect(have.map(typeName)).toEqual(want.map(typeName));
        expect(have.map((a) => Array.from(a as ArrayLike<number>))).toEqual(want.map((a) => Array.from(a)));
      }
    });
  });

  test('subarray views store only their own elements', () => {
    const big = new Float64Array([1, 2, 3, 4, 5, 6]);
    cache.set(big.subarray(1, 3), 'view', big.subarray(3, 5));
    expect(Array.from(cache.get([2, 3], 'view') as Float64Array)).toEqual([4, 5]);
  });

  test('an empty key is a valid key', () => {
    cache.set([], 'only-tag', new Uint8Array([9]));
    expect(Array.from(cache.get(new Float64Array(0), 'only-tag') as Uint8Array)).toEqual([9]);
  });

  test('set replaces; delete removes; clear empties', () => {
    cache.set([1], 't', new Uint8Array([1]));
    cache.set([1], 't', new Uint8Array([2]));
    expect(Array.from(cache.get([1], 't') as Uint8Array)).toEqual([2]);
    expect(cache.stats().entries).toBe(1);
    expect(cache.delete([1], 't')).toBe(true);
    expect(cache.delete([1], 't')).toBe(false);
    expect(cache.get([1], 't')).toBeUndefined();
    for (let i = 0; i < 50; i++) cache.set([i], 't', new Uint8Array([i]));
    expect(cache.stats().entries).toBe(50);
    cache.clear();
    expect(cache.stats().entries).toBe(0);
    expect(cache.stats().bytes).toBe(0);
    expect(cache.get([3], 't')).toBeUndefined();
  });

  test('getOrCompute memoizes; the compute result is returned on a miss', () => {
    let calls = 0;
    const compute = () => {
      calls += 1;
      return [new Float64Array([calls, 2])];
    };
    const first = cache.getOrCompute([5, 6], 'memo', compute);
    const second = cache.getOrCompute([5, 6], 'memo', compute);
    expect(calls).toBe(1);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
  });

  test('getOrComputeAsync memoizes', async () => {
    let calls = 0;
    const compute = async () => {
      calls += 1;
      return new Uint32Array([42]);
    };
    expect(await cache.getOrComputeAsync([7], 'memo-async', compute)).toEqual(new Uint32Array([42]));
    expect(await cache.getOrComputeAsync([7], 'memo-async', compute)).toEqual(new Uint32Array([42]));
    expect(calls).toBe(1);
  });

  test('peek and has do not change recency', () => {
    const name2 = uniqueName('peek');
    const c = getCache(name2, { maxEntries: 2, shards: 1 });
    try {
      c.set([1], 't', new Uint8Array([1]));
      c.set([2], 't', new Uint8Array([2]));
      expect(c.peek([1], 't')).toEqual(new Uint8Array([1]));
      expect(c.has([1], 't')).toBe(true);
      c.set([3], 't', new Uint8Array([3]));
      expect(c.has([1], 't')).toBe(false);
      expect(c.has([2], 't')).toBe(true);
      expect(c.stats().hits).toBe(0);
      expect(c.stats().misses).toBe(0);
    } finally {
      dropCache(name2);
    }
  });
});
