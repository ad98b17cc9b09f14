// Internals of Cache shared by its .cc files (cache.cc: single-key operations; cache_batch.cc:
// batched lookups). Not part of the cache API.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <thread>

#include "cache/bytes_equal.h"
#include "cache/cache.h"

namespace opk::cache {

inline constexpr double kNever = std::numeric_limits<double>::infinity();

// One step of a spin-wait: a pause for the first 64 steps, then yield the core (the thread
// being waited for may have been preempted: the machine may run more threads than cores).
inline void SpinBackoff(unsigned spins) {
  if (spins < 64) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  } else {
    std::this_thread::yield();
  }
}

// The shard lock: a test-and-test-and-set spin lock (one atomic exchange to take, a plain store
// to release: about half of what an uncontended std::mutex costs). Critical sections are a
// lookup or a few list/table updates; a waiter spins briefly, then yields its core (the holder
// may have been preempted: the machine may run more threads than cores).
class SpinLock {
 public:
  // seq_cst: a writer's exchange and a reader's check of locked() (SharedRead) must be ordered
  // against the reader's and the writer's reader-count updates (an x86 xchg is a full barrier
  // either way).
  bool try_lock() {
    return state_.load(std::memory_order_relaxed) == 0 && state_.exchange(1, std::memory_order_seq_cst) == 0;
  }
  bool locked() const { return state_.load(std::memory_order_seq_cst) != 0; }
  void lock() {
    for (unsigned spins = 0; !try_lock(); ++spins) SpinBackoff(spins);
  }
  void unlock() { state_.store(0, std::memory_order_release); }

 private:
  std::atomic<uint32_t> state_{0};
};

// One entry. It lives in the prefix of its own value's allocation (CachedValue::
// AllocateWithPrefix): [control block + CachedValue][Node][key][tag][descriptors][payload], so a
// lookup touches one contiguous block. `self` is the cache's reference to that value: removing
// the entry moves it out and drops it, which frees the block unless a reader still holds the
// value (then the node bytes go with the value later).
struct Cache::Node {
  // Recency list links. `prev` points towards the front (most recently placed), `next` towards
  // the back (eviction candidates); both are null once the entry is removed, and `prev` then
  // links it in a Graveyard (removed under a lock, freed after it).
  Node* prev = nullptr;
  Node* next = nullptr;
  uint64_t hash = 0;
  double expires_at = kNever;
  ValuePtr self;  // the charge (the whole allocation) is self->charge()
  uint32_t key_size = 0;
  uint32_t tag_size = 0;
  // Second chance: set by a hit, cleared when eviction finds the entry at the back of the list
  // (it is then moved to the front instead of evicted). A hit writes only this flag, and only
  // when it is not set yet: it does not relink the node, which would touch (and dirty) its two
  // list neighbours' memory. Atomic because shared readers (SharedRead) may set it concurrently.
  std::atomic<bool> referenced{false};
  // The value's shape (as in *self), so that a batched lookup reads the arrays through the
  // descriptor block that follows the node, key and tag without fetching the CachedValue.
  bool is_list = false;
  uint32_t value_count = 0;

  unsigned char* bytes() { return reinterpret_cast<unsigned char*>(this + 1); }
  const unsigned char* bytes() const { return reinterpret_cast<const unsigned char*>(this + 1); }
  // Whether this entry's key bytes and tag are exactly `key`'s.
  bool Holds(const KeyView& key) const {
    return key_size == key.size && tag_size == key.tag.size() &&
           BytesEqual(bytes(), static_cast<const unsigned char*>(key.data), key.size) &&
           BytesEqual(bytes() + key.size, reinterpret_cast<const unsigned char*>(key.tag.data()), tag_size);
  }
  // Bytes of the node, key and tag in front of the value's descriptors (the allocation prefix).
  static size_t PrefixBytes(size_t key_size, size_t tag_size) {
    return (sizeof(Node) + key_size + tag_size + 7) & ~static_cast<size_t>(7);
  }
  ValueRef value_ref() const {
    return ValueRef{reinterpret_cast<const unsigned char*>(this) + PrefixBytes(key_size, tag_size), value_count,
                    is_list};
  }
};

// Shared reads of a shard. A hit there writes nothing that other readers read: the entry's
// second-chance mark (CLOCK) or this thread's queue of pending hits (LRU), and the hit counter.
// So readers need not exclude each other: each thread announces itself in one of kReaderSlots
// per-shard counters (its own cache lines, chosen once per thread), and a writer, after taking
// the shard lock, waits until every counter is zero (then, under LRU, applies the queued hits:
// Shard::ApplyPendingHits). A reader that finds the lock held steps back and takes the lock
// itself. So two threads reading the same hot entries write no common cache line (the spin lock
// and the shard's counters would move between their cores on every lookup).
inline constexpr size_t kReaderSlots = 8;
// LRU hits a reader slot queues before the next writer applies them. A hit that finds its slot's
// queue full takes the lock instead: the lock applies the queue first, then this hit. Deeper
// queues take the lock (and drain the other readers) less often, which is what a thread pays for
// most when another one reads the same entries: native LRU gets on 1,000 hot keys from 2 threads
// (the bench's cacheBenchThreads), CPU per get, builds alternated, 3 rounds in one phase of the VM (in
// another, all four gave 80-106 ns): 149-165 ns with 32
// queued hits, 133-148 ns with 64, 113-125 ns with 128, 104-116 ns with 256 (one thread ~70 ns
// with each). 128 costs 1 KiB per queue; a writer may then relink up to kReaderSlots x 128 entries
// at once.
inline constexpr uint32_t kPendingHits = 128;
// One slot's queue of LRU hits: the entries hit (Cache::Node*), in the order the slot's readers hit
// them. Allocated by the slot's first LRU hit in its shard (so caches under CLOCK, and shards or
// slots no thread reads from, hold none), freed with the shard.
struct alignas(64) HitQueue {
  std::atomic<void*> entries[kPendingHits];
};
struct alignas(64) ReaderSlot {
  std::atomic<uint32_t> active{0};
  // LRU: how many hits this slot's readers claimed in `queue` since a writer last applied them
  // (may exceed kPendingHits: a claim beyond it stores nothing and takes the lock).
  std::atomic<uint32_t> pending{0};
  std::atomic<uint64_t> hits{0};    // lookups by shared readers (added into Stats)
  std::atomic<uint64_t> misses{0};
  // LRU: this slot's queue of hits, null until its first hit (installed with a CAS: threads past
  // kReaderSlots share slots).
  std::atomic<HitQueue*> queue{nullptr};

  ~ReaderSlot() { delete queue.load(std::memory_order_relaxed); }
  // This slot's queue, allocated on first use; null if memory runs out (the hit then takes the
  // lock, which relinks it at once).
  HitQueue* Queue() {
    HitQueue* q = queue.load(std::memory_order_acquire);
    return q != nullptr ? q : InstallQueue();
  }
  HitQueue* InstallQueue();
  // LRU: queues a hit on entry `n` (a Cache::Node*) for the next writer; false when it cannot
  // (the queue is full or could not be allocated): the hit must then be applied under the lock.
  // One fetch_add, cheaper on this hot path than TryReserve(1)'s CAS loop (2-thread gets ~5 %
  // faster, alternated runs); a failed claim leaves `pending` past kPendingHits until applied.
  bool TryQueueHit(void* n) {
    HitQueue* q = Queue();
    if (q == nullptr) return false;
    const uint32_t i = pending.fetch_add(1, std::memory_order_relaxed);
    if (i >= kPendingHits) return false;
    q->entries[i].store(n, std::memory_order_relaxed);
    return true;
  }
  // LRU, a batched lookup inside the shard: reserves `n` consecutive queue positions, the first
  // in *first; false when the queue (installed: Queue()) has no room for all of them. The
  // positions are the caller's to write (every one of them: an entry, or null) before it leaves
  // the shard; a writer applies them only after.
  bool TryReserve(uint32_t n, uint32_t* first) {
    uint32_t cur = pending.load(std::memory_order_relaxed);
    do {
      if (cur >= kPendingHits || n > kPendingHits - cur) return false;
    } while (!pending.compare_exchange_weak(cur, cur + n, std::memory_order_relaxed));
    *first = cur;
    return true;
  }
};
// This thread's slot index, fixed per thread (round robin over the threads that read).
size_t ReaderSlotIndex();
// How many threads have taken a slot index. A writer checks only the slots in use: a thread
// takes its index (seq_cst) before it first enters a shard, and the writer reads this count
// (seq_cst) after taking the lock, so a reader the writer does not check sees the lock held.
inline std::atomic<size_t> g_reader_threads{0};
inline size_t ReaderSlotsInUse() {
  const size_t n = g_reader_threads.load(std::memory_order_seq_cst);
  return n < kReaderSlots ? n : kReaderSlots;
}

// One open-addressing slot: the entry's hash next to its node, so a probe compares hashes
// without touching nodes (linear probing, backward-shift deletion, load factor <= 3/4).
struct CacheSlot {
  uint64_t hash;
  void* node;  // Cache::Node*, null = empty
};

// One lock shard: its own lock, hash table, recency list (circular around `head`) and counters.
struct alignas(64) Cache::Shard {
  SpinLock mu;
  // LRU: hits found by shared reads are queued in the reader slots and applied to the list by
  // the next writer (ApplyPendingHits); CLOCK: a hit only sets its entry's mark. (Next to the
  // lock and the table, which every shared read loads anyway.)
  bool defer_hits = false;
  size_t mask = 0;  // slot_count - 1 (slot_count is 0 or a power of two)
  CacheSlot* slots = nullptr;
  size_t count = 0;
  Node head;  // sentinel: head.next = most recently placed, head.prev = next eviction candidate
  uint64_t table_charge = 0;
  int64_t bytes = 0;
  uint64_t hits = 0, misses = 0, sets = 0, evictions = 0, expirations = 0, deletes = 0, rejected = 0;
  uint64_t contended = 0;  // lock acquisitions that had to wait for another thread
  ReaderSlot readers[kReaderSlots];

  Shard() { head.prev = head.next = &head; }
  // Enters a shared read through reader counter `slot` (see ReaderSlot): false, with nothing
  // held, when a writer holds the lock (the caller then takes the lock itself).
  bool TryEnterShared(size_t slot) {
    readers[slot].active.fetch_add(1, std::memory_order_seq_cst);
    if (!mu.locked()) return true;
    readers[slot].active.fetch_sub(1, std::memory_order_release);
    return false;
  }
  void LeaveShared(size_t slot) { readers[slot].active.fetch_sub(1, std::memory_order_release); }
  // Takes the lock for writing: counts a wait for another thread's lock, then waits until the
  // readers inside have left, applying each reader slot's queued LRU hits.
  void LockExclusive() {
    if (!mu.try_lock()) {
      mu.lock();
      contended += 1;
    }
    const size_t used = ReaderSlotsInUse();
    for (size_t k = 0; k < used; ++k) {
      for (unsigned spins = 0; readers[k].active.load(std::memory_order_seq_cst) != 0; ++spins) SpinBackoff(spins);
    }
    if (defer_hits) {
      for (size_t k = 0; k < used; ++k) ApplyPendingHits(readers[k]);
    }
  }
  // Under the lock, with no reader inside: moves the slot's queued hits to the front of the list
  // in the order they were hit. That is the list one locked relink per hit would have built
  // (exactly, for one thread; between threads, each slot's hits are applied as one run). Entries
  // are removed only under the lock, after this, so every queued entry is still linked.
  // (Measured and dropped: relinking only each entry's last queued hit, found by a scan of the
  // ones kept so far, gives the same list but cost more than the relinks it saved, 2-thread LRU
  // get 150 -> 170 ns with 32-deep queues; with no relinks at all, a wrong LRU, it was 101-106 ns:
  // the relinks were about half of what a second thread added then. Putting `head` on a cache
  // line of its own, away from the lock and table that readers load: no change.)
  void ApplyPendingHits(ReaderSlot& r) {
    const uint32_t claimed = r.pending.load(std::memory_order_relaxed);
    if (claimed == 0) return;
    // Positions are claimed only once the queue is installed (TryQueueHit, TryReserve).
    HitQueue* q = r.queue.load(std::memory_order_acquire);
    const uint32_t queued = claimed < kPendingHits ? claimed : kPendingHits;
    // The entries and then their list neighbours are fetched ahead of the relinks (the hits were
    // spread over the whole shard, whose entries need not be in this core's caches).
    auto entry = [q](uint32_t i) { return static_cast<Node*>(q->entries[i].load(std::memory_order_relaxed)); };
    // A batched lookup reserves a position per key and leaves its misses' null.
    constexpr uint32_t kAhead = 4;
    for (uint32_t i = 0; i < queued && i < 2 * kAhead; ++i) __builtin_prefetch(entry(i), 1);
    for (uint32_t i = 0; i < queued; ++i) {
      if (i + 2 * kAhead < queued) __builtin_prefetch(entry(i + 2 * kAhead), 1);
      if (i + kAhead < queued) {
        if (const Node* ahead = entry(i + kAhead)) {
          __builtin_prefetch(ahead->prev, 1);
          __builtin_prefetch(ahead->next, 1);
        }
      }
      if (Node* n = entry(i)) MoveToFront(n);
    }
    r.pending.store(0, std::memory_order_relaxed);
  }
  void SetTable(CacheSlot* table, size_t new_mask) {
    slots = table;
    mask = new_mask;
  }

  // Moves a linked entry to the front.
  void MoveToFront(Node* n) {
    if (head.next == n) return;
    UnlinkLru(n);
    PushFront(n);
  }
  void PushFront(Node* n) {
    n->next = head.next;
    n->prev = &head;
    head.next->prev = n;
    head.next = n;
  }
  static void UnlinkLru(Node* n) {
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = nullptr;
  }
  size_t slot_count() const { return slots == nullptr ? 0 : mask + 1; }
  // Inserts into a table known to have a free slot and no entry for this key.
  static void InsertSlot(CacheSlot* table, size_t mask, uint64_t hash, Node* n) {
    size_t i = hash & mask;
    while (table[i].node != nullptr) i = (i + 1) & mask;
    table[i].hash = hash;
    table[i].node = n;
  }
  // Removes `n` from the table (backward-shift deletion keeps every probe sequence unbroken).
  void EraseSlot(Node* n) {
    size_t i = n->hash & mask;
    while (slots[i].node != n) i = (i + 1) & mask;
    for (size_t j = (i + 1) & mask;; j = (j + 1) & mask) {
      if (slots[j].node == nullptr) break;
      const size_t home = slots[j].hash & mask;
      // slots[j] may move back to i unless its home lies cyclically in (i, j].
      if (((j - home) & mask) >= ((j - i) & mask)) {
        slots[i] = slots[j];
        i = j;
      }
    }
    slots[i].node = nullptr;
    slots[i].hash = 0;
  }
};


// A hit's recency update (inline: the batched lookup calls it per hit).
inline void Cache::MarkUsedLocked(Shard& s, Node* n) {
  if (options_.eviction == EvictionPolicy::kLru) {
    s.MoveToFront(n);
  } else if (!n->referenced.load(std::memory_order_relaxed)) {
    n->referenced.store(true, std::memory_order_relaxed);
  }
}

// Locks a shard for writing (Shard::LockExclusive), counting acquisitions that found it held by
// another thread (try_lock first: no extra cost when uncontended).
template <typename S>
class ShardLock {
 public:
  explicit ShardLock(S& s) : s_(s) { s_.LockExclusive(); }
  ~ShardLock() { s_.mu.unlock(); }
  ShardLock(const ShardLock&) = delete;
  ShardLock& operator=(const ShardLock&) = delete;

 private:
  S& s_;
};

// A shared read of a shard (see ReaderSlot). entered() is false when a writer held the lock:
// the caller then takes the exclusive path.
template <typename S>
class SharedRead {
 public:
  explicit SharedRead(S& s) : s_(s), slot_(ReaderSlotIndex()), entered_(s.TryEnterShared(slot_)) {}
  ~SharedRead() {
    if (entered_) s_.LeaveShared(slot_);
  }
  bool entered() const { return entered_; }
  ReaderSlot& slot() const { return s_.readers[slot_]; }
  SharedRead(const SharedRead&) = delete;
  SharedRead& operator=(const SharedRead&) = delete;

 private:
  S& s_;
  const size_t slot_;
  const bool entered_;
};


// Nodes removed under a lock are destroyed after it is released (value frees can be large).
struct Graveyard {
  void* first = nullptr;
  template <typename N>
  void Add(N* n) {
    n->prev = static_cast<N*>(first);
    first = n;
  }
  template <typename N>
  void Release() {
    N* n = static_cast<N*>(first);
    while (n != nullptr) {
      N* next = n->prev;
      ValuePtr doomed = std::move(n->self);  // the node lives inside this value's allocation:
      n->~N();                                 // end the node first,
      doomed.reset();                          // then release the memory (unless a reader holds it)
      n = next;
    }
    first = nullptr;
  }
};

// Frees a node that a lookup removed (expired) under the lock; null is a no-op.
template <typename N>
inline void FreeExpired(N* n) {
  if (n == nullptr) return;
  Graveyard dead;
  dead.Add(n);
  dead.Release<N>();
}

}  // namespace opk::cache
