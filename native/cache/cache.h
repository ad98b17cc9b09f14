// Process-wide polygon cache: a sharded LRU (exact, or second-chance CLOCK by option) keyed by exact bytes + a tag,
// with byte accounting.
//
// ---------------------------------------------------------------------------------------------
// C++ API for other native areas (geometry's batch offset, targets' makeDbTargets):
//
//   #include "cache/registry.h"   // OpenCache / FindCache: named caches shared by all threads
//   #include "cache/cache.h"
//
//   std::shared_ptr<opk::cache::Cache> cache = ...;            // held by the caller's options
//   // One key per polygon: the exact coordinate bytes plus a tag naming the operation and its
//   // parameters (e.g. "offset:d=1.5;join=round;end=polygon;miter=2;arc=0.25").
//   opk::cache::KeyView key = opk::cache::KeyView::Make(coords, n_coords * sizeof(double), tag);
//   if (opk::cache::ValuePtr hit = cache->Get(key)) {
//     for (size_t i = 0; i < hit->count(); ++i) {
//       opk::cache::ArrayRef a = hit->array(i);               // a.type, a.data, a.length
//       ...                                                   // copy out; `hit` stays valid
//     }
//   } else {
//     ... compute into out_xy (n_out doubles) ...
//     opk::cache::ArraySpan arrays[] = {{opk::cache::ElementType::kFloat64, out_xy, n_out}};
//     cache->PutArrays(key, arrays, 1, /*is_list=*/true);          // copies into the entry
//   }
// (Put(key, ValuePtr) does the same from an existing CachedValue.)
//
// For polygon batches, native/cache/flat_rings.h has the pieces: PolygonKeyBatch (keys = per-
// polygon params + ring structure + coordinates, for VisitMany) and Put/ViewFlatRings (value =
// [Float64 coords, Uint32 ring offsets], which JS reads as such). A binding gets the
// shared_ptr<Cache> behind a JS `cache` option with opk::binding::CacheHandle::CacheFromValue
// (native/binding/cache_handle.h), on the JS thread, and hands it to its AsyncWorker.
//
// Threading: every method is thread-safe and may be called from any thread (worker threads,
// AsyncWorker pool threads, a geometry thread pool) without the JS engine. A call locks one
// shard lock (Clear/Stats/PurgeExpired lock each shard in turn), except VisitMany, which holds
// the locks of up to a few shards at once, always taken in ascending shard order (so no two
// callers can deadlock); only Visit, VisitOrGet, PeekOrVisit and VisitMany run caller code
// under a lock. Get/Visit/VisitOrGet/Peek/PeekOrVisit/Has run as shared reads instead, and so
// does VisitMany in each shard under EvictionPolicy::kClock, and under kLru in each shard with
// at most 16 of its keys (it removes the expired entries it met after its pipeline, under the
// lock): no lock, only this thread's reader counter in the shard; a writer
// (Put, Delete, eviction, expiry) takes the lock and waits for the readers inside to leave
// (cache_internal.h, ReaderSlot). Under kLru a shared hit queues its entry in this thread's
// reader slot's queue (128 at most; 1 KiB, allocated by the slot's first LRU hit in the shard and
// not charged to max_bytes), and the next writer moves the queued entries to the front in hit
// order (a full queue sends the hit through the lock, which applies the queue first): the order
// is the one a relink per hit gives for one thread, and each thread's hits are applied as one
// run between threads. Threads reading the same hot entries then share no written cache line
// but the entries' list links, which the writer relinks in batches. VisitMany reserves a queue
// position per key of a shard it reads shared under kLru; a shard with more keys (or too little
// room left in the queue) it locks, relinking its hits in the pipeline while their entries are
// in this core's caches.
// KeyView::Make hashes once: reuse the same KeyView for the Get and the Put of one item.
// Values are immutable once published; the ValuePtr a reader holds stays valid after eviction.
// Cost: a Get of a 100-byte key ≈ hash (~10 ns) + one uncontended spin-lock acquisition (one
// atomic exchange) + an open-addressing probe that compares stored hashes, then the full key;
// a hit queues the entry's move to the front of its shard's list (LRU) or only writes its
// second-chance mark (CLOCK). On a large cache the entry's memory dominates: VisitMany overlaps
// those fetches across a batch of keys (see bench/RESULTS.md, "cached DB shrink inside the batch
// offset").
//
// Semantics: keys compare by exact bytes (so +0.0 and -0.0, or coordinates one ulp apart, are
// different keys) and exact tag; the 64-bit hash only finds candidates, so a hash collision can
// never return another key's value. The JS API rejects non-finite coordinates before they get
// here; the C++ API accepts any bytes.
// ---------------------------------------------------------------------------------------------
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "cache/value.h"
#include "common/status.h"

namespace opk::cache {

// How a shard chooses what to evict.
enum class EvictionPolicy : uint8_t {
  // Least-recently-used order within a shard: a hit moves its entry to the front of the shard's
  // recency list (at the next write to the shard, in hit order: see Threading above), touching
  // the two list neighbours' memory. Exact for one thread; between threads, each thread's hits
  // since the last write count as one run.
  kLru,
  // Second chance (CLOCK): a hit only sets a mark on the entry; eviction re-queues marked entries
  // at the front (unmarking them) and evicts the first unmarked one from the back. Read entries
  // still outlive unread ones, but are re-queued in the order eviction meets them rather than the
  // order they were read. Cheaper hits (no relinking) for hot lookup loops, and lookups (single
  // and batched) run without the shard lock (see Threading above) and write no list links, so
  // they scale best across threads.
  kClock,
};

// Limits and behaviour of one cache, fixed at creation.
struct CacheOptions {
  // Byte budget over everything the cache allocates: entry nodes (header + key + tag), values
  // (object + payload blocks) and the hash tables' bucket arrays, as charged by the allocator.
  uint64_t max_bytes = 64ull << 20;
  // Maximum number of entries; 0 = no limit.
  uint64_t max_entries = 0;
  // Largest single entry (node + value charge) that is stored; larger ones are rejected by Put
  // (counted in `rejected`). 0 = max_bytes.
  uint64_t max_entry_size = 0;
  // Time to live in milliseconds from the Put; 0 = entries never expire.
  double ttl_ms = 0;
  // Number of lock shards: a power of two in [1, 1024]. Eviction order is per shard (see
  // Cache::Get); 1 gives one global order.
  uint32_t shards = 32;
  // Eviction order within a shard (see EvictionPolicy).
  EvictionPolicy eviction = EvictionPolicy::kLru;
  // Testing only: AND-ed into every key hash (0 forces every key into one bucket, i.e. all
  // keys collide). Lookups stay correct because keys are compared in full.
  uint64_t hash_mask = ~0ull;
};

// Validates ranges (max_bytes >= 1, shards a power of two, ttl finite >= 0, ...).
Status ValidateOptions(const CacheOptions& options);

// Counters since creation (never reset). entries/bytes are current values.
struct CacheStats {
  uint64_t hits = 0;         // Get found a live entry
  uint64_t misses = 0;       // Get found nothing (or only an expired entry)
  uint64_t sets = 0;         // Put calls that stored a value (new or replacing)
  uint64_t evictions = 0;    // entries removed to respect max_bytes / max_entries
  uint64_t expirations = 0;  // entries removed because their TTL had passed
  uint64_t deletes = 0;      // entries removed by Delete
  uint64_t rejected = 0;     // Put calls refused because the entry exceeded max_entry_size
  uint64_t contended = 0;    // shard-lock acquisitions that waited for another thread
  uint64_t entries = 0;      // live entries now
  uint64_t bytes = 0;        // bytes charged now (see CacheOptions::max_bytes)
  double hit_rate = 0;       // hits / (hits + misses), 0 when no Get yet
};

// A lookup key: bytes + tag + their hash. Does not own the memory it points at.
struct KeyView {
  const void* data = nullptr;
  size_t size = 0;
  std::string_view tag;
  uint64_t hash = 0;

  static KeyView Make(const void* data, size_t size, std::string_view tag);
  // Same key, with the tag's hash precomputed by TagHash(tag) (for loops that reuse one tag).
  static KeyView Make(const void* data, size_t size, std::string_view tag, uint64_t tag_hash);
  static uint64_t TagHash(std::string_view tag);
};

enum class PutResult {
  kInserted,  // new entry
  kReplaced,  // an entry with the same key was replaced
  kRejected,  // larger than max_entry_size: not stored (any old entry for the key is removed)
  kInvalid,   // key or tag longer than 4 GiB, or a null value: not stored
  kNoMemory,  // allocation failed: not stored
};

class Cache {
 public:
  // Use OpenCache (registry.h) to get shared named caches; direct construction gives a private
  // cache (tests, or a component that wants its own). `options` must pass ValidateOptions.
  Cache(std::string name, const CacheOptions& options);
  ~Cache();
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;

  // The value stored under `key`, or null. Marks the entry used (EvictionPolicy); counts a hit
  // or a miss. An expired entry is removed (counted in expirations) and reported as a miss.
  //
  // Eviction order (per shard), options().eviction:
  // - kLru: least recently used; a hit moves the entry to the front of the list (exact for one
  //   thread; see Threading above for hits from several threads).
  // - kClock (second chance): entries sit in a list in the order they were stored; a hit only
  //   sets the entry's `referenced` mark (it does not move the entry, which would write to two
  //   other entries' memory on every hit); eviction looks at the oldest entry and evicts it if
  //   unmarked, else unmarks it, moves it to the front and looks at the next. So an entry read
  //   since it was last considered always outlives the unread ones, and unread entries go
  //   oldest first (exact LRU when nothing is read). It differs from exact LRU in that marked
  //   entries are re-queued in the order eviction meets them, not in the order they were read.
  ValuePtr Get(const KeyView& key);
  // Like Get, but instead of returning a reference-counted pointer, calls fn(value, ctx) while
  // the shard lock is held (saves the two atomic refcount updates of a ValuePtr copy: for tight
  // per-polygon loops that copy the result out right away). fn must be short and must not call
  // into this cache (it would deadlock). Returns true on a hit (fn was called).
  bool Visit(const KeyView& key, void (*fn)(const CachedValue& value, void* ctx), void* ctx);
  // Get and Visit in one lookup: calls fn(value, ctx) as Visit does; when fn returns false (it
  // could not use the value in place, e.g. too large for the caller's buffer), returns a
  // reference to the value as Get would. Null when fn used the value or on a miss; *hit says
  // which. Counts one hit or miss. Lets the JS get copy small values out without touching the
  // value's reference count, a cache line that threads reading one hot entry would share.
  ValuePtr VisitOrGet(const KeyView& key, bool (*fn)(const CachedValue& value, void* ctx), void* ctx, bool* hit);
  // Like VisitOrGet without changing recency or the hit/miss counters (Peek's form).
  ValuePtr PeekOrVisit(const KeyView& key, bool (*fn)(const CachedValue& value, void* ctx), void* ctx, bool* hit);
  // Batch form of Visit for keys[0, n): for each live entry calls fn(i, value, ctx) inside its
  // shard (the same rules as Visit's fn); hit[i] is set to what fn returned (true: the value was
  // used), 0 for a miss. The keys are grouped by shard and looked up in one software pipeline
  // that runs across the groups (each shard entered once, read shared or locked, from its group's
  // first key to its last: see the threading note above), with the memory fetches of successive
  // keys overlapped (table slots, entries and, for LRU under the lock, the list neighbours a hit
  // relinks), so a lookup costs a fraction of a Visit on a large cache.
  // Recency, counters and expiry are those of n Visit calls made shard by shard, in key order
  // within a shard. Returns the number of entries found.
  using VisitManyFn = bool (*)(size_t index, const ValueRef& value, void* ctx);
  size_t VisitMany(const KeyView* keys, size_t n, unsigned char* hit, VisitManyFn fn, void* ctx);
  // Like Get without changing recency or the hit/miss counters.
  ValuePtr Peek(const KeyView& key);
  // Whether a live entry exists; no recency or counter change.
  bool Has(const KeyView& key);
  // Stores a copy of `value`'s arrays under `key` (copying the key bytes and tag) at the front of
  // its shard's list, unmarked, with a fresh TTL; then evicts entries (see Get) until the budgets
  // hold again. Each entry is one allocation (node, key, tag, value), so Get returns that copy, not
  // `value` itself. Null -> kInvalid.
  PutResult Put(const KeyView& key, const ValuePtr& value);
  // Same, from arrays (no intermediate CachedValue): the JS set path and PutFlatRings use it.
  PutResult PutArrays(const KeyView& key, const ArraySpan* arrays, size_t count, bool is_list);
  // A hint before a Put of `key` that will come a while later (e.g. after computing the value):
  // starts fetching the memory that Put's eviction is likely to touch (the back of the key's
  // shard list). Takes the shard lock only if it is free; changes nothing.
  void PrefetchForPut(const KeyView& key);
  // Removes the entry; true if there was one.
  bool Delete(const KeyView& key);
  // Removes every entry and frees the hash tables. Counters are kept.
  void Clear();
  // Removes expired entries now (they are otherwise removed when touched or evicted).
  uint64_t PurgeExpired();
  CacheStats Stats() const;

  const std::string& name() const { return name_; }
  const CacheOptions& options() const { return options_; }

  // Testing: walks every shard's recency list under its lock: null when each list is well linked
  // and holds exactly the shard's entries, each once, each found in the table; else what is wrong.
  const char* CheckListsForTesting();
  // Testing: switch this cache to a manual clock reading `now_ms`, or advance it. TTL checks use
  // the manual time from then on (there is no way back to the steady clock).
  void SetManualClock(double now_ms);
  void AdvanceManualClock(double delta_ms);

 private:
  struct Node;
  struct Shard;

  Shard& ShardFor(uint64_t hash) const;
  enum class SharedResult { kHit, kMiss, kNeedLock };
  // VisitOrGet (count: a hit or miss is counted, recency and expiry as Get) and PeekOrVisit.
  ValuePtr VisitOrTake(const KeyView& key, bool (*fn)(const CachedValue& value, void* ctx), void* ctx, bool* hit,
                       bool count);
  template <typename OnHit>
  SharedResult LookupShared(Shard& s, const KeyView& key, uint64_t hash, double now, bool count, OnHit&& on_hit);
  double NowMs() const;
  bool OverBudget() const;
  void EvictGlobally(size_t start_shard);
  // Under the shard lock: unlink + free, adjusting counters.
  void RemoveLocked(Shard& s, Node* n);
  Node* VictimLocked(Shard& s, Node* keep);
  // A hit on `n`: LRU moves it to the front of its shard's list, CLOCK marks it.
  void MarkUsedLocked(Shard& s, Node* n);
  // Under the shard lock, for Get/Visit: the live entry for `key` (a hit: marked used and
  // counted), or null (a miss, counted). An expired entry it finds is unlinked and handed back
  // in *expired, to be freed after the lock is released.
  Node* HitLocked(Shard& s, const KeyView& key, uint64_t hash, double now, Node** expired);
  // `prefetch`: fetch the entry's lines at once when its hash matches (off when the caller has
  // already fetched them).
  Node* FindLocked(Shard& s, const KeyView& key, uint64_t hash, bool prefetch = true) const;
  // Put with the value built by `fill(value, ctx)` in the entry's allocation.
  PutResult PutImpl(const KeyView& key, const ArrayShape* shapes, size_t count, bool is_list,
                    void (*fill)(CachedValue& value, void* ctx), void* ctx);

  const std::string name_;
  const CacheOptions options_;
  const uint64_t max_entry_size_;
  const uint32_t shard_shift_;
  Shard* shards_;
  // Written by every Put/eviction: kept off the cache line of the read-mostly fields above, which
  // every Get reads (false sharing would slow readers on other cores).
  alignas(64) std::atomic<int64_t> total_bytes_{0};
  std::atomic<int64_t> total_entries_{0};
  alignas(64) std::atomic<bool> manual_clock_{false};
  std::atomic<double> manual_now_ms_{0};
};

}  // namespace opk::cache
