// Benchmark hook of the cache area: what geometry's batch offset will do per polygon once it
// consults the cache natively (see native/cache/flat_rings.h), measured without geometry.
#include "binding/cache_bench_hooks.h"

#include <string>
#include <vector>

#include "binding/args.h"
#include "binding/cache_handle.h"
#include "binding/errors.h"
#include "cache/flat_rings.h"

namespace opk::binding {

// cacheBenchBatchLookup(handle, coords: Float64Array, ringOffsets: Uint32Array, tag: string,
//                       fill: boolean) -> {hits, misses, outDoubles}
// For each ring (a one-ring polygon): key = PolygonKeyBuilder(ring, param 1.5) + tag; a hit appends the cached rings to an output
// vector (as OffsetBatch appends to BatchOut); a miss stores the ring itself as the "result"
// when `fill`. Synchronous on purpose (benchmark only: callers keep batches small).
Napi::Value CacheBenchBatchLookup(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5) ThrowType(env, "expected (handle, coords, ringOffsets, tag, fill)");
  std::shared_ptr<opk::cache::Cache> cache = CacheHandle::CacheFromValue(info[0]);
  ArrayView<double> coords = RequireFloat64Array(info[1], "coords");
  ArrayView<uint32_t> rings = RequireUint32Array(info[2], "ringOffsets");
  const std::string tag = RequireString(info[3], "tag");
  const bool fill = RequireBoolean(info[4], "fill");
  std::vector<double> out_coords;
  std::vector<uint32_t> out_offsets{0};
  out_coords.reserve(coords.length);
  double hits = 0;
  double misses = 0;
  opk::cache::PolygonKeyBuilder builder;
  const double param = 1.5;  // stands for the per-polygon delta / ratio
  for (size_t r = 0; r + 1 < rings.length; ++r) {
    const size_t begin = static_cast<size_t>(rings.data[r]) * 2;
    const size_t end = static_cast<size_t>(rings.data[r + 1]) * 2;
    if (begin > end || end > coords.length) ThrowRange(env, "ringOffsets out of range", "ERR_BUFFER_SIZE");
    const opk::cache::KeyView key = builder.Build(coords.data, rings.data, r, r + 1, &param, 1, tag);
    opk::cache::ValuePtr hit = cache->Get(key);
    opk::cache::FlatRingsView view;
    if (hit && opk::cache::ViewFlatRings(*hit, &view)) {
      hits += 1;
      const uint32_t base = static_cast<uint32_t>(out_coords.size() / 2);
      out_coords.insert(out_coords.end(), view.coords, view.coords + view.coord_count);
      for (size_t i = 1; i < view.ring_offset_count; ++i) out_offsets.push_back(base + view.ring_offsets[i]);
      continue;
    }
    misses += 1;
    if (fill) {
      const uint32_t ring[2] = {0, static_cast<uint32_t>((end - begin) / 2)};
      opk::cache::PutFlatRings(cache.get(), key, coords.data + begin, end - begin, ring, 2);
    }
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("hits", hits);
  o.Set("misses", misses);
  o.Set("outDoubles", static_cast<double>(out_coords.size()));
  return o;
}

}  // namespace opk::binding
