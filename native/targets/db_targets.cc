#include "targets/db_targets.h"

#include <algorithm>
#include <cmath>
#include <new>
#include <string>

#include "targets/db_common.h"
#include "targets/polygon_measure.h"

namespace opk::targets {

void DbScratchDeleter::operator()(DbScratch* s) const { delete s; }

std::unique_ptr<DbScratch, DbScratchDeleter> NewDbScratch() {
  return std::unique_ptr<DbScratch, DbScratchDeleter>(new DbScratch());
}

void TrimDbScratch(DbScratch* s, size_t max_bytes) {
  auto trim = [max_bytes](auto& v) {
    if (v.capacity() * sizeof(v[0]) > max_bytes) {
      v.clear();
      v.shrink_to_fit();
    }
  };
  trim(s->local);
  trim(s->edge_row);
  trim(s->hull_lo);
  trim(s->hull_hi);
  trim(s->ref_dist);
  trim(s->pts);
  trim(s->inside);
  trim(s->fill.edges);
  if (s->staging.buf.capacity() * sizeof(float) > max_bytes) s->staging.Release();
}

Status ValidateDbInput(const DbParams& p, const PolygonSet& polys, size_t total_points) {
  if (p.width < 1 || p.height < 1) {
    return OutOfRange("width and height must be positive integers, got " + std::to_string(p.width) + "x" +
                      std::to_string(p.height));
  }
  if (p.width > kMaxSide || p.height > kMaxSide || p.width * p.height > kMaxPixels) {
    return Status(StatusCode::kOutOfRange,
                  "image of " + std::to_string(p.width) + "x" + std::to_string(p.height) +
                      " exceeds the limits (each side <= 65536, width*height <= 2^28)",
                  "ERR_OUT_OF_RANGE");
  }
  if (!(p.shrink_ratio > 0 && p.shrink_ratio < 1)) return OutOfRange("shrinkRatio must be in (0, 1)");
  if (!(p.min_text_size >= 0) || !std::isfinite(p.min_text_size)) {
    return OutOfRange("minTextSize must be a finite number >= 0");
  }
  if (!std::isfinite(p.thresh_min) || !std::isfinite(p.thresh_max)) {
    return OutOfRange("threshMin and threshMax must be finite");
  }
  if (polys.count > 0 && (polys.offsets == nullptr || polys.xy == nullptr)) {
    return InvalidArgument("polygon offsets or coordinates missing");
  }
  if (polys.count == 0) return Status::Ok();
  if (polys.offsets[0] != 0) return InvalidPolygon("offsets[0] must be 0");
  if (polys.offsets[polys.count] != total_points) {
    return InvalidPolygon("offsets[last] (" + std::to_string(polys.offsets[polys.count]) +
                          ") must equal the number of points (" + std::to_string(total_points) + ")");
  }
  for (size_t i = 0; i < polys.count; ++i) {
    const uint32_t b = polys.offsets[i];
    const uint32_t e = polys.offsets[i + 1];
    if (e < b) return InvalidPolygon("offsets must be non-decreasing (polygon " + std::to_string(i) + ")");
    if (e - b < 3) {
      return InvalidPolygon("polygon " + std::to_string(i) + " has " + std::to_string(e - b) +
                            " points; at least 3 are required");
    }
    if (e - b > kMaxPointsPerPolygon) return InvalidPolygon("polygon " + std::to_string(i) + " has too many points");
    for (uint32_t k = 2 * b; k < 2 * e; ++k) {
      if (!std::isfinite(polys.xy[k])) {
        return InvalidPolygon("polygon " + std::to_string(i) + " has a non-finite coordinate at point " +
                              std::to_string(k / 2 - b));
      }
    }
  }
  return Status::Ok();
}

void PreparePolygons(const DbParams& params, const PolygonSet& polys, DbScratch* s) {
  s->pts.clear();
  s->polys.clear();
  const double xmax = static_cast<double>(params.width - 1);
  const double ymax = static_cast<double>(params.height - 1);
  for (size_t i = 0; i < polys.count; ++i) {
    const uint32_t b = polys.offsets[i];
    const uint32_t e = polys.offsets[i + 1];
    PreparedPolygon pp;
    pp.begin = s->pts.size() / 2;
    pp.size = e - b;
    pp.ignore = polys.ignore != nullptr && polys.ignore[i] != 0;
    for (uint32_t k = b; k < e; ++k) {
      // np.clip(x, 0, w - 1) on each vertex on its own (not polygon clipping).
      s->pts.push_back(std::min(std::max(polys.xy[2 * k], 0.0), xmax));
      s->pts.push_back(std::min(std::max(polys.xy[2 * k + 1], 0.0), ymax));
    }
    double* xy = s->pts.data() + 2 * pp.begin;
    const double a = DbTrapezoidArea(xy, pp.size);
    if (std::fabs(a) < 1) pp.ignore = true;
    if (a > 0) {
      for (size_t lo = 0, hi = pp.size - 1; lo < hi; ++lo, --hi) {
        std::swap(xy[2 * lo], xy[2 * hi]);
        std::swap(xy[2 * lo + 1], xy[2 * hi + 1]);
      }
    }
    s->polys.push_back(pp);
  }
}

bool TooSmall(const double* xy, size_t n, double min_text_size) {
  double x0 = xy[0], x1 = xy[0], y0 = xy[1], y1 = xy[1];
  for (size_t k = 1; k < n; ++k) {
    x0 = std::min(x0, xy[2 * k]);
    x1 = std::max(x1, xy[2 * k]);
    y0 = std::min(y0, xy[2 * k + 1]);
    y1 = std::max(y1, xy[2 * k + 1]);
  }
  return std::min(y1 - y0, x1 - x0) < min_text_size;
}

double ShrinkDistance(const double* xy, size_t n, double shrink_ratio) {
  const double area = GeosRingArea(xy, n);
  const double length = GeosRingLength(xy, n);
  return area * (1.0 - shrink_ratio * shrink_ratio) / length;
}

Status MakeDbTargets(const DbParams& params, const PolygonSet& polygons, size_t total_points, const DbOutput& out,
                     DbScratch* scratch) {
  OPK_RETURN_IF_ERROR(ValidateDbInput(params, polygons, total_points));
  if (!out.shrink_map || !out.shrink_mask || !out.thresh_map || !out.thresh_mask) {
    return InvalidArgument("all four output maps are required");
  }
  PreparePolygons(params, polygons, scratch);
  Status st = params.mode == DbMode::kReference ? MakeReference(params, scratch, out) : MakeExact(params, scratch, out);
  if (!st.ok()) return st;
  if (out.ignore_out != nullptr) {
    for (size_t i = 0; i < scratch->polys.size(); ++i) out.ignore_out[i] = scratch->polys[i].ignore ? 1 : 0;
  }
  return Status::Ok();
}

}  // namespace opk::targets
