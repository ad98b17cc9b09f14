/**
 * The cache area's native surface (native/binding/cache_*.cc), as loaded by {@link getNative}.
 * Internal: use {@link getCache} and {@link PolygonCache}.
 */
import { getNative } from '../native';

/** Any JS typed array a cache value may hold (returned as a fresh copy of the same type). */
export type CacheTypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/** A cached value: one typed array, or a list of them (e.g. the paths of an offset result). */
export type CacheValue = CacheTypedArray | CacheTypedArray[];

/** Options as the native constructor reads them (already validated in TypeScript). */
export interface NativeCacheOptions {
  maxBytes?: number;
  maxEntries?: number;
  maxEntrySize?: number;
  ttl?: number;
  shards?: number;
  eviction?: 'lru' | 'clock';
}

/** Effective options of an open cache, as reported by the native side. */
export interface ResolvedCacheOptions {
  /** Byte budget (see {@link CacheOptions.maxBytes}). */
  maxBytes: number;
  /** Entry limit; 0 = unlimited. */
  maxEntries: number;
  /** Largest entry stored, in bytes. */
  maxEntrySize: number;
  /** Time to live in ms; 0 = never expires. */
  ttl: number;
  /** Number of lock shards. */
  shards: number;
  /** Eviction order within a shard (see {@link CacheOptions.eviction}). */
  eviction: 'lru' | 'clock';
}

/** Counters of one cache (shared by every thread that opened it). */
export interface CacheStats {
  /** `get` calls that found a live entry. */
  hits: number;
  /** `get` calls that found nothing or an expired entry. */
  misses: number;
  /** Stored values (`set`, and `getOrCompute` on a miss), new or replacing. */
  sets: number;
  /** Entries removed to respect `maxBytes` / `maxEntries`. */
  evictions: number;
  /** Entries removed because their TTL had passed. */
  expirations: number;
  /** Entries removed by `delete`. */
  deletes: number;
  /** `set` calls refused because the entry was larger than `maxEntrySize`. */
  rejected: number;
  /**
   * Shard-lock acquisitions that had to wait for another thread (a contention gauge: compare
   * with the number of operations; near 0 means threads rarely serialize on the cache).
   */
  contended: number;
  /** Live entries now. */
  entries: number;
  /** Native bytes held now: entries (keys, tags, values, node overhead) and hash tables. */
  bytes: number;
  /** `hits / (hits + misses)`; 0 before the first `get`. */
  hitRate: number;
}

/** The wrapped native class (one JS object per handle; the cache itself is process-wide). */
export interface NativeCacheHandle {
  get(key: Float64Array, tag: string): CacheValue | undefined;
  peek(key: Float64Array, tag: string): CacheValue | undefined;
  /** Functions bound to this handle's cache, without per-call unwrap cost (the hot paths). */
  fastMethods(): NativeFastMethods;
  has(key: Float64Array, tag: string): boolean;
  set(key: Float64Array, tag: string, value: CacheValue): boolean;
  delete(key: Float64Array, tag: string): boolean;
  clear(): void;
  purgeExpired(): number;
  clearAsync(): Promise<number>;
  getAsync(key: Float64Array, tag: string): Promise<CacheValue | undefined>;
  purgeExpiredAsync(): Promise<number>;
  stats(): CacheStats;
  options(): ResolvedCacheOptions;
  name(): string;
  debugSetClock(ms: number): void;
  debugAdvanceClock(ms: number): void;
}

/** Hot-path functions bound to one cache (native/binding/cache_fast.h). */
export interface NativeFastMethods {
  /** `1` = value written into `slab` (see slab.ts), else the value itself or `undefined`. */
  get(key: Float64Array, tag: string, slab: ArrayBuffer): number | CacheValue | undefined;
  /** Like `get` without recency or counter changes. */
  peek(key: Float64Array, tag: string, slab: ArrayBuffer): number | CacheValue | undefined;
  has(key: Float64Array, tag: string): boolean;
  set(key: Float64Array, tag: string, value: CacheValue): boolean;
  delete(key: Float64Array, tag: string): boolean;
}

/** Testing hooks accepted by the native constructor. */
export interface NativeCacheTesting {
  /** Keep only this many low bits of every key hash (0 = every key collides). */
  hashBits?: number;
}

/** Native functions and classes of the cache area. */
export interface CacheNative {
  CacheHandle: new (name: string, options?: NativeCacheOptions, testing?: NativeCacheTesting) => NativeCacheHandle;
  cacheDrop(name: string): boolean;
  cacheList(): string[];
  cacheMallocBytes(): number;
  /**
   * Benchmark hook: the cached DB shrink inside the native batch offset, `reps` times, every
   * `missEvery`-th polygon moved below the integer grid before each rep (a real miss); thread CPU
   * ns per rep.
   */
  cacheBenchOffsetBatch(
    handle: NativeCacheHandle,
    coords: Float64Array,
    ringOffsets: Uint32Array,
    ratio: number,
    reps: number,
    missEvery: number,
  ): { cpuNs: number[]; hits: number; misses: number };
  /** Benchmark hook: native threads doing get/set on the shared cache, without JS. */
  cacheBenchThreads(
    handle: NativeCacheHandle,
    threads: number,
    opsPerThread: number,
    hot: number,
    tag: string,
  ): { wallNs: number; cpuNs: number; hits: number };
}

/** The loaded addon, typed for this area. */
export function cacheNative(): CacheNative {
  return getNative<CacheNative>();
}
