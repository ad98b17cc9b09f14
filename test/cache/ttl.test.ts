import { dropCache } from '../../src/cache';
import { advanceCacheClock, openCacheForTesting, setCacheClock } from '../../src/cache/testing';
import { uniqueName } from './helpers';

describe('TTL with an injected clock', () => {
  // Under 'clock', get/peek/has are shared reads that hand an expired entry to the locked path.
  test.each(['lru', 'clock'] as const)('entries expire ttl ms after their set; expiry is counted (eviction %s)', (eviction) => {
    const name = uniqueName(`ttl-${eviction}`);
    const c = openCacheForTesting(name, { ttl: 1000, eviction }, {});
    try {
      setCacheClock(c, 5000);
      c.set([1], 't', new Uint8Array([1]));
      advanceCacheClock(c, 500);
      c.set([2], 't', new Uint8Array([2]));
      advanceCacheClock(c, 499); // t = 5999
      expect(c.get([1], 't')).toEqual(new Uint8Array([1]));
      expect(c.peek([1], 't')).toBeDefined();
      advanceCacheClock(c, 1); // t = 6000: [1] expires (set at 5000)
      expect(c.has([1], 't')).toBe(false);
      expect(c.peek([1], 't')).toBeUndefined();
      expect(c.get([1], 't')).toBeUndefined();
      expect(c.get([2], 't')).toEqual(new Uint8Array([2]));
      let s = c.stats();
      expect(s.expirations).toBe(1);
      expect(s.hits).toBe(2);
      expect(s.misses).toBe(1);
      expect(s.entries).toBe(1);
      // A get does not extend the life of an entry; a set does.
      c.set([2], 't', new Uint8Array([3]));
      advanceCacheClock(c, 999);
      expect(c.get([2], 't')).toEqual(new Uint8Array([3]));
      advanceCacheClock(c, 1);
      expect(c.get([2], 't')).toBeUndefined();
      s = c.stats();
      expect(s.expirations).toBe(2);
      expect(s.entries).toBe(0);
      expect(s.bytes).toBeLessThan(1024); // only the (empty) hash table is left
    } finally {
      dropCache(name);
    }
  });

  test('purgeExpired removes expired entries without touching live ones', () => {
    const name = uniqueName('ttl-purge');
    const c = openCacheForTesting(name, { ttl: 100, shards: 4 }, {});
    try {
      setCacheClock(c, 0);
      for (let i = 0; i < 20; i++) c.set([i], 'a', new Uint8Array([i]));
      setCacheClock(c, 50);
      for (let i = 0; i < 10; i++) c.set([i], 'b', new Uint8Array([i]));
      setCacheClock(c, 100);
      expect(c.purgeExpired()).toBe(20);
      const s = c.stats();
      expect(s.entries).toBe(10);
      expect(s.expirations).toBe(20);
      for (let i = 0; i < 10; i++) expect(c.has([i], 'b')).toBe(true);
    } finally {
      dropCache(name);
    }
  });

  test('without ttl nothing expires', () => {
    const name = uniqueName('no-ttl');
    const c = openCacheForTesting(name, {}, {});
    try {
      setCacheClock(c, 0);
      c.set([1], 't', new Uint8Array([1]));
      setCacheClock(c, 1e12);
      expect(c.has([1], 't')).toBe(true);
      expect(c.purgeExpired()).toBe(0);
    } finally {
      dropCache(name);
    }
  });
});
