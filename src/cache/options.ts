/** Options of a named polygon cache, validated with zod before they reach native code. */
import { z } from 'zod';
import { parseOptions } from '../validation/options';

const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

/**
 * Schema of {@link CacheOptions}. Every field is optional: an omitted field takes the native
 * default when the cache is created, and is not compared when an existing cache is re-opened.
 */
export const cacheOptionsSchema = z
  .object({
    /**
     * Byte budget of the whole cache (all threads together): keys, tags, values, per-entry node
     * overhead and the hash tables, as charged by the allocator. Entries are evicted in
     * `eviction` order (see `shards`) to stay under it: after any `set` returns, `stats().bytes <= maxBytes`; while
     * several threads insert at once it may be exceeded by at most one in-flight entry per
     * thread. Default 64 MiB (67108864).
     */
    maxBytes: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    /** Maximum number of entries; 0 (the default) = no limit. */
    maxEntries: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    /**
     * Largest entry (key + tag + value + overhead, in bytes) that is stored. Larger results are
     * still returned by `getOrCompute`, just not stored, and `set` returns `false`. Must not
     * exceed `maxBytes`. Default: `maxBytes`.
     */
    maxEntrySize: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    /**
     * Time to live of an entry in milliseconds, counted from its `set`; expired entries read as
     * misses and are removed when touched (or by `purgeExpired()`). 0 (the default) = never.
     */
    ttl: z.number().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    /**
     * Number of lock shards (a power of two in [1, 1024]); each has its own lock and eviction
     * list (see `eviction`). Across shards the order is approximate: when the budget is exceeded
     * the inserting shard evicts first, then the others in turn. `1` gives one global order at
     * the price of one lock. Default 32.
     */
    shards: z
      .number()
      .int()
      .min(1)
      .max(1024)
      .refine(isPowerOfTwo, { message: 'expected a power of two' })
      .optional(),
    /**
     * Eviction order within a shard. `'lru'` (the default): least recently used — a `get` (or a
     * hit inside native code) moves its entry to the front. Exact within one thread; when several
     * threads read at once, each thread's hits since the shard's last store are applied as one
     * run, in that thread's order. `'clock'`: second chance — a hit only marks its entry;
     * eviction takes the oldest entry if unmarked, else unmarks it and re-queues it at the front.
     * Read entries still outlive unread ones and unread entries still go oldest first, but read
     * entries are re-queued in the order eviction meets them, not the order they were read.
     *
     * Under both, a `get`, `peek` or `has` takes no lock: stores, deletes and evictions still do.
     * Under `'lru'` a hit queues its entry (up to 128 per thread and shard, in a 1 KiB queue that
     * the thread's first hit in the shard allocates, outside `maxBytes`) and the next store
     * moves the queued entries to the front, which writes to their list neighbours' memory while
     * other threads read it; under `'clock'` a hit writes nothing other threads read, and the
     * lookups inside native code (`makeDbTargets`, the geometry functions' batches) take no lock
     * either (under `'lru'` they queue their hits where a call has at most 16 keys in a shard,
     * and lock the shard where it has more). So `'clock'` scales best when worker threads
     * read the same entries concurrently (`npm run bench -- cache`, native lookups on 1,000 hot
     * keys, CPU per lookup from one thread to two on the 2-core bench machine: `'lru'` 68 →
     * 113–125 ns, `'clock'` 58–61 → 59–60 ns; in batches of 64, `'lru'` 62–66 → 94–104 ns,
     * `'clock'` 59–68 → 60–74 ns), and its hits are cheaper in hot native lookup loops (no
     * relinking of list neighbours: ~15 ns less per hit with 20,000 entries on the bench machine).
     */
    eviction: z.enum(['lru', 'clock']).optional(),
  })
  .strict()
  .refine((o) => o.maxEntrySize === undefined || o.maxBytes === undefined || o.maxEntrySize <= o.maxBytes, {
    message: 'expected maxEntrySize <= maxBytes',
    path: ['maxEntrySize'],
  });

/** Options of {@link getCache}. See {@link cacheOptionsSchema} for each field. */
export type CacheOptions = z.input<typeof cacheOptionsSchema>;

/**
 * Validates cache options: a wrong type or unknown key throws `OcrPerfkitTypeError`
 * `ERR_INVALID_ARGUMENT`, an unacceptable value `OcrPerfkitRangeError` `ERR_OUT_OF_RANGE`.
 */
export function parseCacheOptions(options: unknown, where = 'cache'): z.output<typeof cacheOptionsSchema> {
  return parseOptions(cacheOptionsSchema, options ?? {}, where);
}
