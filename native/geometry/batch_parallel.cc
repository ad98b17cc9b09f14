#include "geometry/batch_parallel.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "common/thread_pool.h"
#include "geometry/batch_internal.h"

namespace opk::geom {
namespace {

// One chunk: polygons [p0, p1) of the batch, with its ring and polygon offsets rebased to start
// at 0 (OffsetBatch reads point indices relative to the view's first coordinate).
struct Chunk {
  size_t p0 = 0, p1 = 0;
  std::vector<uint32_t> ring_offsets;
  std::vector<uint32_t> polygon_rings;
  BatchView view;
  BatchOut out;
  Status status;
};

void MakeChunk(const BatchView& in, size_t p0, size_t p1, Chunk* c) {
  c->p0 = p0;
  c->p1 = p1;
  const size_t r0 = in.polygon_rings ? in.polygon_rings[p0] : p0;
  const size_t r1 = in.polygon_rings ? in.polygon_rings[p1] : p1;
  const uint32_t pt0 = in.ring_offsets[r0];
  c->ring_offsets.resize(r1 - r0 + 1);
  for (size_t r = r0; r <= r1; ++r) c->ring_offsets[r - r0] = in.ring_offsets[r] - pt0;
  c->view.coords = in.coords + 2 * static_cast<size_t>(pt0);
  c->view.coord_count = 2 * static_cast<size_t>(in.ring_offsets[r1] - pt0);
  c->view.ring_offsets = c->ring_offsets.data();
  c->view.ring_offset_count = c->ring_offsets.size();
  if (in.polygon_rings) {
    c->polygon_rings.resize(p1 - p0 + 1);
    for (size_t p = p0; p <= p1; ++p) c->polygon_rings[p - p0] = in.polygon_rings[p] - static_cast<uint32_t>(r0);
    c->view.polygon_rings = c->polygon_rings.data();
    c->view.polygon_ring_count = c->polygon_rings.size();
  }
}

// Appends `src` (offsets starting at 0) to `dst` (which holds at least its leading 0), shifted.
void AppendShifted(UninitVector<uint32_t>* dst, const UninitVector<uint32_t>& src, uint32_t shift) {
  const size_t at = dst->size();
  dst->resize(at + src.size() - 1);
  uint32_t* d = dst->data() + at;
  for (size_t i = 1; i < src.size(); ++i) d[i - 1] = src[i] + shift;
}

}  // namespace

Status OffsetBatchParallel(const BatchView& in, const double* values, size_t value_count, const OffsetSpec& spec,
                           BatchOut* out, cache::Cache* cache, size_t max_threads) {
  ThreadPool& pool = ThreadPool::Shared();
  const size_t n_poly = in.polygon_count();
  size_t threads = pool.workers();
  if (max_threads != 0) threads = std::min(threads, max_threads);
  // A few chunks per thread, so that uneven polygons balance themselves.
  const size_t chunk = std::max(kMinParallelChunk, (n_poly + 4 * threads - 1) / (4 * threads));
  if (threads < 2 || n_poly < 2 * kMinParallelChunk) return OffsetBatch(in, values, value_count, spec, out, cache);
  // Validated once here: the chunks run OffsetBatch's loop without its checks.
  out->Clear();
  if (value_count != 1 && value_count != n_poly) return OffsetBatch(in, values, value_count, spec, out, cache);
  OPK_RETURN_IF_ERROR(ValidateBatch(in, spec.scale, spec.end == EndType::kPolygon ? 3 : 1));

  std::vector<Chunk> chunks((n_poly + chunk - 1) / chunk);
  for (size_t k = 0; k < chunks.size(); ++k) MakeChunk(in, k * chunk, std::min(n_poly, (k + 1) * chunk), &chunks[k]);
  pool.ParallelFor(chunks.size(), threads, [&](size_t k) {
    Chunk& c = chunks[k];
    const double* v = value_count == 1 ? values : values + c.p0;
    c.status = OffsetValidBatch(c.view, v, value_count == 1 ? 1 : c.p1 - c.p0, spec, &c.out, cache);
  });
  for (const Chunk& c : chunks) {
    // The same error, message and polygon index as the batch run whole.
    if (!c.status.ok()) return OffsetBatch(in, values, value_count, spec, out, cache);
  }

  size_t coords = 0, rings = 0, polys = 0;
  for (const Chunk& c : chunks) {
    coords += c.out.coords.size();
    rings += c.out.ring_offsets.size() - 1;
    polys += c.out.polygon_rings.size() - 1;
  }
  // Past the output limit (at most what uint32 offsets index): OffsetBatch names the polygon.
  if (coords / 2 > spec.max_output_points || rings > UINT32_MAX) return OffsetBatch(in, values, value_count, spec, out, cache);
  out->coords.resize(coords);
  out->ring_offsets.reserve(rings + 1);
  out->polygon_rings.reserve(polys + 1);
  double* dst = out->coords.data();
  for (const Chunk& c : chunks) {
    const uint32_t point_base = out->ring_offsets.back();
    const uint32_t ring_base = out->polygon_rings.back();
    if (!c.out.coords.empty()) std::memcpy(dst, c.out.coords.data(), c.out.coords.size() * sizeof(double));
    dst += c.out.coords.size();
    AppendShifted(&out->ring_offsets, c.out.ring_offsets, point_base);
    AppendShifted(&out->polygon_rings, c.out.polygon_rings, ring_base);
  }
  return Status::Ok();
}

}  // namespace opk::geom
