// Allocation helpers that report what a block really costs the process, so that the cache's
// byte accounting matches measured native memory growth (not just payload sizes).
#pragma once

#include <cstddef>
#include <cstdint>

namespace opk::cache {

// Allocates `size` bytes (the block heap for small blocks, see block_heap.h; malloc otherwise); returns null
// on failure (never throws). Blocks are at least 16-byte aligned (64 from the block heap).
void* RawAlloc(size_t size, unsigned arena = 0);  // arena: see BlockHeapAlloc
// Allocates with malloc only (for blocks that are few and grow, like hash tables: the block heap's 2 MiB
// regions per size class would cost more than they save there). Freed by RawFree too.
void* HeapAlloc(size_t size);
void RawFree(void* p);

// Bytes the allocator actually holds for a live block returned by RawAlloc/malloc of `size`
// requested bytes: the usable size plus the allocator's per-chunk header (glibc), or a
// 16-byte-granular estimate elsewhere.
size_t AllocationCharge(const void* p, size_t requested);

// Test/diagnostic hook: native heap bytes of the whole process: malloc's (glibc mallinfo2 in-use
// + mmapped; 0 where unavailable) plus the block heap's committed regions.
uint64_t ProcessMallocBytes();

}  // namespace opk::cache
