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

namespace opk::targets {

namespace {

struct Field {
  int64_t x0 = 0, y0 = 0, w = 0, h = 0;  // window in image pixels
  bool empty() const { return w <= 0 || h <= 0; }
};

// Squared distance to the ring's edges for pixels of the ring's box grown by `reach` (clipped to
// the image). Pixels farther than `reach` from every edge hold FLT_MAX.
Field ComputeField(const DbParams& p, const double* xy, size_t n, double reach, DbScratch* s) {
  double bx0 = xy[0], bx1 = xy[0], by0 = xy[1], by1 = xy[1];
  for (size_t k = 1; k < n; ++k) {
    bx0 = std::min(bx0, xy[2 * k]);
    bx1 = std::max(bx1, xy[2 * k]);
    by0 = std::min(by0, xy[2 * k + 1]);
    by1 = std::max(by1, xy[2 * k + 1]);
  }
  Field f;
  f.x0 = std::max<int64_t>(0, static_cast<int64_t>(std::ceil(bx0 - reach)));
  f.y0 = std::max<int64_t>(0, static_cast<int64_t>(std::ceil(by0 - reach)));
  const int64_t x1 = std::min<int64_t>(p.width - 1, static_cast<int64_t>(std::floor(bx1 + reach)));
  const int64_t y1 = std::min<int64_t>(p.height - 1, static_cast<int64_t>(std::floor(by1 + reach)));
  f.w = x1 - f.x0 + 1;
  f.h = y1 - f.y0 + 1;
  if (f.empty()) return f;
  s->local.assign(static_cast<size_t>(f.w * f.h), FLT_MAX);
  EdgeWindow win;
  win.origin_x = static_cast<double>(f.x0);
  win.origin_y = static_cast<double>(f.y0);
  win.stride = f.w;
  win.reach = reach;
  for (size_t i = 0; i < n; ++i) {
    const size_t j = (i + 1) % n;
    const double ax = xy[2 * i], ay = xy[2 * i + 1], bx = xy[2 * j], by = xy[2 * j + 1];
    win.col0 = std::max<int64_t>(0, static_cast<int64_t>(std::ceil(std::min(ax, bx) - reach)) - f.x0);
    win.col1 = std::min<int64_t>(f.w - 1, static_cast<int64_t>(std::floor(std::max(ax, bx) + reach)) - f.x0);
    win.row0 = std::max<int64_t>(0, static_cast<int64_t>(std::ceil(std::min(ay, by) - reach)) - f.y0);
    win.row1 = std::min<int64_t>(f.h - 1, static_cast<int64_t>(std::floor(std::max(ay, by) + reach)) - f.y0);
    ExactEdgeMinMerge(ax, ay, bx, by, win, s->local.data());
  }
  return f;
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

// Inside flags (even-odd, pixel centres) of row y of the field window into row[0 .. f.w).
void InsideRow(const Field& f, const double* xy, size_t n, int64_t y, DbScratch* s, uint8_t* row) {
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

void PaintIgnored(const DbParams& p, const double* xy, size_t n, DbScratch* s, float* mask) {
  const Field f = ComputeField(p, xy, n, 0.5, s);
  if (f.empty()) return;
  s->inside.resize(static_cast<size_t>(f.w));
  uint8_t* in = s->inside.data();
  for (int64_t r = 0; r < f.h; ++r) {
    InsideRow(f, xy, n, f.y0 + r, s, in);
    const float* d2 = s->local.data() + r * f.w;
    float* m = mask + (f.y0 + r) * p.width + f.x0;
    for (int64_t c = 0; c < f.w; ++c) {
      if (in[c] || d2[c] <= 0.25f) m[c] = 0.0f;
    }
  }
}

}  // namespace

Status MakeExact(const DbParams& p, DbScratch* s, const DbOutput& out) {
  const size_t npx = static_cast<size_t>(p.width * p.height);
  std::fill(out.shrink_map, out.shrink_map + npx, 0.0f);
  std::fill(out.shrink_mask, out.shrink_mask + npx, 1.0f);
  const Rescale rs = MakeRescale(p);
  std::fill(out.thresh_map, out.thresh_map + npx, rs.fused ? rs.bias : 0.0f);  // see Rescale
  std::fill(out.thresh_mask, out.thresh_mask + npx, 0.0f);
  for (auto& pp : s->polys) {
    const double* xy = s->pts.data() + 2 * pp.begin;
    const size_t n = pp.size;
    if (pp.ignore || TooSmall(xy, n, p.min_text_size)) {
      pp.ignore = true;
      PaintIgnored(p, xy, n, s, out.shrink_mask);
      continue;
    }
    const double D = ShrinkDistance(xy, n, p.shrink_ratio);
    const Field f = ComputeField(p, xy, n, D, s);
    const float D2 = static_cast<float>(D * D);
    if (f.empty()) {
      pp.ignore = true;
      PaintIgnored(p, xy, n, s, out.shrink_mask);
      continue;
    }
    s->inside.resize(static_cast<size_t>(f.w));
    uint8_t* in = s->inside.data();
    const float* d2 = s->local.data();
    // Scan from the middle row outwards: the kernel is usually found on the first row tried.
    bool any = false;
    for (int64_t i = 0; i < f.h && !any; ++i) {
      const int64_t r = f.h / 2 + ((i & 1) ? (i + 1) / 2 : -(i / 2));
      if (r < 0 || r >= f.h) continue;
      InsideRow(f, xy, n, f.y0 + r, s, in);
      const float* dr = d2 + r * f.w;
      for (int64_t c = 0; c < f.w; ++c) {
        if (in[c] && dr[c] >= D2) {
          any = true;
          break;
        }
      }
    }
    if (!any) {
      pp.ignore = true;
      PaintIgnored(p, xy, n, s, out.shrink_mask);
      continue;
    }
    // All four maps from the same field.
    const float invD = static_cast<float>(1.0 / D);
    for (int64_t r = 0; r < f.h; ++r) {
      InsideRow(f, xy, n, f.y0 + r, s, in);
      const int64_t off = (f.y0 + r) * p.width + f.x0;
      ExactRowMerge(d2 + r * f.w, in, f.w, D2, invD, out.shrink_map + off, out.thresh_map + off,
                    out.thresh_mask + off, rs.fused ? rs.scale : 1.0f, rs.fused ? rs.bias : 0.0f);
    }
  }
  if (!rs.fused) ApplyRescale(rs, out.thresh_map, npx);
  return Status::Ok();
}

}  // namespace opk::targets
