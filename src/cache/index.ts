/** The polygon cache: process-wide, shared by worker threads, with byte accounting. */
export type { CacheKey } from './key';
export type { CacheStats, CacheTypedArray, CacheValue, ResolvedCacheOptions } from './native';
export { type CacheOptions, cacheOptionsSchema } from './options';
export { PolygonCache } from './polygon_cache';
export { dropCache, getCache, listCaches } from './registry';
