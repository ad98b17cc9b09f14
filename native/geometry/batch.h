// Batched offsetting over flat coordinate arrays: the layout that crosses the N-API boundary
// (coords = x0, y0, x1, y1, ...; ring_offsets = n_rings + 1 point indices; polygon_rings =
// n_polygons + 1 ring indices). Node-free; safe to run on a worker thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <string>

#include "common/status.h"
#include "common/uninit_vector.h"
#include "geometry/types.h"

namespace opk::cache {
class Cache;
}  // namespace opk::cache

namespace opk::geom {

enum class OffsetMode { kPyclipper, kClipper2 };
// How the per-polygon numbers are read: plain deltas, DB shrink ratios (D = A(1-r^2)/L, offset by
// -D) or unclip ratios (D = A*r/L, offset by +D).
enum class DeltaKind { kDelta, kShrinkRatio, kUnclipRatio };

struct OffsetSpec {
  OffsetMode mode = OffsetMode::kPyclipper;
  JoinType join = JoinType::kRound;
  EndType end = EndType::kPolygon;
  double miter_limit = 2.0;
  // pyclipper mode: Clipper 6 ArcTolerance (default 0.25, in scaled units). clipper2 mode: 0 means
  // Clipper2's default (|delta| * 0.002), else in input units.
  double arc_tolerance = 0.25;
  // pyclipper mode: multiplier applied before truncation (pyclipper's scale_to_clipper; default 1).
  // clipper2 mode: 10^precision.
  double scale = 1.0;
  bool preserve_collinear = false;
  bool reverse_solution = false;
  bool js_compat = false;  // tests only (see Offset642Options / ClipperEngineOptions)
  bool fast_path = true;   // tests turn it off to compare with the general sweep
  DeltaKind kind = DeltaKind::kDelta;
  // Most points a batch result may hold (the sum over all polygons): the first polygon whose rings
  // take the total past it ends the call with ERR_OUT_OF_RANGE naming it. The default is the most
  // that the uint32 ring offsets can index.
  uint32_t max_output_points = UINT32_MAX;
};

struct BatchView {
  const double* coords = nullptr;
  size_t coord_count = 0;  // number of doubles
  const uint32_t* ring_offsets = nullptr;
  size_t ring_offset_count = 0;  // n_rings + 1
  const uint32_t* polygon_rings = nullptr;  // optional: n_polygons + 1 entries; null = one ring each
  size_t polygon_ring_count = 0;
  size_t polygon_count() const {
    if (polygon_rings) return polygon_ring_count ? polygon_ring_count - 1 : 0;
    return ring_offset_count ? ring_offset_count - 1 : 0;
  }
};

struct BatchOut {
  // Grown, then written element by element: no zero-fill.
  UninitVector<double> coords;
  UninitVector<uint32_t> ring_offsets;   // starts with 0
  UninitVector<uint32_t> polygon_rings;  // starts with 0
  void Clear() {
    coords.clear();
    ring_offsets.assign(1, 0);
    polygon_rings.assign(1, 0);
  }
};

// Largest |coordinate * scale| accepted: integers stay exact in float64 and far from Clipper's
// 2^62 limit after offsetting.
constexpr double kMaxScaledCoordinate = 9007199254740992.0;  // 2^53

// Checks the layout and every coordinate; errors name the polygon index. `min_points`: 3 for
// closed paths, 1 for open ones.
Status ValidateBatch(const BatchView& in, double scale, size_t min_points);

// Offsets polygon i by values[i] (or values[0] when value_count == 1). With a `cache`, each
// polygon's result is looked up first (key = its value, ring structure and exact coordinates;
// tag = every option that changes the output, see OffsetCacheTag) and stored after computing,
// so a hit costs a hash, a lookup and a copy instead of an offset. The polygons of a chunk (1024)
// are looked up together before any of the chunk's misses is stored, so repeats of an uncached
// polygon within a chunk all count as misses (outputs are the same). Thread-safe: the cache is.
Status OffsetBatch(const BatchView& in, const double* values, size_t value_count, const OffsetSpec& spec,
                   BatchOut* out, cache::Cache* cache = nullptr);

// The cache tag of an offset spec, compact (every lookup compares it in full): 8 bytes of format
// mark, mode, join, end, delta kind and the collinear/orientation/jsCompat flags, followed, unless
// miter limit, arc tolerance and scale all equal OffsetSpec's defaults, by those three doubles'
// exact bits (32 bytes), so two specs share a tag only when every output-changing option is
// bit-identical. (fast_path is left out: its output is identical.)
std::string OffsetCacheTag(const OffsetSpec& spec);

// GEOS-compatible measures of a closed ring given as flat xy pairs (no repeated closing point):
// the |area| shapely reports, and the closed perimeter.
double RingAreaGeos(const double* xy, size_t points);
double RingPerimeter(const double* xy, size_t points);

}  // namespace opk::geom
