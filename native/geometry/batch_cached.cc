// The batch offset with a polygon cache: look each polygon up, offset and store the misses.
#include <cmath>
#include <vector>

#include "cache/flat_rings.h"
#include "geometry/batch_internal.h"

namespace opk::geom {

Status OffsetBatchCached(const BatchView& in, const double* values, size_t value_count, const OffsetSpec& spec,
                         BatchOut* out, cache::Cache* cache) {
  thread_local cache::PolygonKeyBuilder keys;
  thread_local std::vector<uint32_t> local_offsets;
  cache::PolygonKeyBuilder& kb = keys;
  std::vector<uint32_t>& locals = local_offsets;
  const size_t n_poly = in.polygon_count();
  const std::string tag = OffsetCacheTag(spec);
  OffsetContext ctx(spec);
  out->coords.reserve(in.coord_count * 2);
  out->ring_offsets.reserve(n_poly + 1);
  out->polygon_rings.reserve(n_poly + 1);
  for (size_t p = 0; p < n_poly; ++p) {
    const double v = values[value_count == 1 ? 0 : p];
    if (!std::isfinite(v)) return PolygonError(StatusCode::kOutOfRange, p, "delta/ratio must be finite");
    const size_t r0 = in.polygon_rings ? in.polygon_rings[p] : p;
    const size_t r1 = in.polygon_rings ? in.polygon_rings[p + 1] : p + 1;
    const cache::KeyView key = kb.Build(in.coords, in.ring_offsets, r0, r1, &v, 1, tag);
    if (cache::AppendCachedRings(cache, key, &out->coords, &out->ring_offsets)) {
      out->polygon_rings.push_back(static_cast<uint32_t>(out->ring_offsets.size() - 1));
      continue;
    }
    const size_t coords_before = out->coords.size();
    const size_t rings_before = out->ring_offsets.size();
    OPK_RETURN_IF_ERROR(OffsetOne(ctx, in, p, v, out));
    // Store this polygon's rings with offsets relative to its own first point.
    const uint32_t base = static_cast<uint32_t>(coords_before / 2);
    locals.assign(1, 0);
    for (size_t r = rings_before; r < out->ring_offsets.size(); ++r) locals.push_back(out->ring_offsets[r] - base);
    cache::PutFlatRings(cache, key, out->coords.data() + coords_before, out->coords.size() - coords_before,
                        locals.data(), locals.size());  // too large: simply not stored
  }
  return Status::Ok();
}

}  // namespace opk::geom
