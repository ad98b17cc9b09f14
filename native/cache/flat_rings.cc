#include "cache/flat_rings.h"

#include <cstring>

#include "cache/bytes_equal.h"
#include "cache/hash.h"

namespace opk::cache {

namespace {
// Copies doubles with plain 8-byte moves: keys are short (a quad is 8 doubles), where a memcpy
// call costs more than the copy, and the hash reads the result right away with 8-byte loads
// (which wide vector stores would not forward to).
__attribute__((optimize("no-tree-loop-distribute-patterns"))) inline void CopyDoubles(double* dst, const double* src,
                                                                                       size_t n) {
  for (size_t i = 0; i < n; ++i) {
    uint64_t v;
    std::memcpy(&v, src + i, 8);
    std::memcpy(dst + i, &v, 8);
  }
}


}  // namespace

void PolygonKeyBatch::Reset(std::string_view tag, size_t doubles) {
  arena_size_ = 0;
  keys_.clear();
  if (doubles > arena_.size()) arena_.resize(doubles);
  if (!has_tag_ || tag.size() != tag_.size() || !BytesEqual(tag.data(), tag_.data(), tag.size())) {
    tag_.assign(tag.data(), tag.size());
    tag_hash_ = KeyView::TagHash(tag_);
    quad_hash_ = HashShortPrepare(10 * sizeof(double), tag_hash_);
    has_tag_ = true;
  }
}

bool PolygonKeyBatch::Add(const double* coords, const uint32_t* ring_offsets, size_t ring_begin, size_t ring_end,
                          const double* params, size_t param_count) {
  const size_t n_rings = ring_end - ring_begin;
  const size_t first = n_rings > 0 ? static_cast<size_t>(ring_offsets[ring_begin]) * 2 : 0;
  const size_t last = n_rings > 0 ? static_cast<size_t>(ring_offsets[ring_end]) * 2 : 0;
  if (n_rings == 1 && param_count == 1 && last - first == 8) return AddQuad(coords + first, params);
  const size_t at = arena_size_;
  const size_t size = param_count + StructureWords(n_rings) + (last - first);
  if (size > arena_.size() - at) return false;
  double* key = arena_.data() + at;
  double* out = key;
  CopyDoubles(out, params, param_count);
  out += param_count;
  // The ring structure: n_rings and the rings' point counts, 32 bits each, two to a word.
  const auto ring_size = [&](size_t r) -> uint64_t { return ring_offsets[ring_begin + r + 1] - ring_offsets[ring_begin + r]; };
  for (size_t wi = 0; wi < StructureWords(n_rings); ++wi) {
    // Word 0: n_rings (high half), ring 0 (low half); word k > 0: rings 2k - 1 (low), 2k (high).
    uint64_t word;
    if (wi == 0) {
      word = (static_cast<uint64_t>(n_rings) << 32) | (n_rings > 0 ? ring_size(0) : 0);
    } else {
      const size_t lo = 2 * wi - 1;
      word = ring_size(lo) | (lo + 1 < n_rings ? ring_size(lo + 1) << 32 : 0);
    }
    std::memcpy(out++, &word, sizeof word);
  }
  if (last > first) CopyDoubles(out, coords + first, last - first);
  arena_size_ = at + size;
  KeyView k;
  k.data = key;
  k.size = size * sizeof(double);
  k.tag = tag_;
  k.hash = Hash64(key, k.size, tag_hash_);
  keys_.push_back(k);
  return true;
}

PutResult PutFlatRings(Cache* cache, const KeyView& key, const double* coords, size_t coord_count,
                       const uint32_t* ring_offsets, size_t ring_offset_count) {
  const ArraySpan arrays[2] = {{ElementType::kFloat64, coords, coord_count},
                               {ElementType::kUint32, ring_offsets, ring_offset_count}};
  return cache->PutArrays(key, arrays, 2, /*is_list=*/true);
}

}  // namespace opk::cache
