#include "cache/flat_rings.h"

#include <cstring>

namespace opk::cache {

PutResult PutFlatRings(Cache* cache, const KeyView& key, const double* coords, size_t coord_count,
                       const uint32_t* ring_offsets, size_t ring_offset_count) {
  const ArrayShape shapes[2] = {{ElementType::kFloat64, coord_count}, {ElementType::kUint32, ring_offset_count}};
  Status st;
  std::shared_ptr<CachedValue> v = CachedValue::Allocate(shapes, 2, /*is_list=*/true, &st);
  if (!v) return st.code() == StatusCode::kOutOfMemory ? PutResult::kNoMemory : PutResult::kInvalid;
  if (coord_count > 0) std::memcpy(v->mutable_data(0), coords, coord_count * sizeof(double));
  if (ring_offset_count > 0) std::memcpy(v->mutable_data(1), ring_offsets, ring_offset_count * sizeof(uint32_t));
  return cache->Put(key, std::move(v));
}

bool ViewFlatRings(const CachedValue& value, FlatRingsView* out) {
  if (!value.is_list() || value.count() != 2) return false;
  const ArrayRef c = value.array(0);
  const ArrayRef r = value.array(1);
  if (c.type != ElementType::kFloat64 || r.type != ElementType::kUint32) return false;
  out->coords = static_cast<const double*>(c.data);
  out->coord_count = c.length;
  out->ring_offsets = static_cast<const uint32_t*>(r.data);
  out->ring_offset_count = r.length;
  return true;
}

}  // namespace opk::cache
