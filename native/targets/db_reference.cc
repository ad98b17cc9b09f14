// Reference mode: MhLiao/DB MakeSegDetectionData + MakeBorderMap, bit for bit.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "geometry/pyclipper_offset.h"
#include "targets/db_common.h"
#include "targets/edge_kernels.h"

namespace opk::targets {

namespace {

// `polygon.astype(np.int32)`: truncation toward zero (all clamped coordinates are >= 0).
void TruncatedRing(const double* xy, size_t n, DbScratch* s) {
  s->ipts.resize(n);
  s->path.resize(n);
  for (size_t k = 0; k < n; ++k) {
    const auto x = static_cast<int64_t>(xy[2 * k]);
    const auto y = static_cast<int64_t>(xy[2 * k + 1]);
    s->ipts[k] = IPoint{x, y};
    s->path[k] = geom::Point64{x, y};
  }
}

void FillPath(float* img, const DbParams& p, const geom::Path64& path, float value, DbScratch* s) {
  s->ipts.resize(path.size());
  for (size_t k = 0; k < path.size(); ++k) s->ipts[k] = IPoint{path[k].x, path[k].y};
  FillPolyCv(img, static_cast<int>(p.width), static_cast<int>(p.height), s->ipts.data(), s->ipts.size(), value,
             &s->fill);
}

Status Offset(const geom::Path64& path, double delta, geom::Paths64* out) {
  out->clear();
  return geom::PyclipperOffset(path, delta, geom::JoinType::kRound, geom::EndType::kPolygon, 2.0, 0.25, out);
}

// MakeBorderMap.draw_border_map for one polygon (float vertices xy, already validated).
Status DrawBorder(const DbParams& p, const double* xy, size_t n, DbScratch* s, float* canvas, float* mask,
                  const Rescale& rs) {
  const double D = ShrinkDistance(xy, n, p.shrink_ratio);
  TruncatedRing(xy, n, s);
  OPK_RETURN_IF_ERROR(Offset(s->path, D, &s->offset_out));
  // The reference indexes [0] and would raise on an empty result; a positive offset of a ring
  // with |area| >= 1 is never empty, so skipping is only a guard.
  if (s->offset_out.empty() || s->offset_out[0].empty()) return Status::Ok();
  const geom::Path64& P = s->offset_out[0];
  FillPath(mask, p, P, 1.0f, s);

  int64_t xmin = P[0].x, xmax = P[0].x, ymin = P[0].y, ymax = P[0].y;
  for (const auto& q : P) {
    xmin = std::min(xmin, q.x);
    xmax = std::max(xmax, q.x);
    ymin = std::min(ymin, q.y);
    ymax = std::max(ymax, q.y);
  }
  // Valid window (box of P intersected with the image), in image coordinates.
  const int64_t vx0 = std::min(std::max<int64_t>(0, xmin), p.width - 1);
  const int64_t vx1 = std::min(std::max<int64_t>(0, xmax), p.width - 1);
  const int64_t vy0 = std::min(std::max<int64_t>(0, ymin), p.height - 1);
  const int64_t vy1 = std::min(std::max<int64_t>(0, ymax), p.height - 1);
  if (vx0 < xmin || vy0 < ymin || vx1 > xmax || vy1 > ymax) return Status::Ok();  // box misses the image
  const int64_t bw = vx1 - vx0 + 1;
  const int64_t bh = vy1 - vy0 + 1;
  s->local.assign(static_cast<size_t>(bw * bh), 1.0f);
  float* buf = s->local.data();

  // Local frame: pixel (X, Y) has local grid value (X - xmin, Y - ymin); the float vertices
  // are shifted by the integer box origin in float64, as the reference does.
  const double fxmin = static_cast<double>(xmin);
  const double fymin = static_cast<double>(ymin);
  EdgeWindow win;
  win.origin_x = static_cast<double>(vx0 - xmin);
  win.origin_y = static_cast<double>(vy0 - ymin);
  win.stride = bw;
  // Pixels farther than `reach` from an edge's bounding box are farther than D from the edge,
  // where the formula (>= the true segment distance up to ~1e-12 relative) gives dist/D > 1,
  // i.e. exactly 1.0f after clipping, and cannot be NaN: skipping them leaves the min unchanged.
  const double reach = D * 1.0001 + 0.01;
  win.reach = reach;
  for (size_t i = 0; i < n; ++i) {
    const size_t j = (i + 1) % n;
    const double x1 = xy[2 * i] - fxmin, y1 = xy[2 * i + 1] - fymin;
    const double x2 = xy[2 * j] - fxmin, y2 = xy[2 * j + 1] - fymin;
    const double lo_x = std::min(x1, x2) - reach, hi_x = std::max(x1, x2) + reach;
    const double lo_y = std::min(y1, y2) - reach, hi_y = std::max(y1, y2) + reach;
    // Window in buffer indices: local grid value g = origin + index.
    win.col0 = std::max<int64_t>(0, static_cast<int64_t>(std::ceil(lo_x - win.origin_x)));
    win.col1 = std::min<int64_t>(bw - 1, static_cast<int64_t>(std::floor(hi_x - win.origin_x)));
    win.row0 = std::max<int64_t>(0, static_cast<int64_t>(std::ceil(lo_y - win.origin_y)));
    win.row1 = std::min<int64_t>(bh - 1, static_cast<int64_t>(std::floor(hi_y - win.origin_y)));
    RefEdgeMinMerge(x1, y1, x2, y2, D, win, buf);
  }
  // canvas = np.fmax(1 - dmin, canvas) over the valid window (float32; NaN keeps canvas). When
  // the final rescale is fused (see Rescale), the canvas holds rescaled values: s(x) = x * scale +
  // bias is monotone non-decreasing for scale >= 0 (each rounding step is), so
  // fmax(s(v), s(c)) = s(fmax(v, c)) bit for bit, and s(NaN) is NaN.
  for (int64_t r = 0; r < bh; ++r) {
    float* crow = canvas + (vy0 + r) * p.width + vx0;
    const float* brow = buf + r * bw;
    if (rs.fused) {
      for (int64_t c = 0; c < bw; ++c) {
        const float v = 1.0f - brow[c];
        const float scaled = v * rs.scale;
        const float vs = scaled + rs.bias;
        crow[c] = vs > crow[c] ? vs : crow[c];
      }
    } else {
      for (int64_t c = 0; c < bw; ++c) {
        const float v = 1.0f - brow[c];
        crow[c] = v > crow[c] ? v : crow[c];  // np.fmax: a NaN v (NaN distance) keeps the canvas
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Status MakeReference(const DbParams& p, DbScratch* s, const DbOutput& out) {
  const size_t npx = static_cast<size_t>(p.width * p.height);
  std::fill(out.shrink_map, out.shrink_map + npx, 0.0f);
  std::fill(out.shrink_mask, out.shrink_mask + npx, 1.0f);
  const Rescale rs = MakeRescale(p);
  // The canvas (rescaled in place when fused: s(0) = bias).
  std::fill(out.thresh_map, out.thresh_map + npx, rs.fused ? rs.bias : 0.0f);
  std::fill(out.thresh_mask, out.thresh_mask + npx, 0.0f);
  const int w = static_cast<int>(p.width);
  const int h = static_cast<int>(p.height);

  // MakeSegDetectionData: shrink map and mask.
  for (auto& pp : s->polys) {
    const double* xy = s->pts.data() + 2 * pp.begin;
    if (!pp.ignore && !TooSmall(xy, pp.size, p.min_text_size)) {
      const double D = ShrinkDistance(xy, pp.size, p.shrink_ratio);
      TruncatedRing(xy, pp.size, s);
      OPK_RETURN_IF_ERROR(Offset(s->path, -D, &s->offset_out));
      if (!s->offset_out.empty()) {
        FillPath(out.shrink_map, p, s->offset_out[0], 1.0f, s);  // only the first piece
        continue;
      }
    }
    TruncatedRing(xy, pp.size, s);
    FillPolyCv(out.shrink_mask, w, h, s->ipts.data(), pp.size, 0.0f, &s->fill);
    pp.ignore = true;
  }

  // MakeBorderMap: threshold map and mask for the polygons still not ignored.
  for (const auto& pp : s->polys) {
    if (pp.ignore) continue;
    OPK_RETURN_IF_ERROR(
        DrawBorder(p, s->pts.data() + 2 * pp.begin, pp.size, s, out.thresh_map, out.thresh_mask, rs));
  }
  if (!rs.fused) ApplyRescale(rs, out.thresh_map, npx);
  return Status::Ok();
}

}  // namespace opk::targets
