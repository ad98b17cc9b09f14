// Internals shared by the two DB target modes: the validated polygon list and the scratch.
#pragma once

#include <cstdint>
#include <vector>

#include "geometry/types.h"
#include "targets/cv_fill.h"
#include "targets/db_targets.h"
#include "targets/edge_kernels.h"
#include "targets/map_bands.h"

namespace opk::targets {

// One polygon after MakeSegDetectionData.validate_polygons: vertices clamped into the image and
// reversed when the reference's trapezoid area is positive.
struct PreparedPolygon {
  size_t begin = 0;   // index of its first point in DbScratch::pts (interleaved doubles / 2)
  size_t size = 0;    // number of points
  bool ignore = false;
};

class DbScratch {
 public:
  std::vector<double> pts;  // interleaved clamped (and possibly reversed) vertices
  std::vector<PreparedPolygon> polys;
  std::vector<float> local;  // exact mode: per-polygon distance window (rows of it)
  std::vector<int32_t> hull_lo, hull_hi;  // exact mode: set columns of each row of `local`
  std::vector<float> edge_row;            // exact mode: EdgeWindow::scratch
  std::vector<int64_t> spans;             // exact mode: inside spans of one row (begin, end pairs)
  // Exact mode: the current polygon's non-horizontal edges for the inside test (see db_exact.cc).
  struct CrossEdge {
    int64_t r0 = 0, r1 = 0;  // image rows y with r0 <= y < r1 cross the edge
    double ax = 0, ay = 0, dx = 0, dy = 0;
  };
  std::vector<CrossEdge> cross_edges;
  std::vector<uint8_t> row_cnt;   // exact mode: crossings per row (RowSpansBatch)
  std::vector<double> band_xs;    // exact mode: four crossings per row (RowSpansBatch)
  std::vector<int64_t> row_span;  // exact mode: two inside spans per row (RowSpansBatch)
  std::vector<MergeRowSpec> merge_rows;  // exact mode: the rows of a drawn polygon for ExactMergeRows
  // Reference mode: rows of a polygon's threshold-map window. Holds 1.0f everywhere between uses:
  // the edge kernels only min-merge into it and PaintBorder's canvas merge resets what it reads.
  std::vector<float> ref_dist;
  std::vector<IPoint> ipts;
  FillScratch fill;
  geom::Path64 path;
  geom::Paths64 offset_out;
  std::vector<int64_t> xs;
  std::vector<double> row_xs;
  std::vector<uint8_t> inside;
  // Band-wise assembly (map_bands.h): each polygon's field window and its processing order.
  struct Plan {
    int64_t x0 = 0, y0 = 0, w = 0, h = 0;  // field window in image pixels (empty: w or h <= 0)
    double reach = 0;                       // D for drawn polygons, 0.5 for ignored ones
    bool drawn = false;
  };
  std::vector<Plan> plans;
  std::vector<int64_t> row_lo, row_hi;
  std::vector<uint32_t> order, active;
  StagingArea staging;
  // Reference mode's per-polygon plan (rings as ranges of ref_pts).
  struct RefPlan {
    size_t fill_begin = 0, fill_size = 0;  // shrink ring: shrink map = 1, or (ignored) shrink mask = 0
    size_t p_begin = 0, p_size = 0;        // P = offset(+D): threshold mask = 1 (p_size 0: none)
    bool border = false;                   // threshold-map window below
    int64_t xmin = 0, ymin = 0;            // P's box corner (the distance frame)
    int64_t vx0 = 0, vy0 = 0, bw = 0, bh = 0;  // the box clipped to the image
    double D = 0;
  };
  std::vector<RefPlan> ref_plans;
  std::vector<IPoint> ref_pts;
};

// Clamps, orients and area-tests every polygon into scratch->pts / scratch->polys.
void PreparePolygons(const DbParams& params, const PolygonSet& polygons, DbScratch* scratch);

// Axis-aligned extent test of step 2: true when min(height, width) < min_text_size.
bool TooSmall(const double* xy, size_t n, double min_text_size);

// D = A * (1 - r^2) / L with shapely/GEOS area and length.
double ShrinkDistance(const double* xy, size_t n, double shrink_ratio);

// Final threshold-map rescale canvas * (threshMax - threshMin) + threshMin in float32. With
// scale >= 0 the map x -> x * scale + bias (two roundings, no FMA) is monotone non-decreasing, so
// it commutes with the max-merges that build the canvas: both modes then merge rescaled values
// into a canvas pre-filled with s(0) = bias and skip the separate pass (identical bits).
struct Rescale {
  float scale = 1.0f;
  float bias = 0.0f;
  bool fused = false;
};

inline Rescale MakeRescale(const DbParams& p) {
  Rescale r;
  r.scale = static_cast<float>(p.thresh_max - p.thresh_min);
  r.bias = static_cast<float>(p.thresh_min);
  r.fused = r.scale >= 0.0f;  // false for NaN too
  return r;
}

inline void ApplyRescale(const Rescale& r, float* map, size_t n) {
  for (size_t k = 0; k < n; ++k) {
    const float scaled = map[k] * r.scale;
    map[k] = scaled + r.bias;
  }
}

Status MakeReference(const DbParams& params, DbScratch* scratch, const DbOutput& out);
Status MakeExact(const DbParams& params, DbScratch* scratch, const DbOutput& out);

}  // namespace opk::targets
