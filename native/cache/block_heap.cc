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

constexpr size_t kRegion = size_t{2} << 20;
constexpr size_t kClasses = kBlockHeapMaxBlock / kBlockHeapLine;

constexpr size_t kRun = size_t{32} << 10;

// One reserved region's state. A region belongs to one size class while committed. Its space is
// handed out in runs (up to kRun bytes, to one arena at a time) from `bump`; freed blocks go to
// its free list and are reused before fresh space.
struct Region {
  void* free_list = nullptr;  // freed blocks, linked through their first word
  uint32_t bump = 0;          // bytes handed out as runs so far
  uint32_t live = 0;          // blocks handed out and not freed
  uint32_t block = 0;         // block size of its class
  Region* prev = nullptr;     // links in its class's list of regions with freed blocks
  Region* next = nullptr;
  bool listed = false;
};

// An arena's current run: consecutive blocks handed out in order, so that the entries one arena
// (a cache shard) stores together sit together in memory.
struct Run {
  char* next = nullptr;
  char* end = nullptr;
  Region* region = nullptr;
};

struct SizeClass {
  SpinLock mu;
  Region* with_free = nullptr;  // regions with freed blocks (doubly linked)
  Region* carving = nullptr;    // the region runs are cut from
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
      void* meta = mmap(nullptr, regions * sizeof(Region), PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (meta == MAP_FAILED) {
        munmap(raw, bytes + kRegion);
        continue;
      }
      auto* heap = new BlockHeap();
      const uintptr_t aligned = (reinterpret_cast<uintptr_t>(raw) + kRegion - 1) & ~(kRegion - 1);
      heap->base_ = reinterpret_cast<char*>(aligned);
      heap->regions_ = regions;
      heap->meta_ = static_cast<Region*>(meta);  // zero pages: every Region starts empty
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
    if (Region* r = c.with_free) {
      void* p = r->free_list;
      std::memcpy(&r->free_list, p, sizeof(void*));
      r->live += 1;
      if (r->free_list == nullptr) Unlink(c, r);
      return p;
    }
    Run& run = c.runs[arena % kBlockHeapArenas];
    if (run.next == nullptr || run.next + block > run.end) {
      if (!CutRun(c, block, &run)) return nullptr;
    }
    void* p = run.next;
    run.next += block;
    run.region->live += 1;
    return p;
  }

  void Free(void* p) {
    Region* r = &meta_[(static_cast<char*>(p) - base_) / kRegion];
    SizeClass& c = classes_[r->block / kBlockHeapLine - 1];
    std::lock_guard<SpinLock> lock(c.mu);
    r->live -= 1;
    if (r->live == 0) {
      Recycle(c, r);
      return;
    }
    std::memcpy(p, &r->free_list, sizeof(void*));
    r->free_list = p;
    if (!r->listed) Link(c, r);
  }

  uint64_t committed() const { return committed_.load(std::memory_order_relaxed); }

 private:
  char* RegionStart(const Region* r) const { return base_ + static_cast<size_t>(r - meta_) * kRegion; }

  static void Link(SizeClass& c, Region* r) {
    r->prev = nullptr;
    r->next = c.with_free;
    if (c.with_free != nullptr) c.with_free->prev = r;
    c.with_free = r;
    r->listed = true;
  }
  static void Unlink(SizeClass& c, Region* r) {
    if (r->prev != nullptr) r->prev->next = r->next;
    else c.with_free = r->next;
    if (r->next != nullptr) r->next->prev = r->prev;
    r->prev = r->next = nullptr;
    r->listed = false;
  }

  // A region with no live block leaves its class: runs into it are dropped, and it becomes the
  // process's spare (kept committed: the next new region of any class reuses it without a system
  // call or fresh page faults) or, when there is one already, goes back to the kernel. So an
  // emptied cache holds at most one region.
  void Recycle(SizeClass& c, Region* r) {
    for (Run& run : c.runs) {
      if (run.region == r) run = Run();
    }
    if (c.carving == r) c.carving = nullptr;
    if (r->listed) Unlink(c, r);
    *r = Region();
    const auto index = static_cast<uint32_t>(r - meta_);
    {
      std::lock_guard<SpinLock> lock(regions_mu_);
      if (!has_spare_) {
        spare_ = index;
        has_spare_ = true;
        return;
      }
    }
    ReleaseRegion(r);
  }

  // A new run of whole blocks for an arena, cut from the class's carving region (a fresh region
  // when that one is used up); false when the reserved range is used up.
  bool CutRun(SizeClass& c, size_t block, Run* run) {
    Region* r = c.carving;
    if (r == nullptr || r->bump + block > kRegion) {
      c.carving = nullptr;  // a used-up region stays until its last live block is freed
      r = NewRegion(block);
      if (r == nullptr) return false;
      c.carving = r;
    }
    const size_t room = kRegion - r->bump;
    const size_t len = (std::min(room, std::max(kRun, block)) / block) * block;
    run->next = RegionStart(r) + r->bump;
    run->end = run->next + len;
    run->region = r;
    r->bump += static_cast<uint32_t>(len);
    return true;
  }

  // A committed, empty region for blocks of `block` bytes; null when the range is used up.
  Region* NewRegion(size_t block) {
    size_t index;
    {
      std::lock_guard<SpinLock> lock(regions_mu_);
      if (has_spare_) {
        has_spare_ = false;
        Region* r = &meta_[spare_];
        *r = Region();
        r->block = static_cast<uint32_t>(block);
        return r;  // still committed
      }
      if (!released_.empty()) {
        index = released_.back();
        released_.pop_back();
      } else if (next_fresh_ < regions_) {
        index = next_fresh_++;
      } else {
        return nullptr;
      }
    }
#if defined(__linux__)
    char* start = base_ + index * kRegion;
    if (mprotect(start, kRegion, PROT_READ | PROT_WRITE) != 0) {
      std::lock_guard<SpinLock> lock(regions_mu_);
      released_.push_back(static_cast<uint32_t>(index));
      return nullptr;
    }
#if defined(MADV_HUGEPAGE)
    madvise(start, kRegion, MADV_HUGEPAGE);  // a request: ignored where THP is off
#endif
#endif
    committed_.fetch_add(kRegion, std::memory_order_relaxed);
    Region* r = &meta_[index];
    *r = Region();
    r->block = static_cast<uint32_t>(block);
    return r;
  }

  void ReleaseRegion(Region* r) {
    const size_t index = static_cast<size_t>(r - meta_);
#if defined(__linux__)
    char* start = base_ + index * kRegion;
    madvise(start, kRegion, MADV_DONTNEED);
    mprotect(start, kRegion, PROT_NONE);
#endif
    committed_.fetch_sub(kRegion, std::memory_order_relaxed);
    *r = Region();
    std::lock_guard<SpinLock> lock(regions_mu_);
    released_.push_back(static_cast<uint32_t>(index));
  }

  char* base_ = nullptr;
  size_t regions_ = 0;
  Region* meta_ = nullptr;
  SizeClass classes_[kClasses];
  SpinLock regions_mu_;
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
