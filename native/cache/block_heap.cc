#include "cache/block_heap.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include "cache/cache_internal.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace opk::cache {

namespace {

constexpr size_t kRegion = size_t{2} << 20;  // committed and advised for huge pages as a unit
constexpr size_t kSpan = size_t{64} << 10;   // what one size class takes at a time
constexpr size_t kSpansPerRegion = kRegion / kSpan;
constexpr size_t kClasses = kBlockHeapMaxBlock / kBlockHeapLine;
constexpr size_t kRun = size_t{4} << 10;  // consecutive blocks handed to one arena at a time
static_assert(kSpansPerRegion == 32, "a region's spans are tracked in a 32-bit mask");

// One span's state while a size class holds it. Its space is handed out in runs (up to kRun
// bytes, to one arena at a time) from `bump`; freed blocks go to its free list and are reused
// before fresh space. A span whose last block is freed goes back to the regions' pool.
struct Span {
  void* free_list = nullptr;  // freed blocks, linked through their first word
  uint32_t bump = 0;          // bytes handed out as runs so far
  uint32_t live = 0;          // blocks handed out and not freed
  uint32_t block = 0;         // block size of its class (0: the span is not in use)
  Span* prev = nullptr;       // links in its class's list of spans with freed blocks
  Span* next = nullptr;
  bool listed = false;
};

// One reserved region: committed while any of its spans is in use (or as the spare).
struct Region {
  uint32_t used = 0;  // bit i: span i is held by a size class
  bool committed = false;
  bool partial = false;  // in the list of committed regions with a free span
  Region* prev = nullptr;
  Region* next = nullptr;
};

// An arena's current run: consecutive blocks handed out in order, so that the entries one arena
// (a cache shard) stores together sit together in memory.
struct Run {
  char* next = nullptr;
  char* end = nullptr;
  Span* span = nullptr;
};

struct SizeClass {
  SpinLock mu;
  Span* with_free = nullptr;  // spans with freed blocks (doubly linked)
  Span* carving = nullptr;    // the span runs are cut from
  Run runs[kBlockHeapArenas];
};

class BlockHeap {
 public:
  // Null where the address range cannot be reserved (or on platforms without mmap).
  static BlockHeap* Create() {
#if defined(__linux__) && !defined(OPK_SANITIZE)
    const char* env = std::getenv("OCR_PERFKIT_CACHE_HUGE_PAGES");
    if (env != nullptr && std::strcmp(env, "0") == 0) return nullptr;
    for (size_t gib : {64, 16, 4, 1}) {
      const size_t bytes = gib << 30;
      void* raw = mmap(nullptr, bytes + kRegion, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (raw == MAP_FAILED) continue;
      const size_t regions = bytes / kRegion;
      const size_t meta_bytes = regions * (sizeof(Region) + kSpansPerRegion * sizeof(Span));
      void* meta = mmap(nullptr, meta_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (meta == MAP_FAILED) {
        munmap(raw, bytes + kRegion);
        continue;
      }
      auto* heap = new BlockHeap();
      const uintptr_t aligned = (reinterpret_cast<uintptr_t>(raw) + kRegion - 1) & ~(kRegion - 1);
      heap->base_ = reinterpret_cast<char*>(aligned);
      heap->regions_ = regions;
      // Zero pages: every Region and Span starts empty.
      heap->region_meta_ = static_cast<Region*>(meta);
      heap->span_meta_ = reinterpret_cast<Span*>(static_cast<char*>(meta) + regions * sizeof(Region));
      return heap;
    }
#endif
    return nullptr;
  }

  bool Owns(const void* p) const {
    const auto* c = static_cast<const char*>(p);
    return c >= base_ && c < base_ + regions_ * kRegion;
  }

  void* Alloc(size_t size, unsigned arena) {
    const size_t block = BlockHeapBlockSize(size);
    SizeClass& c = classes_[block / kBlockHeapLine - 1];
    std::lock_guard<SpinLock> lock(c.mu);
    // A freed block first: memory stays bounded by what is live plus what was freed.
    if (Span* sp = c.with_free) {
      void* p = sp->free_list;
      std::memcpy(&sp->free_list, p, sizeof(void*));
      sp->live += 1;
      if (sp->free_list == nullptr) Unlink(c, sp);
      return p;
    }
    Run& run = c.runs[arena % kBlockHeapArenas];
    if (run.next == nullptr || run.next + block > run.end) {
      if (!CutRun(c, block, &run)) return nullptr;
    }
    void* p = run.next;
    run.next += block;
    run.span->live += 1;
    return p;
  }

  void Free(void* p) {
    Span* sp = &span_meta_[(static_cast<char*>(p) - base_) / kSpan];
    SizeClass& c = classes_[sp->block / kBlockHeapLine - 1];
    std::lock_guard<SpinLock> lock(c.mu);
    sp->live -= 1;
    if (sp->live == 0) {
      Retire(c, sp);
      return;
    }
    std::memcpy(p, &sp->free_list, sizeof(void*));
    sp->free_list = p;
    if (!sp->listed) Link(c, sp);
  }

  uint64_t committed() const { return committed_.load(std::memory_order_relaxed); }

 private:
  size_t SpanIndex(const Span* sp) const { return static_cast<size_t>(sp - span_meta_); }
  char* SpanStart(const Span* sp) const { return base_ + SpanIndex(sp) * kSpan; }

  static void Link(SizeClass& c, Span* sp) {
    sp->prev = nullptr;
    sp->next = c.with_free;
    if (c.with_free != nullptr) c.with_free->prev = sp;
    c.with_free = sp;
    sp->listed = true;
  }
  static void Unlink(SizeClass& c, Span* sp) {
    if (sp->prev != nullptr) sp->prev->next = sp->next;
    else c.with_free = sp->next;
    if (sp->next != nullptr) sp->next->prev = sp->prev;
    sp->prev = sp->next = nullptr;
    sp->listed = false;
  }

  // A span with no live block leaves its class (runs into it are dropped) and returns to its
  // region, which goes back to the kernel once none of its spans is in use (unless it becomes the
  // process's one spare: kept committed, so the next region needed costs no system call or fresh
  // page faults). So an emptied heap holds at most one region.
  void Retire(SizeClass& c, Span* sp) {
    for (Run& run : c.runs) {
      if (run.span == sp) run = Run();
    }
    if (c.carving == sp) c.carving = nullptr;
    if (sp->listed) Unlink(c, sp);
    const size_t index = SpanIndex(sp);
    *sp = Span();
    std::lock_guard<SpinLock> lock(regions_mu_);
    Region& r = region_meta_[index / kSpansPerRegion];
    const bool was_full = r.used == ~uint32_t{0};
    r.used &= ~(uint32_t{1} << (index % kSpansPerRegion));
    if (r.used == 0) {
      if (r.partial) UnlinkRegion(&r);
      if (!has_spare_) {
        spare_ = static_cast<uint32_t>(&r - region_meta_);
        has_spare_ = true;
      } else {
        ReleaseRegion(&r);
      }
    } else if (was_full) {
      LinkRegion(&r);
    }
  }

  // A new run of whole blocks for an arena, cut from the class's carving span (a fresh span when
  // that one is used up); false when the reserved range is used up.
  bool CutRun(SizeClass& c, size_t block, Run* run) {
    Span* sp = c.carving;
    if (sp == nullptr || sp->bump + block > kSpan) {
      c.carving = nullptr;  // a used-up span stays until its last live block is freed
      sp = NewSpan(block);
      if (sp == nullptr) return false;
      c.carving = sp;
    }
    const size_t room = kSpan - sp->bump;
    const size_t len = (std::min(room, std::max(kRun, block)) / block) * block;
    run->next = SpanStart(sp) + sp->bump;
    run->end = run->next + len;
    run->span = sp;
    sp->bump += static_cast<uint32_t>(len);
    return true;
  }

  // An empty span for blocks of `block` bytes, from a committed region with a free span, the
  // spare, or a newly committed region; null when the reserved range is used up.
  Span* NewSpan(size_t block) {
    std::lock_guard<SpinLock> lock(regions_mu_);
    Region* r = partial_;
    if (r == nullptr) {
      r = NewRegion();
      if (r == nullptr) return nullptr;
      LinkRegion(r);
    }
    const unsigned bit = static_cast<unsigned>(__builtin_ctz(~r->used));
    r->used |= uint32_t{1} << bit;
    if (r->used == ~uint32_t{0}) UnlinkRegion(r);
    Span* sp = &span_meta_[static_cast<size_t>(r - region_meta_) * kSpansPerRegion + bit];
    *sp = Span();
    sp->block = static_cast<uint32_t>(block);
    return sp;
  }

  // Under regions_mu_: a committed region with no span in use.
  Region* NewRegion() {
    size_t index;
    if (has_spare_) {
      has_spare_ = false;
      return &region_meta_[spare_];
    }
    if (!released_.empty()) {
      index = released_.back();
      released_.pop_back();
    } else if (next_fresh_ < regions_) {
      index = next_fresh_++;
    } else {
      return nullptr;
    }
#if defined(__linux__)
    char* start = base_ + index * kRegion;
    if (mprotect(start, kRegion, PROT_READ | PROT_WRITE) != 0) {
      released_.push_back(static_cast<uint32_t>(index));
      return nullptr;
    }
#if defined(MADV_HUGEPAGE)
    madvise(start, kRegion, MADV_HUGEPAGE);  // a request: ignored where THP is off
#endif
#endif
    committed_.fetch_add(kRegion, std::memory_order_relaxed);
    Region* r = &region_meta_[index];
    *r = Region();
    r->committed = true;
    return r;
  }

  // Under regions_mu_.
  void ReleaseRegion(Region* r) {
    const size_t index = static_cast<size_t>(r - region_meta_);
#if defined(__linux__)
    char* start = base_ + index * kRegion;
    madvise(start, kRegion, MADV_DONTNEED);
    mprotect(start, kRegion, PROT_NONE);
#endif
    committed_.fetch_sub(kRegion, std::memory_order_relaxed);
    *r = Region();
    released_.push_back(static_cast<uint32_t>(index));
  }

  void LinkRegion(Region* r) {
    r->prev = nullptr;
    r->next = partial_;
    if (partial_ != nullptr) partial_->prev = r;
    partial_ = r;
    r->partial = true;
  }
  void UnlinkRegion(Region* r) {
    if (r->prev != nullptr) r->prev->next = r->next;
    else partial_ = r->next;
    if (r->next != nullptr) r->next->prev = r->prev;
    r->prev = r->next = nullptr;
    r->partial = false;
  }

  char* base_ = nullptr;
  size_t regions_ = 0;
  Region* region_meta_ = nullptr;
  Span* span_meta_ = nullptr;
  SizeClass classes_[kClasses];
  SpinLock regions_mu_;  // guards the regions: partial_, the spare, released_, next_fresh_
  Region* partial_ = nullptr;  // committed regions with a free span
  size_t next_fresh_ = 0;
  uint32_t spare_ = 0;  // an emptied region kept committed (valid when has_spare_)
  bool has_spare_ = false;
  std::vector<uint32_t> released_;
  std::atomic<uint64_t> committed_{0};
};

std::atomic<BlockHeap*> g_heap{nullptr};

// Created on first use and never destroyed: blocks may still be freed while the process exits.
BlockHeap* TheBlockHeap() {
  static BlockHeap* const heap = [] {
    BlockHeap* s = BlockHeap::Create();
    g_heap.store(s, std::memory_order_release);
    return s;
  }();
  return heap;
}

}  // namespace

void* BlockHeapAlloc(size_t size, unsigned arena) {
  if (size == 0 || size > kBlockHeapMaxBlock) return nullptr;
  BlockHeap* heap = TheBlockHeap();
  return heap == nullptr ? nullptr : heap->Alloc(size, arena);
}

bool BlockHeapOwns(const void* p) {
  const BlockHeap* heap = g_heap.load(std::memory_order_acquire);
  return heap != nullptr && p != nullptr && heap->Owns(p);
}

void BlockHeapFree(void* p) { g_heap.load(std::memory_order_acquire)->Free(p); }

uint64_t BlockHeapCommittedBytes() {
  const BlockHeap* heap = g_heap.load(std::memory_order_acquire);
  return heap == nullptr ? 0 : heap->committed();
}

}  // namespace opk::cache
