// 64-bit hashing of cache keys. Used to pick a shard and a bucket; equality is always
// confirmed by comparing the full key bytes and tag, so a collision can never produce a
// false hit (see cache.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace opk::cache {

namespace hash_detail {

inline constexpr uint64_t kK0 = 0x9E3779B97F4A7C15ull;
inline constexpr uint64_t kK1 = 0xD1B54A32D192ED03ull;
inline constexpr uint64_t kK2 = 0x8CB92BA72F3D8DD7ull;
inline constexpr uint64_t kK3 = 0xF1357AEA2E62A9C5ull;

inline uint64_t Load64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Full 64x64->128 multiply, folded back to 64 bits: every input bit reaches every output bit.
__extension__ typedef unsigned __int128 U128;

inline uint64_t Fold(uint64_t a, uint64_t b) {
  const U128 r = static_cast<U128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

}  // namespace hash_detail

// Hashes 16..128 bytes: one multiply-fold per 16-byte block (the last block overlapping the one
// before it), each block with its own constants, summed: the multiplies are independent, so a
// typical 64-128 byte polygon key costs a few cycles per block instead of a dependent chain.
inline uint64_t HashShort(const unsigned char* p, size_t len, uint64_t seed) {
  using namespace hash_detail;  // NOLINT(build/namespaces)
  const size_t blocks = (len + 15) / 16;  // 1..8
  uint64_t acc = Fold(seed ^ kK0, static_cast<uint64_t>(len) ^ kK1);
  for (size_t i = 0; i < blocks; ++i) {
    const size_t at = 16 * i + 16 <= len ? 16 * i : len - 16;
    const uint64_t ka = kK2 * (2 * i + 1);
    const uint64_t kb = kK3 * (2 * i + 3);
    acc += Fold(Load64(p + at) ^ ka ^ seed, Load64(p + at + 8) ^ kb);
  }
  return Fold(acc ^ kK3, acc + kK0 + static_cast<uint64_t>(len));
}

// HashShort for many keys of one length and seed (a batch of polygon keys): the per-key work
// that depends only on them is done once by HashShortPrepare. Same values as HashShort.
struct HashShortSeeded {
  uint64_t acc0 = 0;
  uint64_t ka_seed[8] = {};
};
inline HashShortSeeded HashShortPrepare(size_t len, uint64_t seed) {
  using namespace hash_detail;  // NOLINT(build/namespaces)
  HashShortSeeded h;
  h.acc0 = Fold(seed ^ kK0, static_cast<uint64_t>(len) ^ kK1);
  for (size_t i = 0; i < 8; ++i) h.ka_seed[i] = (kK2 * (2 * i + 1)) ^ seed;
  return h;
}
// HashShort of the bytes of kWords 8-byte words w[0, kWords) (little-endian: a word is what
// Load64 reads there), for a key whose words are at hand in registers; kWords even, so every
// 16-byte block is two whole words.
template <size_t kWords>
inline uint64_t HashShortWords(const uint64_t* w, const HashShortSeeded& pre) {
  using namespace hash_detail;  // NOLINT(build/namespaces)
  static_assert(kWords >= 2 && kWords <= 16 && kWords % 2 == 0, "whole 16-byte blocks of 16..128 bytes");
  uint64_t acc = pre.acc0;
  for (size_t b = 0; b < kWords / 2; ++b) acc += Fold(w[2 * b] ^ pre.ka_seed[b], w[2 * b + 1] ^ (kK3 * (2 * b + 3)));
  return Fold(acc ^ kK3, acc + kK0 + static_cast<uint64_t>(8 * kWords));
}

// Hashes `len` bytes at `data`. Any alignment; `data` may be null when `len` is 0.
// Multiply-fold mixing over 16-byte blocks: a few ns for a typical 64-256 byte polygon key.
// Inline: it runs once per lookup on the hot path.
inline uint64_t Hash64(const void* data, size_t len, uint64_t seed) {
  using namespace hash_detail;  // NOLINT(build/namespaces)
  const auto* p = static_cast<const unsigned char*>(data);
  if (len >= 16 && len <= 128) return HashShort(p, len, seed);
  uint64_t h = Fold(seed ^ kK0, static_cast<uint64_t>(len) ^ kK1);
  size_t n = len;
  if (n >= 32) {
    // Two independent lanes: the multiplies of consecutive blocks overlap instead of chaining.
    uint64_t h2 = h ^ kK2;
    while (n >= 32) {
      h = Fold(Load64(p) ^ kK2, Load64(p + 8) ^ h ^ kK3) + kK0;
      h2 = Fold(Load64(p + 16) ^ kK1, Load64(p + 24) ^ h2 ^ kK0) + kK3;
      p += 32;
      n -= 32;
    }
    h = Fold(h ^ kK1, h2 ^ kK2);
  }
  while (n >= 16) {
    h = Fold(Load64(p) ^ kK2, Load64(p + 8) ^ h ^ kK3) + kK0;
    p += 16;
    n -= 16;
  }
  uint64_t a = 0;
  uint64_t b = 0;
  if (n >= 8) {
    a = Load64(p);
    n -= 8;
    p += 8;
    unsigned char tail[8] = {0};
    std::memcpy(tail, p, n);
    b = Load64(tail) ^ (static_cast<uint64_t>(n) << 59);
  } else {
    unsigned char tail[8] = {0};
    if (n > 0) std::memcpy(tail, p, n);
    a = Load64(tail) ^ (static_cast<uint64_t>(n) << 59);
  }
  h = Fold(a ^ kK1 ^ h, b ^ kK2);
  return Fold(h ^ kK3, h + kK0 + static_cast<uint64_t>(len));
}

}  // namespace opk::cache
