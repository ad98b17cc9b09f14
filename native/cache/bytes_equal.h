// Exact byte equality for the short keys and tags of the cache's hot paths, without a library
// call for the usual sizes (keys are 40-200 bytes; a memcmp call costs more than the compare).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace opk::cache {

inline bool BytesEqual(const void* a_ptr, const void* b_ptr, size_t n) {
  const auto* a = static_cast<const unsigned char*>(a_ptr);
  const auto* b = static_cast<const unsigned char*>(b_ptr);
  if (n > 256) return std::memcmp(a, b, n) == 0;
#if defined(__SSE2__)
  if (n >= 16) {
    // 16 bytes at a time; the last block overlaps the one before it instead of a byte tail.
    __m128i diff = _mm_setzero_si128();
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
      diff = _mm_or_si128(diff, _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)),
                                              _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i))));
    if (i < n)
      diff = _mm_or_si128(diff, _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + n - 16)),
                                              _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + n - 16))));
    return _mm_movemask_epi8(_mm_cmpeq_epi8(diff, _mm_setzero_si128())) == 0xFFFF;
  }
#endif
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
