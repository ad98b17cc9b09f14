// Exact byte equality for the short keys and tags of the cache's hot paths, without a library
// call for the usual sizes (keys are 40-200 bytes; a memcmp call costs more than the compare).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace opk::cache {

inline bool BytesEqual(const void* a_ptr, const void* b_ptr, size_t n) {
  const auto* a = static_cast<const unsigned char*>(a_ptr);
  const auto* b = static_cast<const unsigned char*>(b_ptr);
  if (n > 256) return std::memcmp(a, b, n) == 0;
  uint64_t diff = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    uint64_t y;
    std::memcpy(&x, a + i, 8);
    std::memcpy(&y, b + i, 8);
    diff |= x ^ y;
  }
  for (; i < n; ++i) diff |= static_cast<uint64_t>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace opk::cache
