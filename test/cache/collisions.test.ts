import { dropCache } from '../../src/cache';
import { openCacheForTesting } from '../../src/cache/testing';
import { uniqueName, valueFor } from './helpers';

describe('forced hash collisions (testing hook)', () => {
  test.each([0, 1, 4])('hashBits=%i: every key still maps to its own value', (bits) => {
    const name = uniqueName(`collide${bits}`);
    const cache = openCacheForTesting(name, { maxBytes: 8 << 20, shards: 4 }, { hashBits: bits });
    try {
      const keys: Float64Array[] = [];
      for (let i = 0; i < 300; i++) keys.push(new Float64Array([i, i * 0.5, -i, 1e-300 * i]));
      for (const k of keys) cache.set(k, 'op', valueFor(k));
      for (const k of keys) expect(cache.get(k, 'op')).toEqual(valueFor(k));
      // Same coordinates, other tag; and keys never inserted: misses, never another key's value.
      for (const k of keys.slice(0, 50)) expect(cache.get(k, 'op2')).toBeUndefined();
      expect(cache.get([1e9], 'op')).toBeUndefined();
      // Deleting one colliding key leaves its neighbours intact.
      for (let i = 0; i < keys.length; i += 2) expect(cache.delete(keys[i]!, 'op')).toBe(true);
      keys.forEach((k, i) => {
        if (i % 2 === 0) expect(cache.has(k, 'op')).toBe(false);
        else expect(cache.get(k, 'op')).toEqual(valueFor(k));
      });
      const s = cache.stats();
      expect(s.entries).toBe(150);
    } finally {
      dropCache(name);
    }
  });
});
