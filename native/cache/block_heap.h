// A process-wide allocator for the cache's entries (each one block: node, key, tag, value): size
// classes of 64-byte multiples up to kBlockHeapMaxBlock. Memory comes from one reserved address
// range in 2 MiB regions, each committed and advised for transparent huge pages as a unit; a
// size class takes 64 KiB spans of a region at a time. Why not malloc: a cache lookup touches a
// few lines of one entry, spread over many MiB; on 4 KiB pages most lookups also miss the TLB,
// and malloc's 16-byte alignment makes an entry straddle one line more than its size needs.
// Blocks here start on a cache line and sit on huge pages where the kernel allows (THP
// "madvise" or "always").
//
// A span whose blocks are all free returns to its region; a region with no span in use goes back
// to the kernel, except one kept committed as a spare (so an emptied heap holds at most 2 MiB).
// With entry sizes spread over all classes, memory held is ~1.25x the live blocks (random sizes
// up to 4 KiB with random eviction; 1.06x for sizes up to 400 bytes). Thread-safe (one spin lock
// per size class and one for the regions; a block may be freed on any thread).
// Where the range cannot be reserved (address-space limits), in sanitizer builds (ASan must see
// every block) or with OCR_PERFKIT_CACHE_HUGE_PAGES=0 in the environment, BlockHeapAlloc returns
// null and callers use malloc. The range is 64 GiB of address space (less where that cannot be
// reserved), reserved without memory: only regions in use are committed.
#pragma once

#include <cstddef>
#include <cstdint>

namespace opk::cache {

inline constexpr size_t kBlockHeapLine = 64;
inline constexpr size_t kBlockHeapMaxBlock = 4096;
inline constexpr unsigned kBlockHeapArenas = 64;

// A block of at least `size` bytes (1..kBlockHeapMaxBlock), 64-byte aligned; null when `size` is out
// of range, the heap is unavailable or out of room (the caller falls back to malloc). Blocks
// freed earlier are reused first; fresh blocks come from a run of consecutive memory per `arena`
// (taken modulo kBlockHeapArenas): the cache passes its shard, so entries that one shard stores in
// sequence sit in sequence, and a batch lookup (which walks a batch shard by shard) reads memory
// in order rather than jumping between shards' entries.
void* BlockHeapAlloc(size_t size, unsigned arena = 0);
// Whether `p` was returned by BlockHeapAlloc (an address-range test).
bool BlockHeapOwns(const void* p);
// Frees a block from BlockHeapAlloc.
void BlockHeapFree(void* p);
// The bytes a BlockHeapAlloc of `size` holds (its size class).
inline size_t BlockHeapBlockSize(size_t size) { return (size + kBlockHeapLine - 1) & ~(kBlockHeapLine - 1); }

// Bytes of regions currently committed (handed out by the kernel to the heap), for the memory
// accounting checks.
uint64_t BlockHeapCommittedBytes();

}  // namespace opk::cache
