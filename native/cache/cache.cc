#include "cache/cache.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <new>
#include <thread>
#include <utility>
#include <vector>

#include "cache/bytes_equal.h"
#include "cache/cache_internal.h"
#include "cache/hash.h"
#include "cache/memory.h"

namespace opk::cache {

namespace {
constexpr uint64_t kKeySeed = 0x5bd1e9955bd1e995ull;
constexpr size_t kMinSlots = 16;
}  // namespace

uint64_t KeyView::TagHash(std::string_view tag) { return Hash64(tag.data(), tag.size(), kKeySeed); }

KeyView KeyView::Make(const void* data, size_t size, std::string_view tag, uint64_t tag_hash) {
  KeyView k;
  k.data = data;
  k.size = size;
  k.tag = tag;
  k.hash = Hash64(data, size, tag_hash);
  return k;
}

KeyView KeyView::Make(const void* data, size_t size, std::string_view tag) {
  return Make(data, size, tag, TagHash(tag));
}

Status ValidateOptions(const CacheOptions& o) {
  constexpr uint64_t kMaxSafe = (1ull << 53);
  if (o.max_bytes < 1 || o.max_bytes > kMaxSafe) return OutOfRange("maxBytes must be in [1, 2^53]");
  if (o.max_entries > kMaxSafe) return OutOfRange("maxEntries must be in [0, 2^53]");
  if (o.max_entry_size > o.max_bytes) return OutOfRange("maxEntrySize must not exceed maxBytes");
  if (!std::isfinite(o.ttl_ms) || o.ttl_ms < 0) return OutOfRange("ttl must be a finite number >= 0");
  if (o.shards < 1 || o.shards > 1024 || (o.shards & (o.shards - 1)) != 0) {
    return OutOfRange("shards must be a power of two in [1, 1024]");
  }
  return Status::Ok();
}

Cache::Cache(std::string name, const CacheOptions& options)
    : name_(std::move(name)),
      options_(options),
      max_entry_size_(options.max_entry_size == 0 ? options.max_bytes : options.max_entry_size),
      shard_shift_(48),
      shards_(new Shard[options.shards]) {
  for (size_t i = 0; i < options.shards; ++i) shards_[i].defer_hits = options.eviction == EvictionPolicy::kLru;
}

Cache::~Cache() {
  Clear();
  delete[] shards_;
}

Cache::Shard& Cache::ShardFor(uint64_t hash) const {
  return shards_[(hash >> shard_shift_) & (options_.shards - 1)];
}

double Cache::NowMs() const {
  if (manual_clock_.load(std::memory_order_acquire)) return manual_now_ms_.load(std::memory_order_acquire);
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

void Cache::SetManualClock(double now_ms) {
  manual_now_ms_.store(now_ms, std::memory_order_release);
  manual_clock_.store(true, std::memory_order_release);
}

void Cache::AdvanceManualClock(double delta_ms) {
  double cur = manual_now_ms_.load(std::memory_order_acquire);
  while (!manual_now_ms_.compare_exchange_weak(cur, cur + delta_ms, std::memory_order_acq_rel)) {
  }
  manual_clock_.store(true, std::memory_order_release);
}

bool Cache::OverBudget() const {
  if (total_bytes_.load(std::memory_order_relaxed) > static_cast<int64_t>(options_.max_bytes)) return true;
  return options_.max_entries != 0 &&
         total_entries_.load(std::memory_order_relaxed) > static_cast<int64_t>(options_.max_entries);
}

Cache::Node* Cache::FindLocked(Shard& s, const KeyView& key, uint64_t hash, bool prefetch) const {
  if (s.slots == nullptr) return nullptr;
  const size_t mask = s.mask;
  const CacheSlot* slots = s.slots;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const CacheSlot& slot = slots[i];
    if (slot.node == nullptr) return nullptr;
    if (slot.hash != hash) continue;
    Node* n = static_cast<Node*>(slot.node);
    // One dependent miss instead of several: fetch the entry's lines (value object in front of
    // the node; key, tag, descriptors and a small payload behind it) at once. Prefetches past
    // the allocation are harmless.
    if (prefetch) {
      const char* line = reinterpret_cast<const char*>(n);
      __builtin_prefetch(line - 64);
      __builtin_prefetch(line);
      __builtin_prefetch(line + 64);
      __builtin_prefetch(line + 128);
      __builtin_prefetch(line + 192);
      __builtin_prefetch(line + 256);
      __builtin_prefetch(line + 320);
    }
    if (n->Holds(key)) return n;
  }
}

// Victim choice. Under LRU nothing is ever marked, so this is the back of the list. Under CLOCK
// (second chance): the entry at the back of the list, unless a hit has
// marked it since it was placed there; then it is unmarked and moved to the front, and the next
// one is tried. `keep` (the entry a Put just inserted, or null) is moved to the front instead
// of being chosen. Null when no other entry is left. Each step clears a mark or rotates `keep`
// once per round, so this ends within two rounds of the list.
Cache::Node* Cache::VictimLocked(Shard& s, Node* keep) {
  for (size_t steps = 2 * s.count + 2; steps > 0; --steps) {
    Node* v = s.head.prev;
    if (v == &s.head) return nullptr;
    if (v == keep || v->referenced.load(std::memory_order_relaxed)) {
      if (v == keep && s.count <= 1) return nullptr;
      v->referenced.store(false, std::memory_order_relaxed);
      Shard::UnlinkLru(v);
      s.PushFront(v);
      continue;
    }
    return v;
  }
  return s.head.prev != &s.head && s.head.prev != keep ? s.head.prev : nullptr;
}

// Unlinks `n` from the shard's table and recency list and updates the byte/entry counters. The
// caller frees it (after releasing the lock) via the returned chain of nodes.
void Cache::RemoveLocked(Shard& s, Node* n) {
  s.EraseSlot(n);
  Shard::UnlinkLru(n);
  s.count -= 1;
  const auto charge = static_cast<int64_t>(n->self->charge());
  s.bytes -= charge;
  total_bytes_.fetch_sub(charge, std::memory_order_relaxed);
  total_entries_.fetch_sub(1, std::memory_order_relaxed);
}

Cache::Node* Cache::HitLocked(Shard& s, const KeyView& key, uint64_t hash, double now, Node** expired) {
  Node* n = FindLocked(s, key, hash);
  if (n != nullptr && n->expires_at <= now) {
    RemoveLocked(s, n);
    s.expirations += 1;
    *expired = n;
    n = nullptr;
  }
  if (n == nullptr) {
    s.misses += 1;
    return nullptr;
  }
  MarkUsedLocked(s, n);
  s.hits += 1;
  return n;
}

void Cache::PrefetchForPut(const KeyView& key) {
  Shard& s = ShardFor(key.hash & options_.hash_mask);
  if (!s.mu.try_lock()) return;  // a hint: never wait for it
  const Node* back = s.head.prev;
  if (back != &s.head) {
    const char* line = reinterpret_cast<const char*>(back);
    __builtin_prefetch(line - 64, 1);
    __builtin_prefetch(line, 1);
    __builtin_prefetch(back->prev, 1);
    if (s.slots != nullptr) __builtin_prefetch(&s.slots[back->hash & s.mask], 1);  // its slot (erased)
  }
  if (s.slots != nullptr) __builtin_prefetch(&s.slots[key.hash & options_.hash_mask & s.mask], 1);
  s.mu.unlock();
}

HitQueue* ReaderSlot::InstallQueue() {
  auto* fresh = new (std::nothrow) HitQueue();
  if (fresh == nullptr) return nullptr;
  HitQueue* expected = nullptr;
  if (queue.compare_exchange_strong(expected, fresh, std::memory_order_acq_rel, std::memory_order_acquire)) return fresh;
  delete fresh;  // another thread of this slot installed one first
  return expected;
}

size_t ReaderSlotIndex() {
  thread_local const size_t index = g_reader_threads.fetch_add(1, std::memory_order_seq_cst) % kReaderSlots;
  return index;
}

// A lookup without the shard lock (see ReaderSlot): kHit (on_hit(node) was called and the hit
// counted, if `count`), kMiss (counted), or kNeedLock (a writer held the lock, the entry found
// has expired and must be removed, or an LRU hit found this thread's queue of hits full): then
// the caller takes the exclusive path, whose lock applies the queued hits before its own.
template <typename OnHit>
Cache::SharedResult Cache::LookupShared(Shard& s, const KeyView& key, uint64_t h, double now, bool count,
                                        OnHit&& on_hit) {
  SharedRead<Shard> read(s);
  if (!read.entered()) return SharedResult::kNeedLock;
  Node* n = FindLocked(s, key, h);
  if (n != nullptr && n->expires_at <= now) return SharedResult::kNeedLock;
  if (n == nullptr) {
    if (count) read.slot().misses.fetch_add(1, std::memory_order_relaxed);
    return SharedResult::kMiss;
  }
  if (count) {
    ReaderSlot& slot = read.slot();
    if (s.defer_hits) {
      // LRU: queue the hit for the next writer (Shard::ApplyPendingHits).
      if (!slot.TryQueueHit(n)) return SharedResult::kNeedLock;
    } else {
      MarkUsedLocked(s, n);  // CLOCK: sets the mark only if it is not set
    }
    slot.hits.fetch_add(1, std::memory_order_relaxed);
  }
  on_hit(n);
  return SharedResult::kHit;
}

ValuePtr Cache::Get(const KeyView& key) {
  const uint64_t h = key.hash & options_.hash_mask;
  Shard& s = ShardFor(h);
  const double now = options_.ttl_ms > 0 ? NowMs() : 0;
  ValuePtr out;
  if (LookupShared(s, key, h, now, true, [&](Node* n) { out = n->self; }) != SharedResult::kNeedLock) {
    return out;
  }
  Node* expired = nullptr;
  {
    ShardLock<Shard> lock(s);
    if (Node* n = HitLocked(s, key, h, now, &expired)) out = n->self;
  }
  FreeExpired(expired);
  return out;
}

bool Cache::Visit(const KeyView& key, void (*fn)(const CachedValue& value, void* ctx), void* ctx) {
  const uint64_t h = key.hash & options_.hash_mask;
  Shard& s = ShardFor(h);
  const double now = options_.ttl_ms > 0 ? NowMs() : 0;
  const SharedResult r = LookupShared(s, key, h, now, true, [&](Node* n) { fn(*n->self, ctx); });
  if (r != SharedResult::kNeedLock) return r == SharedResult::kHit;
  Node* expired = nullptr;
  bool hit = false;
  {
    ShardLock<Shard> lock(s);
    if (Node* n = HitLocked(s, key, h, now, &expired)) {
      fn(*n->self, ctx);
      hit = true;
    }
  }
  FreeExpired(expired);
  return hit;
}

ValuePtr Cache::VisitOrGet(const KeyView& key, bool (*fn)(const CachedValue& value, void* ctx), void* ctx,
                            bool* hit) {
  return VisitOrTake(key, fn, ctx, hit, /*count=*/true);
}

ValuePtr Cache::PeekOrVisit(const KeyView& key, bool (*fn)(const CachedValue& value, void* ctx), void* ctx,
                            bool* hit) {
  return VisitOrTake(key, fn, ctx, hit, /*count=*/false);
}

ValuePtr Cache::VisitOrTake(const KeyView& key, bool (*fn)(const CachedValue& value, void* ctx), void* ctx,
                            bool* hit, bool count) {
  const uint64_t h = key.hash & options_.hash_mask;
  Shard& s = ShardFor(h);
  const double now = options_.ttl_ms > 0 ? NowMs() : 0;
  ValuePtr out;
  auto use = [&](Node* n) {
    if (!fn(*n->self, ctx)) out = n->self;
  };
  const SharedResult r = LookupShared(s, key, h, now, count, use);
  if (r != SharedResult::kNeedLock) {
    *hit = r == SharedResult::kHit;
    return out;
  }
  Node* expired = nullptr;
  {
    ShardLock<Shard> lock(s);
    Node* n = nullptr;
    if (count) {
      n = HitLocked(s, key, h, now, &expired);  // counts, marks used, removes an expired entry
    } else {
      n = FindLocked(s, key, h);
      if (n != nullptr && n->expires_at <= now) n = nullptr;
    }
    *hit = n != nullptr;
    if (n != nullptr) use(n);
  }
  FreeExpired(expired);
  return out;
}

ValuePtr Cache::Peek(const KeyView& key) {
  const uint64_t h = key.hash & options_.hash_mask;
  Shard& s = ShardFor(h);
  const double now = options_.ttl_ms > 0 ? NowMs() : 0;
  ValuePtr out;
  if (LookupShared(s, key, h, now, false, [&](Node* n) { out = n->self; }) != SharedResult::kNeedLock) {
    return out;
  }
  ShardLock<Shard> lock(s);
  Node* n = FindLocked(s, key, h);
  if (n == nullptr || n->expires_at <= now) return nullptr;
  return n->self;
}

bool Cache::Has(const KeyView& key) {
  const uint64_t h = key.hash & options_.hash_mask;
  Shard& s = ShardFor(h);
  const double now = options_.ttl_ms > 0 ? NowMs() : 0;
  const SharedResult r = LookupShared(s, key, h, now, false, [](Node*) {});
  if (r != SharedResult::kNeedLock) return r == SharedResult::kHit;
  ShardLock<Shard> lock(s);
  Node* n = FindLocked(s, key, h);
  return n != nullptr && n->expires_at > now;
}

namespace {
struct CopyArrays {
  const ArraySpan* arrays;
};
void FillFromSpans(CachedValue& v, void* ctx) {
  const ArraySpan* arrays = static_cast<CopyArrays*>(ctx)->arrays;
  for (size_t i = 0; i < v.count(); ++i) {
    const size_t bytes = arrays[i].length * ElementSize(arrays[i].type);
    if (bytes > 0) std::memcpy(v.mutable_data(i), arrays[i].data, bytes);
  }
}
void FillFromValue(CachedValue& v, void* ctx) {
  const CachedValue& src = *static_cast<const CachedValue*>(ctx);
  for (size_t i = 0; i < v.count(); ++i) {
    const ArrayRef a = src.array(i);
    if (a.byte_length() > 0) std::memcpy(v.mutable_data(i), a.data, a.byte_length());
  }
}
constexpr size_t kInlineShapes = 8;
}  // namespace

PutResult Cache::Put(const KeyView& key, const ValuePtr& value) {
  if (!value) return PutResult::kInvalid;
  ArrayShape small[kInlineShapes];  // the first `count` are written below
  std::vector<ArrayShape> big;
  ArrayShape* shapes = small;
  if (value->count() > kInlineShapes) {
    big.resize(value->count());
    shapes = big.data();
  }
  for (size_t i = 0; i < value->count(); ++i) {
    const ArrayRef a = value->array(i);
    shapes[i] = ArrayShape{a.type, a.length};
  }
  return PutImpl(key, shapes, value->count(), value->is_list(), &FillFromValue,
                 const_cast<CachedValue*>(value.get()));
}

PutResult Cache::PutArrays(const KeyView& key, const ArraySpan* arrays, size_t count, bool is_list) {
  ArrayShape small[kInlineShapes];  // the first `count` are written below
  std::vector<ArrayShape> big;
  ArrayShape* shapes = small;
  if (count > kInlineShapes) {
    big.resize(count);
    shapes = big.data();
  }
  for (size_t i = 0; i < count; ++i) shapes[i] = ArrayShape{arrays[i].type, arrays[i].length};
  CopyArrays ctx{arrays};
  return PutImpl(key, shapes, count, is_list, &FillFromSpans, &ctx);
}

PutResult Cache::PutImpl(const KeyView& key, const ArrayShape* shapes, size_t count, bool is_list,
                         void (*fill)(CachedValue& value, void* ctx), void* ctx) {
  if (key.size > (std::numeric_limits<uint32_t>::max)() || key.tag.size() > (std::numeric_limits<uint32_t>::max)() ||
      (key.size != 0 && key.data == nullptr)) {
    return PutResult::kInvalid;
  }
  const uint64_t h = key.hash & options_.hash_mask;
  Shard& s = ShardFor(h);
  const size_t node_bytes = Node::PrefixBytes(key.size, key.tag.size());
  unsigned char* prefix = nullptr;
  Status st;
  std::shared_ptr<CachedValue> value = CachedValue::AllocateWithPrefix(shapes, count, is_list, node_bytes, &prefix, &st,
                                                                       static_cast<unsigned>(&s - shards_));
  if (!value) return st.code() == StatusCode::kOutOfMemory ? PutResult::kNoMemory : PutResult::kInvalid;
  fill(*value, ctx);
  const uint64_t charge = value->charge();
  Graveyard dead;
  if (charge > max_entry_size_) {
    value.reset();
    {
      ShardLock<Shard> lock(s);
      s.rejected += 1;
      if (Node* old = FindLocked(s, key, h)) {
        RemoveLocked(s, old);
        dead.Add(old);
      }
    }
    dead.Release<Node>();
    return PutResult::kRejected;
  }
  Node* n = new (prefix) Node();
  n->hash = h;
  n->key_size = static_cast<uint32_t>(key.size);
  n->tag_size = static_cast<uint32_t>(key.tag.size());
  n->is_list = value->is_list();
  n->value_count = static_cast<uint32_t>(value->count());
  if (key.size != 0) std::memcpy(n->bytes(), key.data, key.size);
  if (!key.tag.empty()) std::memcpy(n->bytes() + key.size, key.tag.data(), key.tag.size());
  n->expires_at = options_.ttl_ms > 0 ? NowMs() + options_.ttl_ms : kNever;
  n->self = std::move(value);  // the entry now owns its allocation

  bool replaced = false;
  {
    ShardLock<Shard> lock(s);
    if (Node* old = FindLocked(s, key, h)) {
      RemoveLocked(s, old);
      dead.Add(old);
      replaced = true;
    }
    if ((s.count + 1) * 4 > s.slot_count() * 3) {
      // Grow (load factor <= 3/4). On allocation failure keep the old table while it still has
      // a free slot (probes get longer).
      const size_t old_count = s.slot_count();
      const size_t want = old_count == 0 ? kMinSlots : old_count * 2;
      auto* fresh = static_cast<CacheSlot*>(HeapAlloc(want * sizeof(CacheSlot)));
      if (fresh != nullptr) {
        std::memset(static_cast<void*>(fresh), 0, want * sizeof(CacheSlot));
        for (size_t i = 0; i < old_count; ++i) {
          if (s.slots[i].node != nullptr) Shard::InsertSlot(fresh, want - 1, s.slots[i].hash, static_cast<Node*>(s.slots[i].node));
        }
        const uint64_t fresh_charge = AllocationCharge(fresh, want * sizeof(CacheSlot));
        RawFree(s.slots);
        const int64_t delta = static_cast<int64_t>(fresh_charge) - static_cast<int64_t>(s.table_charge);
        s.SetTable(fresh, want - 1);
        s.table_charge = fresh_charge;
        s.bytes += delta;
        total_bytes_.fetch_add(delta, std::memory_order_relaxed);
      } else if (s.count + 1 >= old_count) {
        dead.Add(n);           // never linked: released with any replaced entry
        dead.Release<Node>();  // (a replaced entry, if any, is gone: free it)
        return PutResult::kNoMemory;
      }
    }
    Shard::InsertSlot(s.slots, s.mask, h, n);
    s.PushFront(n);
    s.count += 1;
    s.bytes += static_cast<int64_t>(charge);
    s.sets += 1;
    total_bytes_.fetch_add(static_cast<int64_t>(charge), std::memory_order_relaxed);
    total_entries_.fetch_add(1, std::memory_order_relaxed);
    // Evict from this shard first (never the new entry here).
    while (OverBudget()) {
      Node* victim = VictimLocked(s, n);
      if (victim == nullptr) break;
      RemoveLocked(s, victim);
      s.evictions += 1;
      dead.Add(victim);
    }
  }
  dead.Release<Node>();
  if (OverBudget()) EvictGlobally(static_cast<size_t>(&s - shards_));
  return replaced ? PutResult::kReplaced : PutResult::kInserted;
}

// Evicts from the other shards (round robin from `start + 1`, own shard last) until the budgets
// hold. Each shard is locked on its own: no two shard locks are ever held together.
void Cache::EvictGlobally(size_t start) {
  const size_t count = options_.shards;
  for (size_t i = 1; i <= count && OverBudget(); ++i) {
    Shard& s = shards_[(start + i) & (count - 1)];
    Graveyard dead;
    void* table = nullptr;
    {
      ShardLock<Shard> lock(s);
      while (OverBudget() && s.count > 0) {
        Node* victim = VictimLocked(s, nullptr);
        RemoveLocked(s, victim);
        s.evictions += 1;
        dead.Add(victim);
      }
      if (s.count == 0 && s.slots != nullptr && OverBudget()) {
        // Only hash tables are left over budget (tiny maxBytes): give this one back.
        table = s.slots;
        s.bytes -= static_cast<int64_t>(s.table_charge);
        total_bytes_.fetch_sub(static_cast<int64_t>(s.table_charge), std::memory_order_relaxed);
        s.SetTable(nullptr, 0);
        s.table_charge = 0;
      }
    }
    RawFree(table);
    dead.Release<Node>();
  }
}

bool Cache::Delete(const KeyView& key) {
  const uint64_t h = key.hash & options_.hash_mask;
  Shard& s = ShardFor(h);
  Graveyard dead;
  {
    ShardLock<Shard> lock(s);
    Node* n = FindLocked(s, key, h);
    if (n == nullptr) return false;
    RemoveLocked(s, n);
    s.deletes += 1;
    dead.Add(n);
  }
  dead.Release<Node>();
  return true;
}

void Cache::Clear() {
  for (size_t i = 0; i < options_.shards; ++i) {
    Shard& s = shards_[i];
    Graveyard dead;
    void* table = nullptr;
    {
      ShardLock<Shard> lock(s);
      for (Node* n = s.head.next; n != &s.head;) {
        Node* next = n->next;
        n->prev = n->next = nullptr;
        dead.Add(n);
        n = next;
      }
      s.head.prev = s.head.next = &s.head;
      total_bytes_.fetch_sub(s.bytes, std::memory_order_relaxed);
      total_entries_.fetch_sub(static_cast<int64_t>(s.count), std::memory_order_relaxed);
      table = s.slots;
      s.SetTable(nullptr, 0);
      s.table_charge = 0;
      s.count = 0;
      s.bytes = 0;
    }
    RawFree(table);
    dead.Release<Node>();
  }
}

uint64_t Cache::PurgeExpired() {
  if (options_.ttl_ms <= 0) return 0;
  const double now = NowMs();
  uint64_t purged = 0;
  for (size_t i = 0; i < options_.shards; ++i) {
    Shard& s = shards_[i];
    Graveyard dead;
    {
      ShardLock<Shard> lock(s);
      for (Node* n = s.head.next; n != &s.head;) {
        Node* next = n->next;
        if (n->expires_at <= now) {
          RemoveLocked(s, n);
          s.expirations += 1;
          dead.Add(n);
          ++purged;
        }
        n = next;
      }
    }
    dead.Release<Node>();
  }
  return purged;
}

const char* Cache::CheckListsForTesting() {
  for (size_t i = 0; i < options_.shards; ++i) {
    Shard& s = shards_[i];
    ShardLock<Shard> lock(s);  // applies the queued hits first
    size_t seen = 0;
    for (Node* n = s.head.next; n != &s.head; n = n->next) {
      if (++seen > s.count) return "a recency list is longer than its shard's entry count (or cyclic)";
      if (n->next == nullptr || n->next->prev != n) return "a recency list entry's neighbour does not point back to it";
      size_t k = n->hash & s.mask;
      while (s.slots[k].node != nullptr && s.slots[k].node != n) k = (k + 1) & s.mask;
      if (s.slots[k].node != n) return "an entry on a recency list is not in its shard's table";
    }
    if (seen != s.count) return "a recency list is shorter than its shard's entry count";
  }
  return nullptr;
}

CacheStats Cache::Stats() const {
  CacheStats st;
  for (size_t i = 0; i < options_.shards; ++i) {
    Shard& s = shards_[i];
    std::lock_guard<SpinLock> lock(s.mu);
    st.hits += s.hits;
    st.misses += s.misses;
    st.sets += s.sets;
    st.evictions += s.evictions;
    st.expirations += s.expirations;
    st.deletes += s.deletes;
    st.rejected += s.rejected;
    st.contended += s.contended;
    st.entries += s.count;
    st.bytes += static_cast<uint64_t>(s.bytes);
    for (const ReaderSlot& r : s.readers) {
      st.hits += r.hits.load(std::memory_order_relaxed);
      st.misses += r.misses.load(std::memory_order_relaxed);
    }
  }
  const uint64_t lookups = st.hits + st.misses;
  st.hit_rate = lookups == 0 ? 0.0 : static_cast<double>(st.hits) / static_cast<double>(lookups);
  return st;
}

}  // namespace opk::cache
