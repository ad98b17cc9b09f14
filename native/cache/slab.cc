#include "cache/slab.h"

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
constexpr size_t kClasses = kSlabMaxBlock / kSlabLine;

// One reserved region's state. A region belongs to one size class while committed.
struct Region {
  void* free_list = nullptr;  // freed blocks, linked through their first word
  uint32_t bump = 0;          // bytes carved from the region's start so far
  uint32_t live = 0;          // blocks handed out and not freed
  uint32_t block = 0;         // block size of its class
  Region* prev = nullptr;     // links in its class's list of regions with room
  Region* next = nullptr;
  bool listed = false;
};

struct SizeClass {
  SpinLock mu;
  Region* with_room = nullptr;  // regions that can hand out a block (doubly linked)
  size_t listed = 0;
};

class Slab {
 public:
  // Null where the address range cannot be reserved (or on platforms without mmap).
  static Slab* Create() {
#if defined(__linux__) && !defined(OPK_SANITIZE)
    const char* env = std::getenv("OCR_PERFKIT_CACHE_SLAB");
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
      auto* slab = new Slab();
      const uintptr_t aligned = (reinterpret_cast<uintptr_t>(raw) + kRegion - 1) & ~(kRegion - 1);
      slab->base_ = reinterpret_cast<char*>(aligned);
      slab->regions_ = regions;
      slab->meta_ = static_cast<Region*>(meta);  // zero pages: every Region starts empty
      return slab;
    }
#endif
    return nullptr;
  }

  bool Owns(const void* p) const {
    const auto* c = static_cast<const char*>(p);
    return c >= base_ && c < base_ + regions_ * kRegion;
  }

  void* Alloc(size_t size) {
    const size_t block = SlabBlockSize(size);
    SizeClass& c = classes_[block / kSlabLine - 1];
    std::lock_guard<SpinLock> lock(c.mu);
    Region* r = c.with_room;
    if (r == nullptr) {
      r = NewRegion(block);
      if (r == nullptr) return nullptr;
      Link(c, r);
    }
    void* p;
    if (r->free_list != nullptr) {
      p = r->free_list;
      std::memcpy(&r->free_list, p, sizeof(void*));
    } else {
      p = RegionStart(r) + r->bump;
      r->bump += static_cast<uint32_t>(block);
    }
    r->live += 1;
    if (r->free_list == nullptr && r->bump + block > kRegion) Unlink(c, r);
    return p;
  }

  void Free(void* p) {
    Region* r = &meta_[(static_cast<char*>(p) - base_) / kRegion];
    SizeClass& c = classes_[r->block / kSlabLine - 1];
    std::lock_guard<SpinLock> lock(c.mu);
    std::memcpy(p, &r->free_list, sizeof(void*));
    r->free_list = p;
    r->live -= 1;
    if (!r->listed) Link(c, r);
    // An empty region goes back to the kernel unless it is the class's only one with room.
    if (r->live == 0 && c.listed > 1) {
      Unlink(c, r);
      ReleaseRegion(r);
    }
  }

  uint64_t committed() const { return committed_.load(std::memory_order_relaxed); }

 private:
  char* RegionStart(const Region* r) const { return base_ + static_cast<size_t>(r - meta_) * kRegion; }

  static void Link(SizeClass& c, Region* r) {
    r->prev = nullptr;
    r->next = c.with_room;
    if (c.with_room != nullptr) c.with_room->prev = r;
    c.with_room = r;
    r->listed = true;
    c.listed += 1;
  }
  static void Unlink(SizeClass& c, Region* r) {
    if (r->prev != nullptr) r->prev->next = r->next;
    else c.with_room = r->next;
    if (r->next != nullptr) r->next->prev = r->prev;
    r->prev = r->next = nullptr;
    r->listed = false;
    c.listed -= 1;
  }

  // A committed, empty region for blocks of `block` bytes; null when the range is used up.
  Region* NewRegion(size_t block) {
    size_t index;
    {
      std::lock_guard<SpinLock> lock(regions_mu_);
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
      released_.push_back(index);
      return nullptr;
    }
#if defined(MADV_HUGEPAGE)
    madvise(start, kRegion, MADV_HUGEPAGE);  // a request: ignored where THP is off
#endif
#endif
    committed_.fetch_add(kRegion, std::memory_order_relaxed);
    Region* r = &meta_[index];
    r->free_list = nullptr;
    r->bump = 0;
    r->live = 0;
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
    r->free_list = nullptr;
    r->bump = 0;
    std::lock_guard<SpinLock> lock(regions_mu_);
    released_.push_back(static_cast<uint32_t>(index));
  }

  char* base_ = nullptr;
  size_t regions_ = 0;
  Region* meta_ = nullptr;
  SizeClass classes_[kClasses];
  SpinLock regions_mu_;
  size_t next_fresh_ = 0;
  std::vector<uint32_t> released_;
  std::atomic<uint64_t> committed_{0};
};

std::atomic<Slab*> g_slab{nullptr};

// Created on first use and never destroyed: blocks may still be freed while the process exits.
Slab* TheSlab() {
  static Slab* const slab = [] {
    Slab* s = Slab::Create();
    g_slab.store(s, std::memory_order_release);
    return s;
  }();
  return slab;
}

}  // namespace

void* SlabAlloc(size_t size) {
  if (size == 0 || size > kSlabMaxBlock) return nullptr;
  Slab* slab = TheSlab();
  return slab == nullptr ? nullptr : slab->Alloc(size);
}

bool SlabOwns(const void* p) {
  const Slab* slab = g_slab.load(std::memory_order_acquire);
  return slab != nullptr && p != nullptr && slab->Owns(p);
}

void SlabFree(void* p) { g_slab.load(std::memory_order_acquire)->Free(p); }

uint64_t SlabCommittedBytes() {
  const Slab* slab = g_slab.load(std::memory_order_acquire);
  return slab == nullptr ? 0 : slab->committed();
}

}  // namespace opk::cache
