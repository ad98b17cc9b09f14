#include "cache/memory.h"

#include <cstdlib>

#include "cache/block_heap.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace opk::cache {

void* RawAlloc(size_t size, unsigned arena) {
  if (void* p = BlockHeapAlloc(size, arena)) return p;
  return std::malloc(size == 0 ? 1 : size);
}

void* HeapAlloc(size_t size) { return std::malloc(size == 0 ? 1 : size); }

void RawFree(void* p) {
  if (BlockHeapOwns(p)) {
    BlockHeapFree(p);
  } else {
    std::free(p);
  }
}

size_t AllocationCharge(const void* p, size_t requested) {
  if (BlockHeapOwns(p)) return BlockHeapBlockSize(requested);
#if defined(__GLIBC__) && !defined(OPK_SANITIZE)
  // glibc keeps one size_t header per chunk in front of the usable area.
  return p == nullptr ? 0 : malloc_usable_size(const_cast<void*>(p)) + sizeof(size_t);
#else
  (void)p;
  const size_t with_header = requested + sizeof(size_t);
  const size_t rounded = (with_header + 15) & ~static_cast<size_t>(15);
  return rounded < 32 ? 32 : rounded;
#endif
}

uint64_t ProcessMallocBytes() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  struct mallinfo2 mi = mallinfo2();
  return static_cast<uint64_t>(mi.uordblks) + static_cast<uint64_t>(mi.hblkhd) + BlockHeapCommittedBytes();
#else
  return BlockHeapCommittedBytes();
#endif
}

}  // namespace opk::cache
