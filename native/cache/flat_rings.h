// Helpers for caching polygon results in the flat layout that crosses the N-API boundary
// (coords = x0, y0, x1, y1, ...; ring_offsets = n_rings + 1 point indices, starting at 0).
//
// Used by geometry's cached batch offset (native/geometry/batch_cached.cc): build the keys of a
// chunk of polygons (PolygonKeyBatch), look them up together (Cache::VisitMany, reading hits with
// ViewFlatRings), compute the misses and store each with PutFlatRings. A value stored this way
// reads from JS as [Float64Array coords, Uint32Array ringOffsets].
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "cache/cache.h"
#include "cache/hash.h"
#include "common/uninit_vector.h"

namespace opk::cache {

struct FlatRingsView {
  const double* coords = nullptr;
  size_t coord_count = 0;  // doubles
  const uint32_t* ring_offsets = nullptr;
  size_t ring_offset_count = 0;  // n_rings + 1 (0 for an empty result)
};

// Keys of many polygons of a flat batch, for Cache::VisitMany. Each key's 8-byte words are
//   [params..., structure..., x0, y0, x1, y1, ...]
// where the structure packs the ring count and each ring's point count as 32-bit halves, two to
// a word (word 0: ring count high, ring 0 low; then rings 1 and 2, 3 and 4, ...), so that
// per-polygon parameters (a delta or ratio that varies per polygon) and the ring structure are
// part of the exact key, next to the coordinates; the tag names the operation and the batch-wide
// parameters. A quad with one parameter is 80 bytes. Reset with room for the keys' doubles (at
// most params + 1 + rings + 2 * points per polygon), then Add each polygon; keys()[i] is polygon
// i's key, hashed as it is added (valid until the next Reset).
class PolygonKeyBatch {
 public:
  void Reset(std::string_view tag, size_t doubles);
  // Adds past the room given to Reset are refused (returns false, nothing added).
  bool Add(const double* coords, const uint32_t* ring_offsets, size_t ring_begin, size_t ring_end,
           const double* params, size_t param_count);
  // Add for one ring of 4 points (xy: its 8 coordinates) and one parameter: the same key and
  // hash, inline (the batch offset's per-polygon loop for DB boxes).
  bool AddQuad(const double* xy, const double* param) {
    constexpr size_t kDoubles = 10;
    if (kDoubles > arena_.size() - arena_size_) return false;
    double* key = arena_.data() + arena_size_;
    // The key's 10 words, loaded once: the hash reads them from registers (HashShortWords: the
    // same value as Hash64 over the stored key), then they are stored.
    uint64_t w[kDoubles];
    std::memcpy(&w[0], param, 8);
    w[1] = (uint64_t{1} << 32) | 4;  // one ring of four points
    for (size_t i = 0; i < 8; ++i) w[2 + i] = hash_detail::Load64(reinterpret_cast<const unsigned char*>(xy + i));
    const uint64_t hash = HashShortWords<kDoubles>(w, quad_hash_);
    for (size_t i = 0; i < kDoubles; ++i) std::memcpy(key + i, &w[i], 8);
    arena_size_ += kDoubles;
    KeyView& k = keys_.emplace_back();  // written in place (a copied KeyView would be re-read from
    k.data = key;                       // the stack before its stores complete)
    k.size = sizeof w;
    k.tag = tag_;
    k.hash = hash;
    return true;
  }
  // Words of a key's ring structure for n rings (n and the point counts, 32 bits each).
  static size_t StructureWords(size_t n_rings) { return 1 + n_rings / 2; }
  const KeyView* keys() const { return keys_.data(); }
  size_t size() const { return keys_.size(); }

 private:
  // The keys' doubles, back to back (arena_size_ of them used). Sized by Reset only, so the keys
  // already handed out stay valid; grown without zero-filling (every element used is written).
  UninitVector<double> arena_;
  size_t arena_size_ = 0;
  std::vector<KeyView> keys_;
  std::string tag_;
  uint64_t tag_hash_ = 0;
  HashShortSeeded quad_hash_;  // for the 80-byte keys of one-ring quads
  bool has_tag_ = false;
};

// Builds a [Float64 coords, Uint32 ring_offsets] list value and stores it under `key`.
// Returns what Cache::Put returned, or kNoMemory / kInvalid when the value could not be built.
PutResult PutFlatRings(Cache* cache, const KeyView& key, const double* coords, size_t coord_count,
                       const uint32_t* ring_offsets, size_t ring_offset_count);

// Reads a value stored by PutFlatRings; false when `value` has another shape (e.g. a JS caller
// stored something else under the same key and tag). Inline: batch loops call it per hit.
inline bool ViewFlatRings(const ValueRef& value, FlatRingsView* out) {
  if (!value.is_list || value.count != 2) return false;
  const ArrayRef c = value.array(0);
  const ArrayRef r = value.array(1);
  if (c.type != ElementType::kFloat64 || r.type != ElementType::kUint32) return false;
  out->coords = static_cast<const double*>(c.data);
  out->coord_count = c.length;
  out->ring_offsets = static_cast<const uint32_t*>(r.data);
  out->ring_offset_count = r.length;
  return true;
}

inline bool ViewFlatRings(const CachedValue& value, FlatRingsView* out) { return ViewFlatRings(value.ref(), out); }

}  // namespace opk::cache
