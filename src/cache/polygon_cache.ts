/**
 * {@link PolygonCache}: a handle on a process-wide native cache. Every worker thread that calls
 * `getCache(name)` gets a handle on the same entries and the same byte budget.
 */
import { OcrPerfkitTypeError } from '../errors';
import { type CacheKey, toNativeKey } from './key';
import type { CacheStats, CacheValue, NativeCacheHandle, NativeFastMethods, ResolvedCacheOptions } from './native';
import { decodeSlabResult, threadSlab } from './slab';

/**
 * A named polygon cache. Keys are exact coordinates plus a tag naming the operation and its
 * parameters (e.g. `"offset:d=1.5;join=round"`); values are a typed array or an array of typed
 * arrays, stored as a native copy and returned as fresh copies of the same types.
 *
 * Errors: a key that is not a `Float64Array`/`number[]`, a tag that is not a string or a value
 * that is not a typed array (list) throw `OcrPerfkitTypeError` `ERR_INVALID_ARGUMENT`; a NaN or
 * infinite coordinate throws `OcrPerfkitRangeError` `ERR_INVALID_KEY`.
 */
export class PolygonCache {
  private readonly fast: NativeFastMethods;

  /** @internal Use {@link getCache}. */
  constructor(private readonly handle: NativeCacheHandle) {
    this.fast = handle.fastMethods();
  }

  /** The cache's registry name. */
  get name(): string {
    return this.handle.name();
  }

  /** Effective options (defaults filled in). */
  get options(): ResolvedCacheOptions {
    return this.handle.options();
  }

  /** The native handle, to pass as `{ cache }` to native operations that consult the cache. */
  get nativeHandle(): NativeCacheHandle {
    return this.handle;
  }

  /**
   * The value for (`key`, `tag`) or `undefined`. Marks it as read (most recently used, or
   * marked for a second chance under `eviction: 'clock'`; see the cache options); counts a hit
   * or miss.
   * The result is the caller's own copy (mutating it never affects the cache or other results).
   * Arrays of more than 64 bytes (up to a 4 KiB value) are views into a per-thread 64 KiB slab
   * that is never reused, as with Node's `Buffer` pool: their `.buffer` is that shared slab and
   * one live result keeps it allocated; `slice()` the result to hold it on its own.
   */
  get(key: CacheKey, tag: string): CacheValue | undefined {
    const s = threadSlab();
    const r = this.fast.get(key instanceof Float64Array ? key : toNativeKey(key), tag, s.ready());
    return r === undefined ? undefined : decodeSlabResult(r, s);
  }

  /**
   * {@link get} with the lookup and the copy on the libuv thread pool: use it for large values
   * (whole target maps) whose copy would block the event loop. Counts a hit or miss like `get`.
   * Key and tag are validated (and copied) synchronously; errors reject the promise.
   */
  async getAsync(key: CacheKey, tag: string): Promise<CacheValue | undefined> {
    return this.handle.getAsync(key instanceof Float64Array ? key : toNativeKey(key), tag);
  }

  /** Like {@link get} without changing recency or the hit/miss counters. */
  peek(key: CacheKey, tag: string): CacheValue | undefined {
    const s = threadSlab();
    return decodeSlabResult(this.fast.peek(key instanceof Float64Array ? key : toNativeKey(key), tag, s.ready()), s);
  }

  /** Whether a live (non-expired) entry exists; no recency or counter change. */
  has(key: CacheKey, tag: string): boolean {
    return this.fast.has(key instanceof Float64Array ? key : toNativeKey(key), tag);
  }

  /**
   * Stores a copy of `value`. Returns `false` (and stores nothing, removing any older entry for
   * the key) when the entry is larger than `maxEntrySize`. A value whose arrays total 4 GiB or
   * more throws `OcrPerfkitRangeError` `ERR_OUT_OF_RANGE`.
   */
  set(key: CacheKey, tag: string, value: CacheValue): boolean {
    return this.fast.set(key instanceof Float64Array ? key : toNativeKey(key), tag, value);
  }

  /** Removes the entry; `true` if there was one. */
  delete(key: CacheKey, tag: string): boolean {
    return this.fast.delete(key instanceof Float64Array ? key : toNativeKey(key), tag);
  }

  /** Removes every entry (for every thread). Counters are kept. */
  clear(): void {
    this.handle.clear();
  }

  /** Removes expired entries now; returns how many. */
  purgeExpired(): number {
    return this.handle.purgeExpired();
  }

  /** {@link clear} on the libuv thread pool: freeing a large cache does not block the event loop. */
  async clearAsync(): Promise<void> {
    await this.handle.clearAsync();
  }

  /** {@link purgeExpired} on the libuv thread pool. */
  purgeExpiredAsync(): Promise<number> {
    return this.handle.purgeExpiredAsync();
  }

  /**
   * Memoization: the cached value, or `compute()`'s result, stored then returned. On a miss the
   * returned value is `compute()`'s own object (the cache keeps a copy); on a hit it is a fresh
   * copy. Two threads missing the same key at once both compute; the last `set` wins.
   */
  getOrCompute<V extends CacheValue>(key: CacheKey, tag: string, compute: () => V): V {
    if (typeof compute !== 'function') {
      throw new OcrPerfkitTypeError('compute must be a function', 'ERR_INVALID_ARGUMENT');
    }
    const k = key instanceof Float64Array ? key : toNativeKey(key);
    const hit = this.get(k, tag);
    if (hit !== undefined) return hit as V;
    const value = compute();
    this.fast.set(k, tag, value);
    return value;
  }

  /** {@link getOrCompute} with an async `compute`. */
  async getOrComputeAsync<V extends CacheValue>(key: CacheKey, tag: string, compute: () => Promise<V>): Promise<V> {
    if (typeof compute !== 'function') {
      throw new OcrPerfkitTypeError('compute must be a function', 'ERR_INVALID_ARGUMENT');
    }
    const k = key instanceof Float64Array ? key : toNativeKey(key);
    const hit = this.get(k, tag);
    if (hit !== undefined) return hit as V;
    const value = await compute();
    this.fast.set(k, tag, value);
    return value;
  }

  /** Counters and sizes, summed over all threads. */
  stats(): CacheStats {
    return this.handle.stats();
  }
}
