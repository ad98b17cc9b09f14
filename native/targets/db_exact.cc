// Exact mode: the reference's validation and ignore rules, with exact geometry. One distance
// field per polygon (squared Euclidean distance of every pixel centre to the nearest edge of the
// float polygon, over the polygon's box grown by D) drives all four maps:
//   shrink map   inside && d >= D        (every piece of the eroded polygon; Clipper-free)
//   thresh map   max(canvas, 1 - min(d / D, 1)) on both sides of every edge, no NaN
//   thresh mask  inside || d <= D         (the exact round-join dilation, same field as the map)
//   ignored      shrink mask = 0 where inside || d <= 0.5
#include <algorithm>
#include <cfloat>
#include <cmath>

#include "targets/db_common.h"
#include "targets/edge_kernels.h"
#include "targets/map_bands.h"

namespace opk::targets {

namespace {

using Plan = DbScratch::Plan;

// The ring's box grown by `reach`, clipped to the image: the pixels whose field values can
// matter (farther ones are farther than `reach` from every edge).
Plan FieldWindow(const DbParams& p, const double* xy, size_t n, double reach) {
  double bx0 = xy[0], bx1 = xy[0], by0 = xy[1], by1 = xy[1];
  for (size_t k = 1; k < n; ++k) {
    bx0 = std::min(bx0, xy[2 * k]);
    bx1 = std::max(bx1, xy[2 * k]);
    by0 = std::min(by0, xy[2 * k + 1]);
    by1 = std::max(by1, xy[2 * k + 1]);
  }
  Plan f;
  f.reach = reach;
  f.x0 = std::max<int64_t>(0, static_cast<int64_t>(std::ceil(bx0 - reach)));
  f.y0 = std::max<int64_t>(0, static_cast<int64_t>(std::ceil(by0 - reach)));
  const int64_t x1 = std::min<int64_t>(p.width - 1, static_cast<int64_t>(std::floor(bx1 + reach)));
  const int64_t y1 = std::min<int64_t>(p.height - 1, static_cast<int64_t>(std::floor(by1 + reach)));
  f.w = x1 - f.x0 + 1;
  f.h = y1 - f.y0 + 1;
  return f;
}

bool Empty(const Plan& f) { return f.w <= 0 || f.h <= 0; }

// Rows r0..r1-1 (window rows) of the field: squared distance to the ring's edges for the window's
// pixels, FLT_MAX where farther than `reach` from every edge, into s->local (stride f.w, row r0
// first). The values do not depend on which rows are computed together.
void FieldRows(const Plan& f, const double* xy, size_t n, int64_t r0, int64_t r1, DbScratch* s) {
  s->local.assign(static_cast<size_t>(f.w * (r1 - r0)), FLT_MAX);
  const double reach = f.reach;
  EdgeWindow win;
  win.origin_x = static_cast<double>(f.x0);
  win.origin_y = static_cast<double>(f.y0);
  win.stride = f.w;
  win.reach = reach;
  win.row_base = r0;
  for (size_t i = 0; i < n; ++i) {
    const size_t j = (i + 1) % n;
    const double ax = xy[2 * i], ay = xy[2 * i + 1], bx = xy[2 * j], by = xy[2 * j + 1];
    win.col0 = std::max<int64_t>(0, static_cast<int64_t>(std::ceil(std::min(ax, bx) - reach)) - f.x0);
    win.col1 = std::min<int64_t>(f.w - 1, static_cast<int64_t>(std::floor(std::max(ax, bx) + reach)) - f.x0);
    win.row0 = std::max<int64_t>(r0, static_cast<int64_t>(std::ceil(std::min(ay, by) - reach)) - f.y0);
    win.row1 = std::min<int64_t>(r1 - 1, static_cast<int64_t>(std::floor(std::max(ay, by) + reach)) - f.y0);
    ExactEdgeMinMerge(ax, ay, bx, by, win, s->local.data());
  }
}

// Even-odd crossings of the ring with the horizontal line through pixel centres of row y,
// sorted; a pixel centre X is inside when xs[2k] <= X < xs[2k+1] for some k.
void RowCrossings(const double* xy, size_t n, double y, std::vector<double>* xs) {
  xs->clear();
  for (size_t i = 0; i < n; ++i) {
    const size_t j = (i + 1) % n;
    const double ay = xy[2 * i + 1], by = xy[2 * j + 1];
    if ((ay <= y && y < by) || (by <= y && y < ay)) {
      const double ax = xy[2 * i], bx = xy[2 * j];
      xs->push_back(ax + (y - ay) * (bx - ax) / (by - ay));
    }
  }
  std::sort(xs->begin(), xs->end());
}

// Inside flags (even-odd, pixel centres) of image row y of the window into row[0 .. f.w).
void InsideRow(const Plan& f, const double* xy, size_t n, int64_t y, DbScratch* s, uint8_t* row) {
  std::fill(row, row + f.w, uint8_t{0});
  RowCrossings(xy, n, static_cast<double>(y), &s->row_xs);
  const auto& xs = s->row_xs;
  for (size_t k = 0; k + 1 < xs.size(); k += 2) {
    // centres X with xs[k] <= X < xs[k+1]
    const int64_t a = std::max<int64_t>(f.x0, static_cast<int64_t>(std::ceil(xs[k])));
    const int64_t b = std::min<int64_t>(f.x0 + f.w, static_cast<int64_t>(std::ceil(xs[k + 1])));
    if (b > a) std::fill(row + (a - f.x0), row + (b - f.x0), uint8_t{1});
  }
}

// True when some pixel centre of the window is inside the ring and at least D from its edges
// (the eroded polygon is not empty). The middle row alone is tried first (the kernel is usually
// there); otherwise the whole window's field is computed once and scanned.
bool HasKernel(const Plan& f, const double* xy, size_t n, float D2, DbScratch* s) {
  s->inside.resize(static_cast<size_t>(f.w));
  uint8_t* in = s->inside.data();
  const auto row_has = [&](int64_t r, const float* dr) {
    InsideRow(f, xy, n, f.y0 + r, s, in);
    for (int64_t c = 0; c < f.w; ++c) {
      if (in[c] && dr[c] >= D2) return true;
    }
    return false;
  };
  const int64_t mid = f.h / 2;
  FieldRows(f, xy, n, mid, mid + 1, s);
  if (row_has(mid, s->local.data())) return true;
  FieldRows(f, xy, n, 0, f.h, s);
  for (int64_t r = 0; r < f.h; ++r) {
    if (r != mid && row_has(r, s->local.data() + r * f.w)) return true;
  }
  return false;
}

// Window rows r0..r1-1 of an ignored polygon: shrink mask = 0 where inside || d <= 0.5.
void PaintIgnored(const Plan& f, const double* xy, size_t n, int64_t r0, int64_t r1, DbScratch* s,
                  const MapBands& bands) {
  FieldRows(f, xy, n, r0, r1, s);
  s->inside.resize(static_cast<size_t>(f.w));
  uint8_t* in = s->inside.data();
  for (int64_t r = r0; r < r1; ++r) {
    InsideRow(f, xy, n, f.y0 + r, s, in);
    const float* d2 = s->local.data() + (r - r0) * f.w;
    uint8_t* m = bands.ByteRow(kShrinkMask, f.y0 + r) + f.x0;
    for (int64_t c = 0; c < f.w; ++c) {
      if (in[c] || d2[c] <= 0.25f) m[c] = 0;
    }
  }
}

// Window rows r0..r1-1 of a drawn polygon: all four maps from the same field.
void PaintDrawn(const Plan& f, const double* xy, size_t n, int64_t r0, int64_t r1, const Rescale& rs, DbScratch* s,
                const MapBands& bands) {
  FieldRows(f, xy, n, r0, r1, s);
  const double D = f.reach;
  const float D2 = static_cast<float>(D * D);
  const float invD = static_cast<float>(1.0 / D);
  s->inside.resize(static_cast<size_t>(f.w));
  uint8_t* in = s->inside.data();
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t y = f.y0 + r;
    InsideRow(f, xy, n, y, s, in);
    ExactRowMerge(s->local.data() + (r - r0) * f.w, in, f.w, D2, invD, bands.ByteRow(kShrinkMap, y) + f.x0,
                  bands.ThreshRow(y) + f.x0, bands.ByteRow(kThreshMask, y) + f.x0, rs.fused ? rs.scale : 1.0f,
                  rs.fused ? rs.bias : 0.0f);
  }
}

}  // namespace

Status MakeExact(const DbParams& p, DbScratch* s, const DbOutput& out) {
  const Rescale rs = MakeRescale(p);
  // Every polygon's fate and window first (the ignore rules do not depend on other polygons).
  const size_t count = s->polys.size();
  s->plans.resize(count);
  s->row_lo.resize(count);
  s->row_hi.resize(count);
  for (size_t i = 0; i < count; ++i) {
    auto& pp = s->polys[i];
    const double* xy = s->pts.data() + 2 * pp.begin;
    const size_t n = pp.size;
    Plan& plan = s->plans[i];
    plan.drawn = false;
    if (!pp.ignore && !TooSmall(xy, n, p.min_text_size)) {
      const double D = ShrinkDistance(xy, n, p.shrink_ratio);
      plan = FieldWindow(p, xy, n, D);
      plan.drawn = !Empty(plan) && HasKernel(plan, xy, n, static_cast<float>(D * D), s);
    }
    if (!plan.drawn) {
      pp.ignore = true;
      plan = FieldWindow(p, xy, n, 0.5);
      plan.drawn = false;
    }
    s->row_lo[i] = plan.y0;
    s->row_hi[i] = Empty(plan) ? plan.y0 - 1 : plan.y0 + plan.h - 1;
  }
  // Then the image band by band (see MapBands), each band with the polygons whose window meets it.
  OrderByFirstRow(s->row_lo, s->row_hi, &s->order);
  MapBackground bg;
  bg.value[kThreshMap] = rs.fused ? rs.bias : 0.0f;  // see Rescale
  MapBands bands(out, p.width, p.height, bg, &s->staging);
  PaintBandwise(bands, p.height, s->row_lo, s->row_hi, s->order, &s->active,
                [&](int64_t y0, int64_t y1, const std::vector<uint32_t>& active) {
                  for (const uint32_t i : active) {
                    const Plan& f = s->plans[i];
                    const double* xy = s->pts.data() + 2 * s->polys[i].begin;
                    const size_t n = s->polys[i].size;
                    const int64_t r0 = std::max<int64_t>(0, y0 - f.y0);
                    const int64_t r1 = std::min<int64_t>(f.h, y1 - f.y0);
                    if (r1 <= r0) continue;
                    if (f.drawn) {
                      PaintDrawn(f, xy, n, r0, r1, rs, s, bands);
                    } else {
                      PaintIgnored(f, xy, n, r0, r1, s, bands);
                    }
                  }
                });
  if (!rs.fused) ApplyRescale(rs, out.thresh_map, static_cast<size_t>(p.width * p.height));
  return Status::Ok();
}

}  // namespace opk::targets
