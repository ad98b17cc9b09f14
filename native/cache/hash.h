// 64-bit hashing of cache keys. Used to pick a shard and a bucket; equality is always
// confirmed by comparing the full key bytes and tag, so a collision can never produce a
// false hit (see cache.h).
#pragma once

#include <cstddef>
#include <cstdint>

namespace opk::cache {

// Hashes `len` bytes at `data`. Any alignment; `data` may be null when `len` is 0.
// Multiply-fold mixing over 16-byte blocks: a few ns for a typical 64–256 byte polygon key.
uint64_t Hash64(const void* data, size_t len, uint64_t seed);

}  // namespace opk::cache
