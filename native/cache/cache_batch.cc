// Cache::VisitMany: batched lookups (see cache.h).
#include <algorithm>
#include <cstring>

#include "cache/bytes_equal.h"
#include "cache/cache.h"
#include "cache/cache_internal.h"

namespace opk::cache {

namespace {
constexpr size_t kChunk = 2048;  // keys sorted by shard at a time (indices fit in uint16_t)
constexpr size_t kMaxShards = 1024;

inline void PrefetchRead(const void* p) { __builtin_prefetch(p, 0, 3); }
inline void PrefetchWrite(const void* p) { __builtin_prefetch(p, 1, 3); }

// Whether the entry's bytes `b` (key, then tag; sizes already equal) hold `key`. The key of a
// one-ring quad with one parameter (88 bytes) and the offset tag (40 bytes) are the sizes of the
// batch offset's lookups: compared by unrolled code (the same comparison).
inline bool KeyAndTagEqual(const unsigned char* b, const KeyView& key) {
  const auto* k = static_cast<const unsigned char*>(key.data);
  const auto* t = reinterpret_cast<const unsigned char*>(key.tag.data());
  if (key.size == 88 && key.tag.size() == 40) return BytesEqual(b, k, 88) && BytesEqual(b + 88, t, 40);
  return BytesEqual(b, k, key.size) && BytesEqual(b + key.size, t, key.tag.size());
}
}  // namespace

size_t Cache::VisitGroupLocked(Shard& s, const KeyView* keys, const uint64_t* hashes, const uint16_t* idx, size_t k,
                               double now, unsigned char* hit, size_t index_base, VisitManyFn fn, void* ctx,
                               void* graveyard, Node** found_scratch) {
  Graveyard& dead = *static_cast<Graveyard*>(graveyard);
  if (s.slots == nullptr) {
    for (size_t j = 0; j < k; ++j) hit[idx[j]] = 0;
    s.misses += k;
    return 0;
  }
  const size_t mask = s.mask;
  const CacheSlot* slots = s.slots;
  const bool lru = options_.eviction == EvictionPolicy::kLru;
  // A software pipeline over the group's keys, kAhead keys apart per stage: fetch key t's home
  // slot; find key t - kAhead's first slot with a matching hash (almost always its entry) and
  // fetch that entry's first lines; look key t - 2 kAhead up in full (key bytes and tag
  // compared) and, for exact LRU, fetch the list neighbours a hit will relink, for writing.
  constexpr size_t kAhead = 8;
  Node** found = found_scratch;
  for (size_t t = 0; t < k + 2 * kAhead; ++t) {
    if (t < k) PrefetchRead(&slots[hashes[idx[t]] & mask]);
    if (t >= kAhead && t - kAhead < k) {
      // The first entry with the key's hash (null: the key is not in the table).
      const size_t j = t - kAhead;
      const uint64_t h = hashes[idx[j]];
      Node* candidate = nullptr;
      for (size_t i = h & mask; slots[i].node != nullptr; i = (i + 1) & mask) {
        if (slots[i].hash != h) continue;
        candidate = static_cast<Node*>(slots[i].node);
        const char* line = reinterpret_cast<const char*>(candidate);
        PrefetchRead(line);
        PrefetchRead(line + 64);
        PrefetchRead(line + 128);
        PrefetchRead(line + 192);
        PrefetchRead(line + 256);
        PrefetchRead(line + 320);
        break;
      }
      found[j] = candidate;
    }
    if (t >= 2 * kAhead) {
      const size_t j = t - 2 * kAhead;
      Node* n = found[j];
      if (n != nullptr) {
        // Usually the candidate is the entry; on a hash collision, probe on in full.
        const KeyView& key = keys[idx[j]];
        if (n->key_size != key.size || n->tag_size != key.tag.size() || !KeyAndTagEqual(n->bytes(), key)) {
          n = FindLocked(s, key, hashes[idx[j]], /*prefetch=*/false);
          found[j] = n;
        }
      }
      if (n != nullptr && lru) {
        PrefetchWrite(n->prev);
        PrefetchWrite(n->next);
      }
    }
  }
  // Then, in key order: expiry, recency, counters, the visitor.
  size_t hits = 0;
  for (size_t j = 0; j < k; ++j) {
    const size_t i = idx[j];
    Node* n = found[j];
    // A duplicate key in the batch may meet an entry an earlier copy found expired (and removed).
    if (n != nullptr && n->next == nullptr) n = nullptr;
    if (n != nullptr && n->expires_at <= now) {
      RemoveLocked(s, n);
      s.expirations += 1;
      dead.Add(n);
      n = nullptr;
    }
    if (n == nullptr) {
      s.misses += 1;
      hit[i] = 0;
      continue;
    }
    MarkUsedLocked(s, n);
    s.hits += 1;
    ++hits;
    hit[i] = fn(index_base + i, n->value_ref(), ctx) ? 1 : 0;
  }
  return hits;
}

size_t Cache::VisitMany(const KeyView* keys, size_t n, unsigned char* hit, VisitManyFn fn, void* ctx) {
  const size_t shard_count = options_.shards;
  const double now = options_.ttl_ms > 0 ? NowMs() : 0;
  // Per-thread scratch (~40 KiB: too much for some worker threads' stacks).
  struct Scratch {
    uint64_t hashes[kChunk];
    uint16_t shard_of[kChunk];
    uint16_t order[kChunk];
    uint32_t begin[kMaxShards + 1];
    uint32_t fill[kMaxShards];
    Node* found[kChunk];
  };
  thread_local Scratch tls_scratch;
  Scratch& sc = tls_scratch;
  uint64_t* hashes = sc.hashes;
  uint16_t* shard_of = sc.shard_of;
  uint16_t* order = sc.order;
  uint32_t* begin = sc.begin;
  size_t hits = 0;
  for (size_t base = 0; base < n; base += kChunk) {
    const size_t m = std::min(kChunk, n - base);
    const KeyView* chunk = keys + base;
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
    for (size_t sh = 0; sh < shard_count; ++sh) {
      const size_t k = begin[sh + 1] - begin[sh];
      if (k == 0) continue;
      Shard& s = shards_[sh];
      Graveyard dead;
      {
        ShardLock<Shard> lock(s);
        hits += VisitGroupLocked(s, chunk, hashes, order + begin[sh], k, now, hit + base, base, fn, ctx,
                                 &dead, sc.found);
      }
      dead.Release<Node>();
    }
  }
  return hits;
}

}  // namespace opk::cache
