// Stress test of the cache's shared reads (lookups without the shard lock, see
// native/cache/cache_internal.h, ReaderSlot), built and run by
// scripts/stress-cache-shared-reads.sh under ThreadSanitizer and under UBSan. Threads look keys
// up in every way (Get, Visit, VisitOrGet, PeekOrVisit, Peek, Has, VisitMany) while the same
// threads store, replace, delete and (through a small byte budget and a short TTL on a manual
// clock) evict and expire entries of the same few shards; two last rounds read an LRU cache
// almost only, so its queued hits fill their reader slots' queues, the second with more threads
// than reader slots (threads sharing a slot, and its queue). Checks: every value found is the one
// derived from its key (a read of a freed or half-written entry would show as a wrong value,
// and TSan reports the race), the hit and miss counters add up to the counted lookups made, and
// every recency list holds exactly its shard's entries (Cache::CheckListsForTesting).
//   cache_shared_read_stress [threads=4] [operations per thread=200000]
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "cache/cache.h"
#include "cache/cache_internal.h"  // kReaderSlots

namespace {

using opk::cache::ArrayRef;
using opk::cache::ArraySpan;
using opk::cache::Cache;
using opk::cache::CachedValue;
using opk::cache::CacheOptions;
using opk::cache::ElementType;
using opk::cache::EvictionPolicy;
using opk::cache::KeyView;
using opk::cache::ValuePtr;
using opk::cache::ValueRef;

constexpr int kValueLength = 12;
constexpr char kTag[] = "stress";

std::atomic<long> g_errors{0};

void Fail(const char* what, double k) {
  if (g_errors.fetch_add(1) < 10) std::fprintf(stderr, "cache_shared_read_stress: %s (key %.0f)\n", what, k);
}

// The value stored under key k: kValueLength doubles k * 3 + i.
bool ValueMatches(const double* v, size_t length, double k) {
  if (length != kValueLength) return false;
  for (int i = 0; i < kValueLength; ++i) {
    if (v[i] != k * 3 + i) return false;
  }
  return true;
}

bool CheckValue(const CachedValue& value, double k) {
  if (value.count() != 1) return false;
  const ArrayRef a = value.array(0);
  return a.type == ElementType::kFloat64 && ValueMatches(static_cast<const double*>(a.data), a.length, k);
}

struct Counts {
  uint64_t counted = 0;  // lookups that count a hit or a miss
};

// read_mostly: lookups of every kind, a store now and then, no delete, clock advance or clear
// (LRU: the queued hits fill their reader slots and the locked path applies them).
void Worker(Cache& cache, int id, long ops, uint64_t key_space, bool read_mostly, Counts* counts) {
  uint64_t seed = 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(id + 1);
  auto next = [&seed]() {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  double key[4] = {0, 1.5, -2, 0.25};
  double value[kValueLength];
  double batch_keys[16][4];
  for (long op = 0; op < ops; ++op) {
    const uint64_t r = next();
    const double k = static_cast<double>(r % key_space);
    key[0] = k;
    const KeyView kv = KeyView::Make(key, sizeof key, kTag);
    uint64_t kind = (r >> 32) % 16;
    if (read_mostly && kind >= 9) kind = kind == 9 && (r >> 52) % 8 == 0 ? 9 : (r >> 48) % 9;
    if (read_mostly && kind == 8 && (r >> 44) % 2 == 0) kind = 12;  // VisitMany too
    switch (kind) {
      case 0:
      case 1:
      case 2: {
        const ValuePtr v = cache.Get(kv);
        counts->counted += 1;
        if (v && !CheckValue(*v, k)) Fail("Get returned a wrong value", k);
        if (!v) {
          for (int i = 0; i < kValueLength; ++i) value[i] = k * 3 + i;
          const ArraySpan span{ElementType::kFloat64, value, kValueLength};
          cache.PutArrays(kv, &span, 1, false);
        }
        break;
      }
      case 3:
      case 4:
      case 5: {
        struct Ctx {
          double k;
          bool ok;
        } ctx{k, false};
        const bool hit = cache.Visit(
            kv, [](const CachedValue& v, void* c) { static_cast<Ctx*>(c)->ok = CheckValue(v, static_cast<Ctx*>(c)->k); },
            &ctx);
        counts->counted += 1;
        if (hit && !ctx.ok) Fail("Visit saw a wrong value", k);
        break;
      }
      case 6:
      case 7: {
        // Copy out, or (every other key) decline and take a reference, as the JS get does.
        struct Ctx {
          double k;
          bool ok;
        } ctx{k, false};
        bool hit = false;
        auto fn = [](const CachedValue& v, void* c) {
          Ctx& x = *static_cast<Ctx*>(c);
          x.ok = CheckValue(v, x.k);
          return static_cast<uint64_t>(x.k) % 2 == 0;
        };
        const bool peek = (r >> 40) % 2 == 0;
        const ValuePtr v = peek ? cache.PeekOrVisit(kv, fn, &ctx, &hit) : cache.VisitOrGet(kv, fn, &ctx, &hit);
        if (!peek) counts->counted += 1;
        if (hit && !ctx.ok) Fail("VisitOrGet saw a wrong value", k);
        if (hit && (static_cast<uint64_t>(k) % 2 == 0) == static_cast<bool>(v)) Fail("VisitOrGet: reference when the value was used, or none when declined", k);
        if (v && !CheckValue(*v, k)) Fail("VisitOrGet returned a wrong value", k);
        break;
      }
      case 8: {
        const ValuePtr v = cache.Peek(kv);
        if (v && !CheckValue(*v, k)) Fail("Peek returned a wrong value", k);
        cache.Has(kv);
        break;
      }
      case 9:
      case 10: {
        for (int i = 0; i < kValueLength; ++i) value[i] = k * 3 + i;
        const ArraySpan span{ElementType::kFloat64, value, kValueLength};
        cache.PutArrays(kv, &span, 1, false);  // a new entry or a replacement
        break;
      }
      case 11:
        cache.Delete(kv);
        break;
      case 12: {
        KeyView keys[16];
        unsigned char hit[16];
        for (int i = 0; i < 16; ++i) {
          std::memcpy(batch_keys[i], key, sizeof key);
          batch_keys[i][0] = static_cast<double>(next() % key_space);
          keys[i] = KeyView::Make(batch_keys[i], sizeof key, kTag);
        }
        struct Ctx {
          double (*keys)[4];
          bool ok = true;
        } ctx{batch_keys};
        cache.VisitMany(
            keys, 16, hit,
            [](size_t i, const ValueRef& v, void* c) {
              Ctx& x = *static_cast<Ctx*>(c);
              const double kk = x.keys[i][0];
              if (v.count != 1 || !ValueMatches(static_cast<const double*>(v.array(0).data), v.array(0).length, kk)) x.ok = false;
              return true;
            },
            &ctx);
        counts->counted += 16;
        if (!ctx.ok) Fail("VisitMany saw a wrong value", k);
        break;
      }
      case 13:
        if (id == 0 && (r >> 20) % 64 == 0) cache.AdvanceManualClock(25);  // now and then, expire all entries stored before the last advance
        break;
      case 14:
        if ((r >> 20) % 256 == 0) cache.PurgeExpired();
        break;
      default:
        if ((r >> 20) % 4096 == 0) cache.Clear();
        (void)cache.Stats();
        break;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 4;
  const long ops = argc > 2 ? std::atol(argv[2]) : 200000;
  const char* names[] = {"clock", "lru", "lru, read-mostly", "lru, read-mostly, threads sharing reader slots"};
  for (int round = 0; round < 4; ++round) {
    const bool read_mostly = round >= 2;
    // The last round runs more threads than there are reader slots, so some share a slot (and
    // race to install its queue of hits).
    const int round_threads = round == 3 ? threads + static_cast<int>(opk::cache::kReaderSlots) : threads;
    CacheOptions o;
    o.eviction = round == 0 ? EvictionPolicy::kClock : EvictionPolicy::kLru;
    o.max_bytes = read_mostly ? 4 * 1024 * 1024 : 48 * 1024;  // else a few hundred entries: constant eviction
    o.shards = 2;             // few shards: readers and writers meet in the same ones
    o.ttl_ms = read_mostly ? 0 : 20;
    Cache cache("stress", o);
    cache.SetManualClock(0);
    std::vector<Counts> counts(static_cast<size_t>(round_threads));
    std::vector<std::thread> pool;
    for (int t = 0; t < round_threads; ++t) {
      pool.emplace_back(Worker, std::ref(cache), t, ops, read_mostly ? 64 : 600, read_mostly, &counts[static_cast<size_t>(t)]);
    }
    for (auto& th : pool) th.join();
    if (const char* broken = cache.CheckListsForTesting()) {
      std::fprintf(stderr, "cache_shared_read_stress: %s (%s)\n", broken, names[round]);
      g_errors.fetch_add(1);
    }
    uint64_t counted = 0;
    for (const Counts& c : counts) counted += c.counted;
    const opk::cache::CacheStats st = cache.Stats();
    if (st.hits + st.misses != counted) {
      std::fprintf(stderr, "cache_shared_read_stress: hits %llu + misses %llu != %llu counted lookups (%s)\n",
                   static_cast<unsigned long long>(st.hits), static_cast<unsigned long long>(st.misses),
                   static_cast<unsigned long long>(counted), names[round]);
      g_errors.fetch_add(1);
    }
    if (st.hits == 0 || (!read_mostly && (st.evictions == 0 || st.expirations == 0))) {
      std::fprintf(stderr, "cache_shared_read_stress: the run did not exercise hits, evictions and expiry (%llu, %llu, %llu)\n",
                   static_cast<unsigned long long>(st.hits), static_cast<unsigned long long>(st.evictions),
                   static_cast<unsigned long long>(st.expirations));
      g_errors.fetch_add(1);
    }
    std::printf("%s: %llu hits, %llu misses, %llu evictions, %llu expirations, %llu contended\n",
                names[round], static_cast<unsigned long long>(st.hits),
                static_cast<unsigned long long>(st.misses), static_cast<unsigned long long>(st.evictions),
                static_cast<unsigned long long>(st.expirations), static_cast<unsigned long long>(st.contended));
  }
  if (g_errors.load() != 0) {
    std::fprintf(stderr, "cache_shared_read_stress: %ld errors\n", g_errors.load());
    return 1;
  }
  return 0;
}
