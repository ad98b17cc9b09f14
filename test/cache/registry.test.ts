import { dropCache, getCache, listCaches } from '../../src/cache';
import { uniqueName } from './helpers';

describe('named caches', () => {
  test('getCache(name) returns handles on the same entries', () => {
    const name = uniqueName('shared');
    const a = getCache(name, { maxBytes: 1 << 20 });
    const b = getCache(name);
    try {
      a.set([1, 2], 't', new Uint16Array([7]));
      expect(b.get([1, 2], 't')).toEqual(new Uint16Array([7]));
      expect(a.stats().hits).toBe(1);
      expect(b.options.maxBytes).toBe(1 << 20);
      expect(b.name).toBe(name);
      expect(listCaches()).toContain(name);
    } finally {
      dropCache(name);
    }
  });

  test('re-open with conflicting options fails; equal or omitted options are fine', () => {
    const name = uniqueName('conflict');
    getCache(name, { maxBytes: 4096, ttl: 10 });
    try {
      expect(() => getCache(name, { maxBytes: 4096 })).not.toThrow();
      expect(() => getCache(name, { ttl: 10, maxBytes: 4096 })).not.toThrow();
      // The effective maxEntrySize (defaulted to maxBytes) is what a re-open compares with.
      expect(() => getCache(name, { maxEntrySize: getCache(name).options.maxEntrySize })).not.toThrow();
      for (const bad of [{ maxBytes: 8192 }, { ttl: 20 }, { shards: 1 }, { maxEntries: 3 }, { maxEntrySize: 100 }, { eviction: 'clock' as const }]) {
        let code = '';
        try {
          getCache(name, bad);
        } catch (err) {
          code = (err as { code: string }).code;
        }
        expect(code).toBe('ERR_CACHE_OPTIONS_CONFLICT');
      }
    } finally {
      dropCache(name);
    }
  });

  test('dropCache unregisters; open handles keep working on the detached cache', () => {
    const name = uniqueName('drop');
    const a = getCache(name);
    a.set([1], 't', new Uint8Array([1]));
    expect(dropCache(name)).toBe(true);
    expect(dropCache(name)).toBe(false);
    expect(listCaches()).not.toContain(name);
    expect(a.get([1], 't')).toEqual(new Uint8Array([1]));
    const b = getCache(name, { maxBytes: 1234 });
    try {
      expect(b.get([1], 't')).toBeUndefined();
      expect(b.options.maxBytes).toBe(1234);
    } finally {
      dropCache(name);
    }
  });
});
