/** Opening, listing and dropping process-wide named caches. */
import { OcrPerfkitTypeError } from '../errors';
import { cacheNative } from './native';
import { type CacheOptions, parseCacheOptions } from './options';
import { PolygonCache } from './polygon_cache';

function checkName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new OcrPerfkitTypeError('cache name must be a non-empty string', 'ERR_INVALID_ARGUMENT');
  }
}

/**
 * Opens the process-wide cache called `name`, creating it with `options` if it does not exist.
 * Every thread (main, worker_threads) that opens the same name shares its entries and budget.
 *
 * Re-opening: options are fixed at creation; a field given again must equal the existing value,
 * else `OcrPerfkitRangeError` `ERR_CACHE_OPTIONS_CONFLICT`. Omitted fields are not compared, so
 * `getCache(name)` always opens an existing cache. Invalid options throw `ERR_INVALID_ARGUMENT`
 * (wrong types, unknown keys) or `ERR_OUT_OF_RANGE` (unacceptable values).
 *
 * A cache stays registered (with its entries) until {@link dropCache}, even when no handle is
 * left.
 */
export function getCache(name: string, options?: CacheOptions): PolygonCache {
  checkName(name);
  const parsed = parseCacheOptions(options, `cache "${name}"`);
  const handle = new (cacheNative().CacheHandle)(name, parsed);
  return new PolygonCache(handle);
}

/**
 * Unregisters the named cache: later `getCache(name)` calls create a new one. Handles already
 * open keep working on the old cache, whose memory is freed when the last of them is collected.
 * Returns `true` if the cache existed.
 */
export function dropCache(name: string): boolean {
  checkName(name);
  return cacheNative().cacheDrop(name);
}

/** Names of the registered caches, sorted. */
export function listCaches(): string[] {
  return cacheNative().cacheList();
}
