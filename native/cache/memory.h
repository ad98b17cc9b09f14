// Allocation helpers that report what a block really costs the process, so that the cache's
// byte accounting matches measured native memory growth (not just payload sizes).
#pragma once

#include <cstddef>
#include <cstdint>

namespace opk::cache {

// Allocates `size` bytes with malloc; returns null on failure (never throws).
void* RawAlloc(size_t size);
void RawFree(void* p);

// Bytes the allocator actually holds for a live block returned by RawAlloc/malloc of `size`
// requested bytes: the usable size plus the allocator's per-chunk header (glibc), or a
// 16-byte-granular estimate elsewhere.
size_t AllocationCharge(const void* p, size_t requested);

// Test/diagnostic hook: bytes currently allocated through malloc in the whole process
// (glibc mallinfo2 in-use + mmapped); 0 where unavailable.
uint64_t ProcessMallocBytes();

}  // namespace opk::cache
