// Cache::VisitMany: batched lookups (see cache.h).
#include <algorithm>
#include <cstring>

#include "cache/cache.h"
#include "cache/cache_internal.h"
#include "common/thread_local_ref.h"

namespace opk::cache {

namespace {
constexpr size_t kChunk = 2048;  // keys sorted by shard at a time (indices fit in uint16_t)
constexpr size_t kMaxShards = 1024;
// LRU: a shard with at most this many keys in a chunk is read without its lock, its hits queued
// for the next writer; one with more is locked and its hits relinked in the pipeline, while their
// entries' lines are in this core's caches (the queued relinks fetch them again later). The
// trade, cacheBenchThreads on 1,000 hot keys in batches of 256 (8 keys a shard), CPU per key:
// one thread 62-70 ns locked, 72-73 ns shared; two threads 115-118 ns locked, 87-95 ns shared.
// (Sharing only once a second thread had ever read did not help: thread pools and workers make
// that so in practice, and so does every run of the bench.)
constexpr uint32_t kSharedLruKeys = 16;

inline void PrefetchRead(const void* p) { __builtin_prefetch(p, 0, 3); }
inline void PrefetchWrite(const void* p) { __builtin_prefetch(p, 1, 3); }
}  // namespace

size_t Cache::VisitMany(const KeyView* keys, size_t n, unsigned char* hit, VisitManyFn fn, void* ctx) {
  const size_t shard_count = options_.shards;
  const double now = options_.ttl_ms > 0 ? NowMs() : 0;
  const bool lru = options_.eviction == EvictionPolicy::kLru;
  // Per-thread scratch (~50 KiB: too much for some worker threads' stacks).
  struct Scratch {
    uint64_t hashes[kChunk];
    uint16_t shard_of[kChunk];
    uint16_t order[kChunk];
    uint32_t begin[kMaxShards + 1];
    uint32_t fill[kMaxShards];
    Node* found[kChunk];
    // How this thread holds each shard during the pipeline: kShared or kExclusive.
    uint8_t held[kMaxShards];
    // Keys whose entry was found expired in a shared read: removed after the pipeline.
    uint16_t expired[kChunk];
    // Per shard read shared: the next of the reader slot's queue positions reserved for its keys
    // in this chunk (LRU), and its hits and misses, added to the slot's counters when the
    // pipeline leaves the shard.
    uint32_t queue_next[kMaxShards];
    uint32_t shard_hits[kMaxShards];
    uint32_t shard_misses[kMaxShards];
  };
  Scratch& sc = ThreadLocalRef<Scratch>();
  uint64_t* hashes = sc.hashes;
  uint16_t* shard_of = sc.shard_of;
  uint16_t* order = sc.order;
  uint32_t* begin = sc.begin;
  Node** found = sc.found;
  size_t hits = 0;
  Graveyard dead;
  // A shard is read without its lock (see ReaderSlot) unless a writer holds it when the pipeline
  // enters it; then the pipeline takes the lock. Under LRU a shared read queues its hits in the
  // reader slot as single lookups do (see the pipeline's first stage).
  constexpr uint8_t kShared = 1, kExclusive = 2;
  const size_t slot_index = ReaderSlotIndex();
  uint8_t* held = sc.held;
  uint16_t* expired_keys = sc.expired;
  for (size_t base = 0; base < n; base += kChunk) {
    const size_t m = std::min(kChunk, n - base);
    const KeyView* chunk = keys + base;
    unsigned char* chunk_hit = hit + base;
    size_t n_expired = 0;
    // Counting sort of the chunk's keys by shard (stable: key order within a shard).
    std::fill(begin, begin + shard_count + 1, 0u);
    for (size_t i = 0; i < m; ++i) {
      const uint64_t h = chunk[i].hash & options_.hash_mask;
      hashes[i] = h;
      const size_t sh = static_cast<size_t>((h >> shard_shift_) & (shard_count - 1));
      shard_of[i] = static_cast<uint16_t>(sh);
      ++begin[sh + 1];
    }
    for (size_t sh = 0; sh < shard_count; ++sh) begin[sh + 1] += begin[sh];
    std::memcpy(sc.fill, begin, shard_count * sizeof(uint32_t));
    for (size_t i = 0; i < m; ++i) order[sc.fill[shard_of[i]]++] = static_cast<uint16_t>(i);

    // One software pipeline over the chunk's keys in shard order, each stage kAhead keys behind
    // the one before: (1) take the key's shard lock when the pipeline enters a new shard, fetch
    // the key's home slot; (2) find the first slot with the key's hash and fetch that entry's
    // lines; (3) compare the candidate's key and tag (probing on in full after a hash collision)
    // and, for exact LRU, fetch the list neighbours a hit relinks; (4) expiry, recency, counters,
    // the visitor, and the shard's unlock after its last key. Locks are taken in ascending shard
    // order and a shard stays locked from its first key's stage 1 to its last key's stage 4 (one
    // to three shards at a time): the pipeline never drains between shards.
    constexpr size_t kAhead = 8;
    constexpr size_t kDepth = 3 * kAhead;
    auto shard_at = [&](size_t j) -> Shard& { return shards_[shard_of[order[j]]]; };
    for (size_t t = 0; t < m + kDepth; ++t) {
      if (t < m) {
        Shard& s = shard_at(t);
        if (t == 0 || shard_of[order[t - 1]] != shard_of[order[t]]) {
          // LRU: read shared, a shard reserves a queue position for each of its keys in this
          // chunk at once (written with the entry hit, or null for a miss, in stage 4: no atomic
          // operation per hit). One with more than kSharedLruKeys keys, or whose keys do not all
          // fit in the reader slot's queue, is locked instead.
          const size_t sh = shard_of[order[t]];
          const uint32_t keys_here = begin[sh + 1] - begin[sh];
          ReaderSlot& slot = s.readers[slot_index];
          const bool try_shared = !lru || (keys_here <= kSharedLruKeys && slot.Queue() != nullptr);
          uint8_t mode = kExclusive;
          if (try_shared && s.TryEnterShared(slot_index)) {
            // Inside the shard: no writer applies (and resets) the queue until this thread leaves.
            if (!lru || slot.TryReserve(keys_here, &sc.queue_next[sh])) {
              mode = kShared;
              sc.shard_hits[sh] = 0;
              sc.shard_misses[sh] = 0;
            } else {
              s.LeaveShared(slot_index);
            }
          }
          if (mode == kExclusive) s.LockExclusive();
          held[sh] = mode;
        }
        if (s.slots != nullptr) PrefetchRead(&s.slots[hashes[order[t]] & s.mask]);
      }
      if (t >= kAhead && t - kAhead < m) {
        // The first entry with the key's hash (null: the key is not in the table).
        const size_t j = t - kAhead;
        const Shard& s = shard_at(j);
        const uint64_t h = hashes[order[j]];
        Node* candidate = nullptr;
        if (s.slots != nullptr) {
          const CacheSlot* slots = s.slots;
          for (size_t i = h & s.mask; slots[i].node != nullptr; i = (i + 1) & s.mask) {
            if (slots[i].hash != h) continue;
            candidate = static_cast<Node*>(slots[i].node);
            const char* line = reinterpret_cast<const char*>(candidate);
            // A DB box's entry is 256 bytes from its node (4 lines on the block heap, where nodes
            // are line-aligned; one more where malloc placed it).
            PrefetchRead(line);
            PrefetchRead(line + 64);
            PrefetchRead(line + 128);
            PrefetchRead(line + 192);
            PrefetchRead(line + 255);
            break;
          }
        }
        found[j] = candidate;
      }
      if (t >= 2 * kAhead && t - 2 * kAhead < m) {
        const size_t j = t - 2 * kAhead;
        Node* nd = found[j];
        if (nd != nullptr) {
          // Usually the candidate is the entry; on a hash collision, probe on in full.
          const KeyView& key = chunk[order[j]];
          if (!nd->Holds(key)) {
            nd = FindLocked(shard_at(j), key, hashes[order[j]], /*prefetch=*/false);
            found[j] = nd;
          }
        }
        if (nd != nullptr && lru) {
          PrefetchWrite(nd->prev);  // the list neighbours a locked relink writes (a hint only)
          PrefetchWrite(nd->next);
        }
      }
      if (t >= kDepth) {
        const size_t j = t - kDepth;
        Shard& s = shard_at(j);
        const size_t i = order[j];
        Node* nd = found[j];
        // A duplicate key in the chunk may meet an entry an earlier copy found expired (removed).
        if (nd != nullptr && nd->next == nullptr) nd = nullptr;
        const bool is_shared = held[shard_of[i]] == kShared;
        if (nd != nullptr && nd->expires_at <= now) {
          if (is_shared) {
            expired_keys[n_expired++] = static_cast<uint16_t>(i);  // removed below, under the lock
          } else {
            RemoveLocked(s, nd);
            s.expirations += 1;
            dead.Add(nd);
          }
          nd = nullptr;
        }
        const size_t sh = shard_of[i];
        if (is_shared && lru) {
          // This key's reserved queue position: the entry hit, or null (skipped when applied).
          const uint32_t pos = sc.queue_next[sh]++;
          s.readers[slot_index].queue.load(std::memory_order_relaxed)->entries[pos].store(nd, std::memory_order_relaxed);
        }
        if (nd == nullptr) {
          if (is_shared) {
            sc.shard_misses[sh] += 1;
          } else {
            s.misses += 1;
          }
          chunk_hit[i] = 0;
        } else {
          if (!is_shared) {
            MarkUsedLocked(s, nd);  // LRU: the relink; CLOCK: the mark
            s.hits += 1;
          } else {
            if (!lru) MarkUsedLocked(s, nd);  // CLOCK: the mark (LRU: queued above)
            sc.shard_hits[sh] += 1;
          }
          ++hits;
          chunk_hit[i] = fn(base + i, nd->value_ref(), ctx) ? 1 : 0;
        }
        if (j + 1 == m || shard_of[order[j + 1]] != sh) {
          if (is_shared) {
            ReaderSlot& slot = s.readers[slot_index];
            if (sc.shard_hits[sh] != 0) slot.hits.fetch_add(sc.shard_hits[sh], std::memory_order_relaxed);
            if (sc.shard_misses[sh] != 0) slot.misses.fetch_add(sc.shard_misses[sh], std::memory_order_relaxed);
            s.LeaveShared(slot_index);
          } else {
            s.mu.unlock();
          }
        }
      }
    }
    // Entries that shared reads found expired: removed now as a locked lookup would have (a
    // duplicate key's copy finds the entry already gone). Their misses are counted above.
    for (size_t e = 0; e < n_expired; ++e) {
      const size_t i = expired_keys[e];
      Shard& s = shards_[shard_of[i]];
      ShardLock<Shard> lock(s);
      Node* nd = FindLocked(s, chunk[i], hashes[i], /*prefetch=*/false);
      if (nd != nullptr && nd->expires_at <= now) {
        RemoveLocked(s, nd);
        s.expirations += 1;
        dead.Add(nd);
      }
    }
  }
  dead.Release<Node>();  // entries found expired, freed with no lock held
  return hits;
}

}  // namespace opk::cache
