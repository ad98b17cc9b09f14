// Reference mode: MhLiao/DB MakeSegDetectionData + MakeBorderMap, bit for bit. Every polygon's
// geometry (Clipper offsets, boxes) is planned first, in input order; the maps are then painted
// band by band (map_bands.h). All paints commute (fillPoly of constants into distinct maps, fmax
// into the canvas), so the order does not change a bit.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "geometry/pyclipper_offset.h"
#include "targets/db_common.h"
#include "targets/edge_kernels.h"
#include "targets/map_bands.h"

namespace opk::targets {

namespace {

using RefPlan = DbScratch::RefPlan;

// `polygon.astype(np.int32)`: truncation toward zero (all clamped coordinates are >= 0).
void TruncatedRing(const double* xy, size_t n, DbScratch* s) {
  s->path.resize(n);
  for (size_t k = 0; k < n; ++k) {
    s->path[k] = geom::Point64{static_cast<int64_t>(xy[2 * k]), static_cast<int64_t>(xy[2 * k + 1])};
  }
}

Status Offset(const geom::Path64& path, double delta, geom::Paths64* out) {
  out->clear();
  return geom::PyclipperOffset(path, delta, geom::JoinType::kRound, geom::EndType::kPolygon, 2.0, 0.25, out);
}

// Appends a ring to s->ref_pts; returns its first index and widens [*lo, *hi] by its rows.
size_t Keep(const geom::Path64& path, DbScratch* s, int64_t* lo, int64_t* hi) {
  const size_t begin = s->ref_pts.size();
  for (const auto& q : path) {
    s->ref_pts.push_back(IPoint{q.x, q.y});
    *lo = std::min(*lo, q.y);
    *hi = std::max(*hi, q.y);
  }
  return begin;
}

// MakeSegDetectionData's shrink step and the geometry of MakeBorderMap.draw_border_map for one
// polygon (float vertices xy, already validated); rows lo..hi bound every pixel it paints.
Status Plan(const DbParams& p, PreparedPolygon* pp, const double* xy, DbScratch* s, RefPlan* plan, int64_t* lo,
            int64_t* hi) {
  *plan = RefPlan();
  *lo = std::numeric_limits<int64_t>::max();
  *hi = std::numeric_limits<int64_t>::min();
  const size_t n = pp->size;
  bool ignored = true;
  if (!pp->ignore && !TooSmall(xy, n, p.min_text_size)) {
    plan->D = ShrinkDistance(xy, n, p.shrink_ratio);
    TruncatedRing(xy, n, s);
    OPK_RETURN_IF_ERROR(Offset(s->path, -plan->D, &s->offset_out));
    if (!s->offset_out.empty()) {  // only the first piece is drawn
      plan->fill_begin = Keep(s->offset_out[0], s, lo, hi);
      plan->fill_size = s->offset_out[0].size();
      ignored = false;
    }
  }
  if (ignored) {  // the truncated polygon zeroes the shrink mask
    pp->ignore = true;
    TruncatedRing(xy, n, s);
    plan->fill_begin = Keep(s->path, s, lo, hi);
    plan->fill_size = n;
    return Status::Ok();
  }
  // draw_border_map: P = offset(+D)[0] of the truncated ring (the same D).
  OPK_RETURN_IF_ERROR(Offset(s->path, plan->D, &s->offset_out));
  // The reference indexes [0] and would raise on an empty result; a positive offset of a ring
  // with |area| >= 1 is never empty, so skipping is only a guard.
  if (s->offset_out.empty() || s->offset_out[0].empty()) return Status::Ok();
  const geom::Path64& P = s->offset_out[0];
  plan->p_begin = Keep(P, s, lo, hi);
  plan->p_size = P.size();
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
  plan->border = true;
  plan->xmin = xmin;
  plan->ymin = ymin;
  plan->vx0 = vx0;
  plan->vy0 = vy0;
  plan->bw = vx1 - vx0 + 1;
  plan->bh = vy1 - vy0 + 1;
  return Status::Ok();
}

// canvas[c] = fmax((1 - dmin[c]) * scale + bias, canvas[c]) in float32, no FMA: the larger of
// the two where the new value is greater, else the canvas (so a NaN value keeps the canvas).
// dmin is reset to 1.0f as it is read (see DbScratch::ref_dist).
void CanvasMergeScalar(float* dmin, float* canvas, int64_t n, float scale, float bias) {
  for (int64_t c = 0; c < n; ++c) {
    const float v = 1.0f - dmin[c];
    dmin[c] = 1.0f;
    const float scaled = v * scale;
    const float vs = scaled + bias;
    canvas[c] = vs > canvas[c] ? vs : canvas[c];
  }
}

#if defined(__x86_64__)
// The same operations 8 wide; max_ps(a, b) is exactly `a > b ? a : b` (b on NaN or equality).
__attribute__((target("avx"))) void CanvasMergeAvx(float* dmin, float* canvas, int64_t n, float scale,
                                                   float bias) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 vs = _mm256_set1_ps(scale);
  const __m256 vb = _mm256_set1_ps(bias);
  int64_t c = 0;
  for (; c + 8 <= n; c += 8) {
    const __m256 v = _mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(one, _mm256_loadu_ps(dmin + c)), vs), vb);
    _mm256_storeu_ps(dmin + c, one);
    _mm256_storeu_ps(canvas + c, _mm256_max_ps(v, _mm256_loadu_ps(canvas + c)));
  }
  if (c < n && n >= 8) {
    // The last pixels as one vector overlapping the previous one: the overlapped pixels' dmin
    // was reset to 1.0f, and merging 1.0f again is a no-op (v = 0 rescales to bias; the canvas
    // is >= bias, or >= 0 unfused, as it starts there and only grows).
    c = n - 8;
    const __m256 v = _mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(one, _mm256_loadu_ps(dmin + c)), vs), vb);
    _mm256_storeu_ps(dmin + c, one);
    _mm256_storeu_ps(canvas + c, _mm256_max_ps(v, _mm256_loadu_ps(canvas + c)));
    return;
  }
  CanvasMergeScalar(dmin + c, canvas + c, n - c, scale, bias);
}
#endif

void CanvasMerge(float* dmin, float* canvas, int64_t n, float scale, float bias) {
#if defined(__x86_64__)
  static const bool has_avx = __builtin_cpu_supports("avx");
  if (has_avx) {
    CanvasMergeAvx(dmin, canvas, n, scale, bias);
    return;
  }
#endif
  CanvasMergeScalar(dmin, canvas, n, scale, bias);
}

// Window rows r0..r1-1 of a polygon's threshold-map window: the per-edge distance (rows of the
// local buffer) and the fmax into the canvas.
void PaintBorder(const DbParams& p, const RefPlan& plan, const double* xy, size_t n, int64_t r0, int64_t r1,
                 const Rescale& rs, DbScratch* s, const MapBands& bands) {
  const int64_t bw = plan.bw;
  const int64_t bh = plan.bh;
  const double D = plan.D;
  const auto need = static_cast<size_t>(bw * (r1 - r0));
  if (s->ref_dist.size() < need) s->ref_dist.resize(need, 1.0f);  // 1.0f everywhere (see DbScratch)
  float* buf = s->ref_dist.data();
  // Local frame: pixel (X, Y) has local grid value (X - xmin, Y - ymin); the float vertices
  // are shifted by the integer box origin in float64, as the reference does.
  const double fxmin = static_cast<double>(plan.xmin);
  const double fymin = static_cast<double>(plan.ymin);
  EdgeWindow win;
  win.origin_x = static_cast<double>(plan.vx0 - plan.xmin);
  win.origin_y = static_cast<double>(plan.vy0 - plan.ymin);
  win.stride = bw;
  win.row_base = r0;
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
    // Window in buffer indices: local grid value g = origin + index; rows of this band only.
    win.col0 = std::max<int64_t>(0, static_cast<int64_t>(std::ceil(lo_x - win.origin_x)));
    win.col1 = std::min<int64_t>(bw - 1, static_cast<int64_t>(std::floor(hi_x - win.origin_x)));
    win.row0 = std::max<int64_t>(r0, static_cast<int64_t>(std::ceil(lo_y - win.origin_y)));
    win.row1 = std::min<int64_t>(std::min(bh, r1) - 1, static_cast<int64_t>(std::floor(hi_y - win.origin_y)));
    RefEdgeMinMerge(x1, y1, x2, y2, D, win, buf);
  }
  // canvas = np.fmax(1 - dmin, canvas) over the valid window (float32; NaN keeps canvas). When
  // the final rescale is fused (see Rescale), the canvas holds rescaled values: s(x) = x * scale +
  // bias is monotone non-decreasing for scale >= 0 (each rounding step is), so
  // fmax(s(v), s(c)) = s(fmax(v, c)) bit for bit, and s(NaN) is NaN.
  for (int64_t r = r0; r < r1; ++r) {
    float* crow = bands.ThreshRow(plan.vy0 + r) + plan.vx0;
    float* brow = buf + (r - r0) * bw;
    // Not fused: scale 1 and bias 0 leave v = 1 - dmin unchanged (v * 1 = v, and v + 0 = v as v
    // is never -0), i.e. the plain np.fmax(1 - dmin, canvas).
    CanvasMerge(brow, crow, bw, rs.fused ? rs.scale : 1.0f, rs.fused ? rs.bias : 0.0f);
  }
  (void)p;
}

}  // namespace

Status MakeReference(const DbParams& p, DbScratch* s, const DbOutput& out) {
  const Rescale rs = MakeRescale(p);
  const int w = static_cast<int>(p.width);
  const int h = static_cast<int>(p.height);
  const size_t count = s->polys.size();
  s->ref_plans.resize(count);
  s->ref_pts.clear();
  s->row_lo.resize(count);
  s->row_hi.resize(count);
  for (size_t i = 0; i < count; ++i) {
    auto& pp = s->polys[i];
    int64_t lo, hi;
    OPK_RETURN_IF_ERROR(Plan(p, &pp, s->pts.data() + 2 * pp.begin, s, &s->ref_plans[i], &lo, &hi));
    s->row_lo[i] = std::max<int64_t>(lo, 0);
    s->row_hi[i] = std::min<int64_t>(hi, p.height - 1);
  }
  OrderByFirstRow(s->row_lo, s->row_hi, &s->order);
  MapBackground bg;
  bg.value[kThreshMap] = rs.fused ? rs.bias : 0.0f;  // the canvas (rescaled in place when fused: s(0) = bias)
  MapBands bands(out, p.width, p.height, bg, &s->staging);
  PaintBandwise(bands, p.height, s->row_lo, s->row_hi, s->order, &s->active,
                [&](int64_t y0, int64_t y1, const std::vector<uint32_t>& active) {
                  auto rows_of = [&](int m) {  // the binary maps are staged as bytes
                    ByteRowWindow rw;
                    rw.rows = bands.ByteRow(m, y0);
                    rw.stride = bands.byte_stride();
                    rw.y_lo = y0;
                    rw.y_hi = y1;
                    return rw;
                  };
                  const ByteRowWindow shrink_map = rows_of(kShrinkMap);
                  const ByteRowWindow shrink_mask = rows_of(kShrinkMask);
                  const ByteRowWindow thresh_mask = rows_of(kThreshMask);
                  for (const uint32_t i : active) {
                    const RefPlan& plan = s->ref_plans[i];
                    const PreparedPolygon& pp = s->polys[i];
                    const IPoint* pts = s->ref_pts.data();
                    if (pp.ignore) {
                      FillPolyCvRows(shrink_mask, w, h, pts + plan.fill_begin, plan.fill_size, uint8_t{0}, &s->fill);
                      continue;
                    }
                    FillPolyCvRows(shrink_map, w, h, pts + plan.fill_begin, plan.fill_size, uint8_t{1}, &s->fill);
                    if (plan.p_size > 0) FillPolyCvRows(thresh_mask, w, h, pts + plan.p_begin, plan.p_size, uint8_t{1}, &s->fill);
                    if (plan.border) {
                      const int64_t r0 = std::max<int64_t>(0, y0 - plan.vy0);
                      const int64_t r1 = std::min<int64_t>(plan.bh, y1 - plan.vy0);
                      if (r1 > r0) PaintBorder(p, plan, s->pts.data() + 2 * pp.begin, pp.size, r0, r1, rs, s, bands);
                    }
                  }
                });
  if (!rs.fused) ApplyRescale(rs, out.thresh_map, static_cast<size_t>(p.width * p.height));
  return Status::Ok();
}

}  // namespace opk::targets
