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

// ceil(x) and floor(x) as integers, for |x| < 2^62 (no libm call: the core is built without
// SSE4.1). Polygon coordinates are clamped into the image and D is below the image's size.
inline int64_t CeilInt(double x) {
  const auto t = static_cast<int64_t>(x);  // toward zero
  return static_cast<double>(t) < x ? t + 1 : t;
}
inline int64_t FloorInt(double x) {
  const auto t = static_cast<int64_t>(x);  // toward zero
  return static_cast<double>(t) > x ? t - 1 : t;
}

// Rows r0..r1-1 (window rows) of the field: squared distance to the ring's edges for the window's
// pixels into s->local (stride f.w, row r0 first). Only columns s->hull_lo[k]..s->hull_hi[k] of
// row r0 + k are set (the union of the edges' bands in that row, see RowHull); every other pixel
// of the window is farther than `reach` from every edge and stands for FLT_MAX. The values do not
// depend on which rows are computed together.
void FieldRows(const Plan& f, const double* xy, size_t n, int64_t r0, int64_t r1, DbScratch* s) {
  const auto rows = static_cast<size_t>(r1 - r0);
  if (s->local.size() < static_cast<size_t>(f.w) * rows) s->local.resize(static_cast<size_t>(f.w) * rows);
  s->hull_lo.assign(rows, static_cast<int32_t>(f.w));
  s->hull_hi.assign(rows, -1);
  RowHull hull;
  hull.lo = s->hull_lo.data();
  hull.hi = s->hull_hi.data();
  const double reach = f.reach;
  EdgeWindow win;
  win.origin_x = static_cast<double>(f.x0);
  win.origin_y = static_cast<double>(f.y0);
  win.stride = f.w;
  win.reach = reach;
  win.row_base = r0;
  if (s->edge_row.size() < 2 * static_cast<size_t>(f.w)) s->edge_row.resize(2 * static_cast<size_t>(f.w));
  win.scratch = s->edge_row.data();
  // Mostly horizontal edges first, then the others: the values do not depend on the order (min
  // merges of values that are never NaN; FLT_MAX where no edge reaches), but wide rows first
  // leave the narrow rows of steep edges inside the hull they set, so fewer new columns are
  // first set to FLT_MAX and then merged.
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < n; ++i) {
      const size_t j = i + 1 == n ? 0 : i + 1;
      const double ax = xy[2 * i], ay = xy[2 * i + 1], bx = xy[2 * j], by = xy[2 * j + 1];
      if ((std::fabs(bx - ax) >= std::fabs(by - ay)) != (pass == 0)) continue;
      win.col0 = std::max<int64_t>(0, CeilInt(std::min(ax, bx) - reach) - f.x0);
      win.col1 = std::min<int64_t>(f.w - 1, FloorInt(std::max(ax, bx) + reach) - f.x0);
      win.row0 = std::max<int64_t>(r0, CeilInt(std::min(ay, by) - reach) - f.y0);
      win.row1 = std::min<int64_t>(r1 - 1, FloorInt(std::max(ay, by) + reach) - f.y0);
      ExactEdgeMinMerge(ax, ay, bx, by, win, s->local.data(), &hull);
    }
  }
}

// The columns [*a, *b) of a window row of width w that ExactRowMerge runs over when the row's set
// columns are lo..hi: the merge's 8-pixel vectors (at multiples of 8 from the row's start, the
// last one at w - 8) that meet lo..hi. A vector with no set column changes the maps only where the
// pixel is inside (FLT_MAX: shrink map and threshold mask 1, no ridge), and the merge over [a, b)
// is the window-wide merge's vectors that meet lo..hi, so the bits are those of the whole row.
void MergeRange(int64_t w, int64_t lo, int64_t hi, int64_t* a, int64_t* b) {
  if (w < 8) {  // the scalar merge: every pixel on its own
    *a = 0;
    *b = w;
    return;
  }
  *a = lo & ~int64_t{7};  // lo, hi >= 0: multiples of 8 by masking
  *b = (hi + 8) & ~int64_t{7};
  if (*b > w) {
    *b = w;
    *a = std::min(*a, w - 8);
  }
}


// The ring's edges for the even-odd test of pixel centres, once per polygon: edge (a, b) is crossed
// by the horizontal line y when (ay <= y < by) or (by <= y < ay), i.e. for integer y when
// ceil(min(ay, by)) <= y < ceil(max(ay, by)); horizontal edges never are.
void PrepareCrossings(const double* xy, size_t n, DbScratch* s) {
  s->cross_edges.clear();
  for (size_t i = 0; i < n; ++i) {
    const size_t j = i + 1 == n ? 0 : i + 1;
    const double ay = xy[2 * i + 1], by = xy[2 * j + 1];
    if (ay == by) continue;
    DbScratch::CrossEdge e;
    e.r0 = CeilInt(std::min(ay, by));
    e.r1 = CeilInt(std::max(ay, by));
    if (e.r1 <= e.r0) continue;
    e.ax = xy[2 * i];
    e.ay = ay;
    e.dx = xy[2 * j] - xy[2 * i];
    e.dy = by - ay;
    s->cross_edges.push_back(e);
  }
  s->row_xs.resize(s->cross_edges.size());
}

// Inside spans (even-odd, pixel centres) of image row y as window column pairs [begin, end) into
// s->spans (non-empty, within 0..f.w, in order): the sorted crossings xs of the ring with the
// line through the row's pixel centres (ax + (y - ay) (bx - ax) / (by - ay) per crossed edge); a
// pixel centre X is inside when xs[2k] <= X < xs[2k+1] for some k. PrepareCrossings first.
void InsideSpans(const Plan& f, int64_t y, DbScratch* s) {
  double* xs = s->row_xs.data();
  size_t count = 0;
  const double yd = static_cast<double>(y);
  for (const auto& e : s->cross_edges) {
    if (y >= e.r0 && y < e.r1) xs[count++] = e.ax + (yd - e.ay) * e.dx / e.dy;
  }
  if (count == 2) {
    if (xs[1] < xs[0]) std::swap(xs[0], xs[1]);
  } else if (count > 2) {
    std::sort(xs, xs + count);
  }
  s->spans.clear();
  for (size_t k = 0; k + 1 < count; k += 2) {
    // centres X with xs[k] <= X < xs[k+1]
    const int64_t a = std::max<int64_t>(f.x0, CeilInt(xs[k]));
    const int64_t b = std::min<int64_t>(f.x0 + f.w, CeilInt(xs[k + 1]));
    if (b > a) {
      s->spans.push_back(a - f.x0);
      s->spans.push_back(b - f.x0);
    }
  }
}

// InsideSpans for image rows y0..y0+rows-1 at once, when no row crosses more than four edges (the
// common case; curved text crosses four on some rows): the crossings of each edge over its rows
// first (independent divisions, so they overlap), then each row's spans. s->row_span[4k..4k+3]:
// row y0 + k's two spans (begin >= end: none; the second is empty when the row crosses two edges).
// Returns false, with nothing usable, when some row crosses more edges or an odd number (use
// InsideSpans).
bool RowSpansBatch(const Plan& f, int64_t y0, int64_t rows, DbScratch* s) {
  const auto nrows = static_cast<size_t>(rows);
  s->row_cnt.assign(nrows, 0);
  if (s->band_xs.size() < 4 * nrows) s->band_xs.resize(4 * nrows);
  uint8_t* cnt = s->row_cnt.data();
  double* xs = s->band_xs.data();
  for (const auto& e : s->cross_edges) {
    const int64_t ya = std::max(e.r0, y0), yb = std::min(e.r1, y0 + rows);
    for (int64_t y = ya; y < yb; ++y) {
      const auto k = static_cast<size_t>(y - y0);
      if (cnt[k] == 4) return false;
      xs[4 * k + cnt[k]++] = e.ax + (static_cast<double>(y) - e.ay) * e.dx / e.dy;
    }
  }
  s->row_span.resize(4 * nrows);
  // as InsideSpans: centres X with x0 <= X < x1, within the window
  const auto span = [&f](double x0, double x1, int64_t* a, int64_t* b) {
    *a = std::max<int64_t>(f.x0, CeilInt(x0)) - f.x0;
    *b = std::min<int64_t>(f.x0 + f.w, CeilInt(x1)) - f.x0;
  };
  for (size_t k = 0; k < nrows; ++k) {
    int64_t* out = s->row_span.data() + 4 * k;
    out[0] = out[1] = out[2] = out[3] = 0;
    double* x = xs + 4 * k;
    if (cnt[k] == 2) {
      if (x[1] < x[0]) std::swap(x[0], x[1]);
      span(x[0], x[1], &out[0], &out[1]);
    } else if (cnt[k] == 4) {
      // sorted as std::sort would (equal crossings are interchangeable)
      for (int i = 1; i < 4; ++i) {
        for (int j = i; j > 0 && x[j] < x[j - 1]; --j) std::swap(x[j], x[j - 1]);
      }
      span(x[0], x[1], &out[0], &out[1]);
      span(x[2], x[3], &out[2], &out[3]);
    } else if (cnt[k] != 0) {
      return false;
    }
  }
  return true;
}

// Sets the row's unset columns in [a, lo) and (hi, b) to FLT_MAX (empty row: all of [a, b)).
void PadRow(float* d2, int64_t lo, int64_t hi, int64_t a, int64_t b) {
  if (lo > hi) {
    std::fill(d2 + a, d2 + b, FLT_MAX);
    return;
  }
  if (a < lo) std::fill(d2 + a, d2 + lo, FLT_MAX);
  if (hi + 1 < b) std::fill(d2 + hi + 1, d2 + b, FLT_MAX);
}

// Squared distance (float64) from (px, py) to the nearest edge of the ring.
double MinDistance2(const double* xy, size_t n, double px, double py) {
  double best = HUGE_VAL;
  for (size_t i = 0; i < n; ++i) {
    const size_t j = i + 1 == n ? 0 : i + 1;
    const double ax = xy[2 * i], ay = xy[2 * i + 1];
    const double ex = xy[2 * j] - ax, ey = xy[2 * j + 1] - ay;
    const double len2 = ex * ex + ey * ey;
    double t = len2 > 0 ? ((px - ax) * ex + (py - ay) * ey) / len2 : 0.0;
    t = std::min(1.0, std::max(0.0, t));
    const double dx = px - (ax + t * ex), dy = py - (ay + t * ey);
    best = std::min(best, dx * dx + dy * dy);
  }
  return best;
}

// True when some pixel centre of the window is inside the ring and at least D from its edges
// (the eroded polygon is not empty). The middle row alone is tried first (the kernel is usually
// there); otherwise the whole window's field is computed once and scanned.
bool HasKernel(const Plan& f, const double* xy, size_t n, float D2, DbScratch* s) {
  // Row r (field row k of s->local): inside pixels outside the row's set columns are FLT_MAX.
  const auto row_has = [&](int64_t r, int64_t k) {
    InsideSpans(f, f.y0 + r, s);
    const int64_t lo = s->hull_lo[static_cast<size_t>(k)], hi = s->hull_hi[static_cast<size_t>(k)];
    const float* dr = s->local.data() + k * f.w;
    for (size_t q = 0; q < s->spans.size(); q += 2) {
      const int64_t sa = s->spans[q], sb = s->spans[q + 1];
      if (sa < lo || sb - 1 > hi) return true;
      for (int64_t c = sa; c < sb; ++c) {
        if (dr[c] >= D2) return true;
      }
    }
    return false;
  };
  PrepareCrossings(xy, n, s);
  const int64_t mid = f.h / 2;
  // Shortcut: the middle pixel of an inside span of the middle row that is clearly farther than D
  // from every edge (float64 distance, margin far above the float32 field's error) is a kernel
  // pixel: its field value is FLT_MAX or a float32 distance >= D^2.
  InsideSpans(f, f.y0 + mid, s);
  const double margin = 0.05 + static_cast<double>(f.w + f.h) * 0x1p-12;
  const double far2 = (f.reach + margin) * (f.reach + margin);
  for (size_t q = 0; q < s->spans.size(); q += 2) {
    const double px = static_cast<double>(f.x0 + s->spans[q] + (s->spans[q + 1] - s->spans[q] - 1) / 2);
    const double py = static_cast<double>(f.y0 + mid);
    if (MinDistance2(xy, n, px, py) >= far2) return true;
  }
  FieldRows(f, xy, n, mid, mid + 1, s);
  if (row_has(mid, 0)) return true;
  FieldRows(f, xy, n, 0, f.h, s);
  for (int64_t r = 0; r < f.h; ++r) {
    if (r != mid && row_has(r, r)) return true;
  }
  return false;
}

// Window rows r0..r1-1 of an ignored polygon: shrink mask = 0 where inside || d <= 0.5.
void PaintIgnored(const Plan& f, const double* xy, size_t n, int64_t r0, int64_t r1, DbScratch* s,
                  const MapBands& bands) {
  FieldRows(f, xy, n, r0, r1, s);
  PrepareCrossings(xy, n, s);
  for (int64_t r = r0; r < r1; ++r) {
    const auto k = static_cast<size_t>(r - r0);
    const float* d2 = s->local.data() + (r - r0) * f.w;
    uint8_t* m = bands.ByteRow(kShrinkMask, f.y0 + r) + f.x0;
    const int64_t lo = s->hull_lo[k], hi = s->hull_hi[k];
    for (int64_t c = lo; c <= hi; ++c) m[c] = d2[c] <= 0.25f ? uint8_t{0} : m[c];  // branch-free: vectorises
    InsideSpans(f, f.y0 + r, s);
    for (size_t q = 0; q < s->spans.size(); q += 2) std::fill(m + s->spans[q], m + s->spans[q + 1], uint8_t{0});
  }
}

// Window rows r0..r1-1 of a drawn polygon: all four maps from the same field. Per row, the merge
// runs over the vectors that meet the set columns (MergeRange); inside pixels elsewhere only set
// the shrink map and the threshold mask.
void PaintDrawn(const Plan& f, const double* xy, size_t n, int64_t r0, int64_t r1, const Rescale& rs, DbScratch* s,
                const MapBands& bands) {
  FieldRows(f, xy, n, r0, r1, s);
  PrepareCrossings(xy, n, s);
  const bool batched = RowSpansBatch(f, f.y0 + r0, r1 - r0, s);
  const double D = f.reach;
  const float D2 = static_cast<float>(D * D);
  const float invD = static_cast<float>(1.0 / D);
  s->inside.resize(static_cast<size_t>(f.w));
  uint8_t* in = s->inside.data();
  const float scale = rs.fused ? rs.scale : 1.0f, bias = rs.fused ? rs.bias : 0.0f;
  // Rows with at most one inside span (all rows of convex polygons) are merged together by
  // ExactMergeRows below, one spec per row; the others here, with a flag row (their spec is empty).
  s->merge_rows.resize(static_cast<size_t>(r1 - r0));
  MergeRowSpec* specs = s->merge_rows.data();
  float* d2 = s->local.data();
  for (int64_t r = r0; r < r1; ++r, d2 += f.w) {
    const auto k = static_cast<size_t>(r - r0);
    const int64_t lo = s->hull_lo[k], hi = s->hull_hi[k];
    int64_t a = 0, b = 0;
    if (lo <= hi) {
      MergeRange(f.w, lo, hi, &a, &b);
      PadRow(d2, lo, hi, a, b);
    }
    const int64_t* spans;
    size_t nspans;  // begin, end pairs (begin >= end: empty)
    if (batched) {
      spans = s->row_span.data() + 4 * k;
      nspans = spans[2] < spans[3] ? 4 : 2;
    } else {
      InsideSpans(f, f.y0 + r, s);
      spans = s->spans.data();
      nspans = s->spans.size();
    }
    MergeRowSpec& spec = specs[k];
    if (nspans <= 2) {
      // window columns fit in int32 (kMaxSide)
      spec.a = static_cast<int32_t>(a);
      spec.b = static_cast<int32_t>(b);
      spec.sa = nspans == 2 ? static_cast<int32_t>(spans[0]) : 0;
      spec.sb = nspans == 2 ? static_cast<int32_t>(spans[1]) : 0;
      continue;
    }
    spec = MergeRowSpec();
    const int64_t y = f.y0 + r;
    uint8_t* smap = bands.ByteRow(kShrinkMap, y) + f.x0;
    uint8_t* tmask = bands.ByteRow(kThreshMask, y) + f.x0;
    bool any_in = false;  // some inside pixel in [a, b)
    for (size_t q = 0; q < nspans; q += 2) {
      const int64_t sa = spans[q], sb = spans[q + 1];
      if (sb <= sa) continue;
      // the part in [a, b) goes through the merge, the rest is inside and FLT_MAX
      const int64_t ia = std::max(sa, a), ib = std::min(sb, b);
      if (ia < ib) {
        if (!any_in) std::fill(in + a, in + b, uint8_t{0});
        any_in = true;
        std::fill(in + ia, in + ib, uint8_t{0xFF});
      }
      MarkInsideBeyond(sa, sb, a, b, smap, tmask);
    }
    if (b > a) {
      ExactRowMerge(d2 + a, any_in ? in + a : nullptr, b - a, D2, invD, smap + a, bands.ThreshRow(y) + f.x0 + a,
                    tmask + a, scale, bias);
    }
  }
  MergeRowsArgs g;
  g.d2 = s->local.data();
  g.d2_stride = f.w;
  g.smap = bands.ByteRow(kShrinkMap, f.y0 + r0) + f.x0;
  g.tmask = bands.ByteRow(kThreshMask, f.y0 + r0) + f.x0;
  g.tmap = bands.ThreshRow(f.y0 + r0) + f.x0;
  g.byte_stride = bands.byte_stride();
  g.float_stride = bands.byte_stride() / 4;  // staged rows are 64-byte multiples
  g.D2 = D2;
  g.invD = invD;
  g.scale = scale;
  g.bias = bias;
  ExactMergeRows(g, specs, r1 - r0);
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
