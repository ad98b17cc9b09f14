// The batch offset with a polygon cache. Polygons go in chunks: the chunk's keys are built and
// looked up together (Cache::VisitMany: grouped by shard, each shard entered once, memory fetches
// overlapped), the hits are staged, then the chunk's output is assembled in polygon order,
// offsetting and storing the misses.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "cache/flat_rings.h"
#include "common/thread_local_ref.h"
#include "geometry/batch_internal.h"

namespace opk::geom {
namespace {

constexpr size_t kChunk = 1024;

// Copies n values with plain moves (small n: cheaper than a library call).
template <typename T>
__attribute__((optimize("no-tree-loop-distribute-patterns"))) inline void CopySmall(T* dst, const T* src, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] = src[i];
}

// Copies a ring's coordinates: a quad's 8 doubles as four 16-byte moves (GCC turns a 64-byte
// memcpy into `rep movs` here, whose start-up costs more than the copy), others by CopySmall.
inline void CopyCoords(double* dst, const double* src, size_t n) {
#if defined(__SSE2__)
  if (n == 8) {
    const __m128d a = _mm_loadu_pd(src), b = _mm_loadu_pd(src + 2), c = _mm_loadu_pd(src + 4), d = _mm_loadu_pd(src + 6);
    _mm_storeu_pd(dst, a);
    _mm_storeu_pd(dst + 2, b);
    _mm_storeu_pd(dst + 4, c);
    _mm_storeu_pd(dst + 6, d);
    return;
  }
#endif
  CopySmall(dst, src, n);
}

// Appends n values to `v` (grown without zero-filling) and returns where they start.
template <typename T>
T* GrowBy(UninitVector<T>& v, size_t n) {
  const size_t at = v.size();
  v.resize(at + n);
  return v.data() + at;
}

// The cached rings of the chunk's hits, copied out under the shard locks. A hit of one ring of
// up to kSlot doubles (nearly all: DB boxes) goes to its polygon's fixed slot; others (several
// rings, long rings, an empty result) are appended to the overflow arrays.
struct Staging {
  static constexpr size_t kSlot = 16;
  UninitVector<double> slots;  // kChunk * kSlot
  UninitVector<double> coords;
  UninitVector<uint32_t> offsets;  // per overflow hit: its ring ends, relative to its first point
  struct Span {
    uint32_t coord_count;  // doubles
    uint32_t ring_count;   // 1 for a slot hit
    uint32_t coord_begin, offset_begin;  // in the overflow arrays (overflow hits only)
    bool in_slot;
  };
  std::vector<Span> spans;  // per chunk polygon (valid for hits)
};

bool StageHit(size_t index, const cache::ValueRef& value, void* ctx) {
  auto& st = *static_cast<Staging*>(ctx);
  cache::FlatRingsView view;
  if (!cache::ViewFlatRings(value, &view) || view.ring_offset_count == 0) return false;
  if (view.coord_count > UINT32_MAX / 2 || st.coords.size() > UINT32_MAX - view.coord_count) return false;
  Staging::Span& sp = st.spans[index];
  sp.coord_count = static_cast<uint32_t>(view.coord_count);
  sp.ring_count = static_cast<uint32_t>(view.ring_offset_count - 1);
  if (sp.ring_count == 1 && view.coord_count <= Staging::kSlot && view.ring_offsets[1] * size_t{2} == view.coord_count) {
    sp.in_slot = true;
    CopyCoords(st.slots.data() + index * Staging::kSlot, view.coords, view.coord_count);
    return true;
  }
  sp.in_slot = false;
  sp.coord_begin = static_cast<uint32_t>(st.coords.size());
  sp.offset_begin = static_cast<uint32_t>(st.offsets.size());
  CopySmall(GrowBy(st.coords, view.coord_count), view.coords, view.coord_count);
  CopySmall(GrowBy(st.offsets, sp.ring_count), view.ring_offsets + 1, sp.ring_count);
  return true;
}

struct CachedWork {
  cache::PolygonKeyBatch keys;
  Staging staging;
  std::vector<unsigned char> hit;
  std::vector<uint32_t> local_offsets;
};

// Appends the staged hits j in [j0, j1) to `out`, in order: one resize per array for the run.
void AppendHits(const Staging& st, size_t j0, size_t j1, BatchOut* out) {
  size_t nc = 0, nr = 0;
  for (size_t j = j0; j < j1; ++j) {
    nc += st.spans[j].coord_count;
    nr += st.spans[j].ring_count;
  }
  size_t c_at = out->coords.size(), r_at = out->ring_offsets.size(), p_at = out->polygon_rings.size();
  out->coords.resize(c_at + nc);
  out->ring_offsets.resize(r_at + nr);
  out->polygon_rings.resize(p_at + (j1 - j0));
  double* coords = out->coords.data();
  uint32_t* rings = out->ring_offsets.data();
  uint32_t* polys = out->polygon_rings.data();
  for (size_t j = j0; j < j1; ++j) {
    const Staging::Span& sp = st.spans[j];
    if (sp.in_slot) {
      CopyCoords(coords + c_at, st.slots.data() + j * Staging::kSlot, sp.coord_count);
      c_at += sp.coord_count;
      rings[r_at++] = static_cast<uint32_t>(c_at / 2);
    } else {
      const uint32_t base = static_cast<uint32_t>(c_at / 2);
      CopySmall(coords + c_at, st.coords.data() + sp.coord_begin, sp.coord_count);
      const uint32_t* rel = st.offsets.data() + sp.offset_begin;
      for (uint32_t r = 0; r < sp.ring_count; ++r) rings[r_at + r] = base + rel[r];
      c_at += sp.coord_count;
      r_at += sp.ring_count;
    }
    polys[p_at++] = static_cast<uint32_t>(r_at - 1);
  }
}

// Of the polygons from `first` on in `out` (a run of hits just appended, which took the total past
// the limit), the first whose rings end past it. (A run is far below 2^32 points, so its offsets
// have not wrapped unless the total before it was already near 2^32; the last polygon otherwise.)
size_t FirstOverLimit(const BatchOut& out, size_t first, const OffsetSpec& spec) {
  const size_t n = out.polygon_rings.size() - 1;
  for (size_t k = first; k < n; ++k)
    if (out.ring_offsets[out.polygon_rings[k + 1]] > spec.max_output_points) return k;
  return n - 1;
}

}  // namespace

Status OffsetBatchCached(const BatchView& in, const double* values, size_t value_count, const OffsetSpec& spec,
                         BatchOut* out, cache::Cache* cache) {
  CachedWork& w = ThreadLocalRef<CachedWork>();
  const size_t n_poly = in.polygon_count();
  const std::string tag = OffsetCacheTag(spec);
  OffsetContext ctx(spec);
  out->coords.reserve(in.coord_count * 2);
  out->ring_offsets.reserve(n_poly + 1);
  out->polygon_rings.reserve(n_poly + 1);
  for (size_t p0 = 0; p0 < n_poly;) {
    // Keys of the chunk; a non-finite value ends it (its error comes after the polygons before it).
    size_t p1 = std::min(n_poly, p0 + kChunk);
    size_t bad = n_poly;
    {
      const size_t r_begin = in.polygon_rings ? in.polygon_rings[p0] : p0;
      const size_t r_end = in.polygon_rings ? in.polygon_rings[p1] : p1;
      const size_t points = in.ring_offsets[r_end] - in.ring_offsets[r_begin];
      // Each key: the ratio/delta, the ring count, each ring's size, the coordinates.
      w.keys.Reset(tag, 2 * (p1 - p0) + (r_end - r_begin) + 2 * points);
    }
    if (in.polygon_rings == nullptr && value_count == 1) {
      // One ring per polygon and one value for all (the DB case): quads take the inline path.
      if (!std::isfinite(values[0])) {
        bad = p0;
        p1 = p0;
      }
      for (size_t p = p0; p < p1; ++p) {
        const uint32_t first = in.ring_offsets[p];
        const bool ok = in.ring_offsets[p + 1] - first == 4
                            ? w.keys.AddQuad(in.coords + 2 * static_cast<size_t>(first), values)
                            : w.keys.Add(in.coords, in.ring_offsets, p, p + 1, values, 1);
        if (!ok) return Status(StatusCode::kInternal, "cache key room miscounted");
      }
    } else {
      for (size_t p = p0; p < p1; ++p) {
        const double* v = &values[value_count == 1 ? 0 : p];
        if (!std::isfinite(*v)) {
          bad = p;
          p1 = p;
          break;
        }
        const size_t r0 = in.polygon_rings ? in.polygon_rings[p] : p;
        const size_t r1 = in.polygon_rings ? in.polygon_rings[p + 1] : p + 1;
        if (!w.keys.Add(in.coords, in.ring_offsets, r0, r1, v, 1))
          return Status(StatusCode::kInternal, "cache key room miscounted");
      }
    }
    const size_t m = p1 - p0;
    w.staging.coords.clear();
    w.staging.offsets.clear();
    w.staging.spans.resize(m);
    if (w.staging.slots.size() < m * Staging::kSlot) w.staging.slots.resize(kChunk * Staging::kSlot);
    w.hit.resize(m);
    if (m > 0) cache->VisitMany(w.keys.keys(), m, w.hit.data(), &StageHit, &w.staging);
    for (size_t j = 0; j < m;) {
      if (w.hit[j]) {
        size_t run_end = j + 1;
        while (run_end < m && w.hit[run_end]) ++run_end;
        const size_t polys_before = out->polygon_rings.size() - 1;
        AppendHits(w.staging, j, run_end, out);
        if (OverOutputLimit(*out, spec)) return OutputLimitError(p0 + FirstOverLimit(*out, polys_before, spec) - polys_before + j, spec);
        j = run_end;
        continue;
      }
      const size_t p = p0 + j;
      cache->PrefetchForPut(w.keys.keys()[j]);  // its store evicts: fetch that memory meanwhile
      const size_t coords_before = out->coords.size();
      const size_t rings_before = out->ring_offsets.size();
      OPK_RETURN_IF_ERROR(OffsetOne(ctx, in, p, values[value_count == 1 ? 0 : p], out));
      // Store this polygon's rings with offsets relative to its own first point.
      const uint32_t base = static_cast<uint32_t>(coords_before / 2);
      w.local_offsets.assign(1, 0);
      for (size_t r = rings_before; r < out->ring_offsets.size(); ++r) w.local_offsets.push_back(out->ring_offsets[r] - base);
      cache::PutFlatRings(cache, w.keys.keys()[j], out->coords.data() + coords_before, out->coords.size() - coords_before,
                          w.local_offsets.data(), w.local_offsets.size());  // too large: simply not stored
      ++j;
    }
    if (bad < n_poly) return PolygonError(StatusCode::kOutOfRange, bad, "delta/ratio must be finite");
    p0 = p1;
  }
  return Status::Ok();
}

}  // namespace opk::geom
