#include "targets/edge_kernels.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define OPK_TARGETS_X86 1
#endif

namespace opk::targets {

namespace {

// One pixel of the reference formula. Every operation below mirrors one numpy ufunc call of
// MakeBorderMap.distance, in the same order.
inline float RefPixel(double gx, double sq_y1, double sq_y2, double x1, double x2, double L, double D) {
  const double a1 = gx - x1;
  const double a2 = gx - x2;
  const double d1 = a1 * a1 + sq_y1;
  const double d2 = a2 * a2 + sq_y2;
  const double p = d1 * d2;
  const double c = ((L - d1) - d2) / (2.0 * std::sqrt(p));
  double s = 1.0 - c * c;
  if (std::isnan(s)) s = 0.0;  // np.nan_to_num
  else if (s > DBL_MAX) s = DBL_MAX;
  else if (s < -DBL_MAX) s = -DBL_MAX;
  double r = std::sqrt((p * s) / L);
  if (c < 0) r = std::sqrt(std::fmin(d1, d2));
  double v = r / D;
  // np.clip(v, 0, 1) keeps NaN.
  if (v < 0) v = 0;
  if (v > 1) v = 1;
  return static_cast<float>(v);
}

inline float NanMin(float acc, float v) {
  if (std::isnan(acc) || std::isnan(v)) return std::nanf("");
  return v < acc ? v : acc;
}

// Columns [*c0, *c1] of row r that can be within `reach` of the edge's line (x1,y1)-(x2,y2),
// inside the window; then widened to whole vectors of `vec` (a power of two) pixels where the row has room
// (merging the true value for extra pixels is always correct). Returns false if empty. The
// per-edge part (the band's half width) is computed once; each row evaluates the same
// expressions as a per-row computation would, so the ranges do not depend on the split.
class RowRanger {
 public:
  RowRanger(const EdgeWindow& w, double x1, double y1, double x2, double y2, int64_t vec)
      : w_(w), x1_(x1), y1_(y1), ex_(x2 - x1), ey_(y2 - y1), vec_(vec) {
    narrow_ = w.reach > 0 && ey_ != 0;
    if (narrow_) {
      half_ = w.reach * std::sqrt(ex_ * ex_ + ey_ * ey_) / std::fabs(ey_) + 1.0;
      narrow_ = half_ < static_cast<double>(w.col1 - w.col0 + 1);
    }
    // Without narrowing every row has the same range: computed once.
    if (!narrow_) {
      whole_ok_ = Widen(w.col0, w.col1, &whole_c0_, &whole_c1_);
    } else if (ex_ == 0) {
      // A vertical edge: (gy - y1) * 0 / ey is a zero for every row, and x1 plus a zero rounds to
      // the same value whatever its sign (x1 != 0: x1; x1 = +-0: a zero, which the floor / ceil
      // below do not tell apart), so every row's range is that of row 0.
      narrow_ = false;
      whole_ok_ = Range(0, &whole_c0_, &whole_c1_, true);
    }
  }

  bool Range(int64_t r, int64_t* c0, int64_t* c1, bool narrowed = false) const {
    if (!narrow_ && !narrowed) {
      *c0 = whole_c0_;
      *c1 = whole_c1_;
      return whole_ok_;
    }
    const double gy = w_.origin_y + static_cast<double>(r);
    const double xc = x1_ + (gy - y1_) * ex_ / ey_ - w_.origin_x;
    const int64_t a = std::max<int64_t>(w_.col0, static_cast<int64_t>(std::floor(std::max(xc - half_, -1e15))));
    const int64_t b = std::min<int64_t>(w_.col1, static_cast<int64_t>(std::ceil(std::min(xc + half_, 1e15))));
    return Widen(a, b, c0, c1);
  }

 private:
  bool Widen(int64_t a, int64_t b, int64_t* c0, int64_t* c1) const {
    if (b < a) return false;
    if (vec_ > 1) {
      // Grow b, then a, toward a multiple of vec_ (as far as the row allows). vec_ is a power of
      // two and b - a + 1 > 0, so the remainder is a mask.
      int64_t rem = (b - a + 1) & (vec_ - 1);
      if (rem != 0) b += std::min(vec_ - rem, w_.stride - 1 - b);
      rem = (b - a + 1) & (vec_ - 1);
      if (rem != 0) a -= std::min(vec_ - rem, a);
    }
    *c0 = a;
    *c1 = b;
    return true;
  }

  const EdgeWindow& w_;
  double x1_, y1_, ex_, ey_;
  int64_t vec_;
  bool narrow_ = false;
  double half_ = 0;
  bool whole_ok_ = false;
  int64_t whole_c0_ = 0, whole_c1_ = -1;
};

void RefEdgeScalar(double x1, double y1, double x2, double y2, double D, const EdgeWindow& w, float* buf,
                   int64_t col_from) {
  const double dxe = x1 - x2;
  const double dye = y1 - y2;
  const double L = dxe * dxe + dye * dye;
  for (int64_t r = w.row0; r <= w.row1; ++r) {
    const double gy = w.origin_y + static_cast<double>(r);
    const double b1 = gy - y1;
    const double b2 = gy - y2;
    const double sq_y1 = b1 * b1;
    const double sq_y2 = b2 * b2;
    float* row = buf + (r - w.row_base) * w.stride;
    for (int64_t c = col_from; c <= w.col1; ++c) {
      const double gx = w.origin_x + static_cast<double>(c);
      row[c] = NanMin(row[c], RefPixel(gx, sq_y1, sq_y2, x1, x2, L, D));
    }
  }
}

#ifdef OPK_TARGETS_X86
__attribute__((target("avx"))) void RefEdgeAvx(double x1, double y1, double x2, double y2, double D,
                                               const EdgeWindow& w, float* buf) {
  // Grid x of the vector's lanes is stepped by 4 below, which needs an integer origin (always, for
  // the maps: integers below 2^52 are exact in double, so the stepped value equals
  // (origin + c) + lane of every iteration). Any other window takes the plain formula (the same
  // values over whole rows).
  if (!(std::floor(w.origin_x) == w.origin_x && std::fabs(w.origin_x) < 0x1p50 &&
        static_cast<double>(w.stride) < 0x1p50)) {
    RefEdgeScalar(x1, y1, x2, y2, D, w, buf, w.col0);
    return;
  }
  const double dxe = x1 - x2;
  const double dye = y1 - y2;
  const double L = dxe * dxe + dye * dye;
  const __m256d vx1 = _mm256_set1_pd(x1);
  const __m256d vx2 = _mm256_set1_pd(x2);
  const __m256d vL = _mm256_set1_pd(L);
  const __m256d vD = _mm256_set1_pd(D);
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d two = _mm256_set1_pd(2.0);
  const __m256d zero = _mm256_setzero_pd();
  const __m256d dmax = _mm256_set1_pd(DBL_MAX);
  const __m256d dmin = _mm256_set1_pd(-DBL_MAX);
  const __m256d lane = _mm256_set_pd(3.0, 2.0, 1.0, 0.0);
  const __m256d sign = _mm256_set1_pd(-0.0);
  const __m256d lo_f = _mm256_set1_pd(1.0 - 1e-9);
  const __m256d hi_f = _mm256_set1_pd(1.0 + 1e-9);
  // Filter constant (see the loop).
  const double len = std::sqrt(L);
  const bool filter = L > 0 && std::isfinite(L);
  const __m256d vQ = _mm256_set1_pd(filter ? 1e-9 : HUGE_VAL);
  const __m256d vk = _mm256_set1_pd(filter ? 1.0 / (len * D) : 0.0);
  // Second filter tier (see the loop): lanes with s^2 min > 1e-5 max, interval est * (1 +- 1e-11).
  const __m256d vQ2 = _mm256_set1_pd(filter ? 1e-5 : HUGE_VAL);
  const __m256d lo_f2 = _mm256_set1_pd(1.0 - 1e-11);
  const __m256d hi_f2 = _mm256_set1_pd(1.0 + 1e-11);
  const __m256d four = _mm256_set1_pd(4.0);
  const RowRanger ranger(w, x1, y1, x2, y2, 4);
  for (int64_t r = w.row0; r <= w.row1; ++r) {
    int64_t rc0, rc1;
    if (!ranger.Range(r, &rc0, &rc1)) continue;
    const int64_t nvec = (rc1 - rc0 + 1) & ~int64_t{3};  // rc1 >= rc0
    const double gy = w.origin_y + static_cast<double>(r);
    const double b1 = gy - y1;
    const double b2 = gy - y2;
    const __m256d sq1 = _mm256_set1_pd(b1 * b1);
    const __m256d sq2 = _mm256_set1_pd(b2 * b2);
    const __m256d vb1 = _mm256_set1_pd(b1);
    const __m256d vb2 = _mm256_set1_pd(b2);
    float* row = buf + (r - w.row_base) * w.stride;
    // Grid x of the vector's lanes, stepped by 4 (see the top).
    __m256d gx = _mm256_add_pd(_mm256_set1_pd(w.origin_x + static_cast<double>(rc0)), lane);
    for (int64_t c = rc0; c < rc0 + nvec; c += 4, gx = _mm256_add_pd(gx, four)) {
      const __m256d a1 = _mm256_sub_pd(gx, vx1);
      const __m256d a2 = _mm256_sub_pd(gx, vx2);
      const __m256d d1 = _mm256_add_pd(_mm256_mul_pd(a1, a1), sq1);
      const __m256d d2 = _mm256_add_pd(_mm256_mul_pd(a2, a2), sq2);
      const __m256d num = _mm256_sub_pd(_mm256_sub_pd(vL, d1), d2);
      // c < 0 exactly when num < 0 (the denominator is positive, zero or NaN-free): lanes on
      // that branch only need sqrt(min(d1, d2)), and sqrt of the selected operand equals the
      // reference's select-after-sqrt bit for bit.
      const __m256d neg = _mm256_cmp_pd(num, zero, _CMP_LT_OQ);
      const __m256d alt = _mm256_min_pd(d1, d2);
      const int neg_bits = _mm256_movemask_pd(neg);
      if (neg_bits == 0xF) {
        // Every lane takes the c < 0 branch: f = float32(clip(sqrt(min(d1, d2)) / D)), the same
        // operations the paths below would run for these lanes.
        // D is positive and finite (a drawn polygon has area >= 1) and min(d1, d2) >= 0, so the
        // quotient is >= 0 and never NaN: the clip needs no lower bound and f no NaN handling
        // (min_ps(f, acc) keeps a NaN acc).
        const __m256d va = _mm256_min_pd(one, _mm256_div_pd(_mm256_sqrt_pd(alt), vD));
        const __m128 f = _mm256_cvtpd_ps(va);
        _mm_storeu_ps(row + c, _mm_min_ps(f, _mm_loadu_ps(row + c)));
        continue;
      }
      // Filter for the c >= 0 lanes: the line distance |cross| / sqrt(L) estimates what the
      // formula evaluates to. Rounding in the formula is amplified where 1 - c^2 cancels and
      // where the pixel is much closer to one end point than to the other: its relative error
      // is below ~32 eps sqrt(max(d1,d2) / min(d1,d2)) / s with s = cross^2 / (d1 d2). Lanes with
      // s^2 min > 1e-9 max keep that below 2.5e-10, so if the whole interval est * (1 +- 1e-9)
      // rounds to one float32, that float32 is the reference's result and the sqrt/div chain is
      // skipped (measured worst case on 1.6e7 random lanes: 2.3e-11). Otherwise: full formula.
      const __m256d cross = _mm256_sub_pd(_mm256_mul_pd(a1, vb2), _mm256_mul_pd(a2, vb1));
      const __m256d p = _mm256_mul_pd(d1, d2);
      const __m256d c2 = _mm256_mul_pd(cross, cross);
      const __m256d lhs = _mm256_mul_pd(_mm256_mul_pd(c2, c2), _mm256_min_pd(d1, d2));
      const __m256d rhs = _mm256_mul_pd(_mm256_mul_pd(_mm256_mul_pd(vQ, p), p), _mm256_max_pd(d1, d2));
      const __m256d geom_ok = _mm256_cmp_pd(lhs, rhs, _CMP_GT_OQ);
      const __m256d est = _mm256_mul_pd(_mm256_andnot_pd(sign, cross), vk);
      const __m128 flo = _mm256_cvtpd_ps(_mm256_min_pd(_mm256_mul_pd(est, lo_f), one));
      const __m128 fhi = _mm256_cvtpd_ps(_mm256_min_pd(_mm256_mul_pd(est, hi_f), one));
      const int same_bits = _mm_movemask_ps(_mm_cmpeq_ps(flo, fhi));
      const int geom_bits = _mm256_movemask_pd(geom_ok);
      int fast_bits = neg_bits | (geom_bits & same_bits);
      const __m128 acc = _mm_loadu_ps(row + c);
      __m128 f = fhi;
      if (fast_bits != 0xF) {
        // Second tier for the lanes left: the bound above scales as 1 / sqrt(K) for the test
        // s^2 min > K max, so with K = 1e-5 (10^4 times stricter) it is 100 times smaller than
        // with 1e-9, and the interval est * (1 +- 1e-11) keeps the first tier's margin; it
        // straddles a float32 rounding boundary 100 times less often. Where both tiers accept a
        // lane they give the same float32 (the reference's), so f takes the second tier's value
        // on its lanes and the first tier's elsewhere.
        const __m256d rhs2 = _mm256_mul_pd(_mm256_mul_pd(_mm256_mul_pd(vQ2, p), p), _mm256_max_pd(d1, d2));
        const __m256d geom2 = _mm256_cmp_pd(lhs, rhs2, _CMP_GT_OQ);
        const __m128 flo2 = _mm256_cvtpd_ps(_mm256_min_pd(_mm256_mul_pd(est, lo_f2), one));
        const __m128 fhi2 = _mm256_cvtpd_ps(_mm256_min_pd(_mm256_mul_pd(est, hi_f2), one));
        const int ok2_bits = _mm_movemask_ps(_mm_cmpeq_ps(flo2, fhi2)) & _mm256_movemask_pd(geom2);
        if (ok2_bits != 0) {
          const __m128i lanes2 = _mm_and_si128(_mm_set1_epi32(ok2_bits), _mm_setr_epi32(1, 2, 4, 8));
          f = _mm_blendv_ps(f, fhi2, _mm_castsi128_ps(_mm_cmpgt_epi32(lanes2, _mm_setzero_si128())));
          fast_bits |= ok2_bits;
        }
      }
      if (fast_bits != 0xF) {
        // A filtered lane whose interval did not round to one float32 still has f >= flo; where
        // flo >= acc the merge keeps acc (a NaN acc fails the test), so f = acc is exact there.
        const int keep_bits = geom_bits & _mm_movemask_ps(_mm_cmpge_ps(flo, acc)) & ~neg_bits & 0xF;
        if ((fast_bits | keep_bits) == 0xF) {
          fast_bits = 0xF;
          const __m128i kb = _mm_and_si128(_mm_set1_epi32(keep_bits), _mm_setr_epi32(1, 2, 4, 8));
          f = _mm_blendv_ps(f, acc, _mm_castsi128_ps(_mm_cmpgt_epi32(kb, _mm_setzero_si128())));
        }
      }
      if (fast_bits == 0xF) {
        if (neg_bits != 0) {
          const __m256d va = _mm256_min_pd(one, _mm256_div_pd(_mm256_sqrt_pd(alt), vD));  // as above
          const __m128i bits = _mm_and_si128(_mm_set1_epi32(neg_bits), _mm_setr_epi32(1, 2, 4, 8));
          const __m128 negf = _mm_castsi128_ps(_mm_cmpgt_epi32(bits, _mm_setzero_si128()));
          f = _mm_blendv_ps(f, _mm256_cvtpd_ps(va), negf);
        }
        // Every lane of f is a finite estimate, a non-NaN endpoint value or acc itself: no NaN
        // can come from f here, and min_ps(f, acc) keeps a NaN acc.
        _mm_storeu_ps(row + c, _mm_min_ps(f, acc));
        continue;
      } else {
        __m256d operand;
        if (neg_bits == 0xF) {
          operand = alt;
        } else {
          const __m256d cs = _mm256_div_pd(num, _mm256_mul_pd(two, _mm256_sqrt_pd(p)));
          __m256d s = _mm256_sub_pd(one, _mm256_mul_pd(cs, cs));
          s = _mm256_blendv_pd(s, zero, _mm256_cmp_pd(s, s, _CMP_UNORD_Q));
          s = _mm256_max_pd(_mm256_min_pd(s, dmax), dmin);
          operand = _mm256_blendv_pd(_mm256_div_pd(_mm256_mul_pd(p, s), vL), alt, neg);
        }
        __m256d v = _mm256_div_pd(_mm256_sqrt_pd(operand), vD);
        v = _mm256_min_pd(one, _mm256_max_pd(zero, v));  // NaN in v survives both
        f = _mm256_cvtpd_ps(v);
      }
      __m128 m = _mm_min_ps(f, acc);                   // NaN in acc survives
      m = _mm_blendv_ps(m, f, _mm_cmpunord_ps(f, f));  // NaN in f too
      _mm_storeu_ps(row + c, m);
    }
    for (int64_t c = rc0 + nvec; c <= rc1; ++c) {
      row[c] = NanMin(row[c], RefPixel(w.origin_x + static_cast<double>(c), b1 * b1, b2 * b2, x1, x2, L, D));
    }
  }
}

bool HasAvx() {
  static const bool has = __builtin_cpu_supports("avx");
  return has;
}
#endif

}  // namespace

void RefEdgeMinMerge(double x1, double y1, double x2, double y2, double D, const EdgeWindow& win, float* buf) {
  if (win.col1 < win.col0 || win.row1 < win.row0) return;
#ifdef OPK_TARGETS_X86
  if (HasAvx()) {
    RefEdgeAvx(x1, y1, x2, y2, D, win, buf);
    return;
  }
#endif
  RefEdgeScalar(x1, y1, x2, y2, D, win, buf, win.col0);
}

namespace {

struct ExactEdgeSetup {
  float ax, ay, ex, ey, inv;
};

ExactEdgeSetup SetupExact(double x1, double y1, double x2, double y2, const EdgeWindow& win) {
  // Work in float relative to the buffer origin: coordinates stay small (window-sized), so
  // float32 keeps ~1e-4 px precision while the loop runs 8 wide.
  ExactEdgeSetup e;
  e.ax = static_cast<float>(x1 - win.origin_x);
  e.ay = static_cast<float>(y1 - win.origin_y);
  e.ex = static_cast<float>(x2 - x1);
  e.ey = static_cast<float>(y2 - y1);
  const float len2 = e.ex * e.ex + e.ey * e.ey;
  e.inv = len2 > 0.0f ? 1.0f / len2 : 0.0f;
  return e;
}

inline float ExactPixel(const ExactEdgeSetup& e, float px, float py) {
  float t = (px * e.ex + py * e.ey) * e.inv;
  t = t < 0.0f ? 0.0f : t;
  t = t > 1.0f ? 1.0f : t;
  const float qx = px - t * e.ex;
  const float qy = py - t * e.ey;
  return qx * qx + qy * qy;
}

inline void ExactRowScalar(const ExactEdgeSetup& e, float py, float* row, int64_t c0, int64_t c1) {
  for (int64_t c = c0; c <= c1; ++c) {
    const float d2 = ExactPixel(e, static_cast<float>(static_cast<int32_t>(c)) - e.ax, py);
    row[c] = d2 < row[c] ? d2 : row[c];
  }
}

// Row k's hull grows to cover [c0, c1]: returns true when no column of [c0, c1] was set (the row
// was empty, or [c0, c1] lies beside the hull: the columns between are set to FLT_MAX); the
// caller then stores its values instead of merging (min(d2, FLT_MAX) = d2). Otherwise sets the
// newly covered columns to FLT_MAX.
inline bool ExtendHull(int32_t* lo_p, int32_t* hi_p, float* row, int64_t c0, int64_t c1) {
  int32_t& lo = *lo_p;
  int32_t& hi = *hi_p;
  if (lo > hi) {
    lo = static_cast<int32_t>(c0);
    hi = static_cast<int32_t>(c1);
    return true;
  }
  if (c1 < lo) {
    std::fill(row + c1 + 1, row + lo, FLT_MAX);
    lo = static_cast<int32_t>(c0);
    return true;
  }
  if (c0 > hi) {
    std::fill(row + hi + 1, row + c0, FLT_MAX);
    hi = static_cast<int32_t>(c1);
    return true;
  }
  if (c0 < lo) {
    std::fill(row + c0, row + lo, FLT_MAX);
    lo = static_cast<int32_t>(c0);
  }
  if (c1 > hi) {
    std::fill(row + hi + 1, row + c1 + 1, FLT_MAX);
    hi = static_cast<int32_t>(c1);
  }
  return false;
}

inline bool ExtendHull(const RowHull* hull, int64_t k, float* row, int64_t c0, int64_t c1) {
  return hull != nullptr && ExtendHull(hull->lo + k, hull->hi + k, row, c0, c1);
}

inline void ExactRowScalarStore(const ExactEdgeSetup& e, float py, float* row, int64_t c0, int64_t c1) {
  for (int64_t c = c0; c <= c1; ++c) {
    const float d2 = ExactPixel(e, static_cast<float>(static_cast<int32_t>(c)) - e.ax, py);
    row[c] = d2 < FLT_MAX ? d2 : FLT_MAX;  // min(d2, FLT_MAX) as the merge would give (NaN too)
  }
}

void ExactEdgeScalar(double x1, double y1, double x2, double y2, const ExactEdgeSetup& e, const EdgeWindow& win,
                     float* buf, const RowHull* hull) {
  const RowRanger ranger(win, x1, y1, x2, y2, 1);
  for (int64_t r = win.row0; r <= win.row1; ++r) {
    int64_t c0, c1;
    if (!ranger.Range(r, &c0, &c1)) continue;
    float* row = buf + (r - win.row_base) * win.stride;
    const float py = static_cast<float>(static_cast<int32_t>(r)) - e.ay;
    if (ExtendHull(hull, r - win.row_base, row, c0, c1)) {
      ExactRowScalarStore(e, py, row, c0, c1);
    } else {
      ExactRowScalar(e, py, row, c0, c1);
    }
  }
}

#ifdef OPK_TARGETS_X86
// The columns of each row that the AVX2 exact kernel computes: the band |distance to the edge's
// line| <= reach + 1 column, as RowRanger's, but with the line's column at window row r taken as
// xbase + r * slope (slope = ex / ey once per edge, instead of a float64 division per row: the two
// differ by a few ulps, far inside the one-column margin), clipped to the window, and widened only
// where a row has fewer than 8 columns (an overlapping last vector covers any other length).
// Why the band does not change the maps as long as it holds every pixel within `reach` of the
// segment: exact mode sees an edge's values only through the min-merged field, and the maps depend
// on a pixel's field value q only through q < D^2, q <= D^2, q >= D^2 and the value where q < D^2
// (D = reach; ignored polygons: q <= 0.25 with reach 0.5). A pixel farther than reach from the
// segment has a squared distance above reach^2 in float32 too (the margin is a column, the
// float32 error of window-relative coordinates ~1e-4 px), so merging it or not changes none of
// these; every pixel computed gets the same formula wherever it is computed.
class ExactBand {
 public:
  __attribute__((target("avx2"))) ExactBand(const EdgeWindow& w, double x1, double y1, double x2, double y2)
      : col0_(w.col0),
        col1_(w.col1),
        last_(w.stride - 1),
        col0d_(static_cast<double>(w.col0)),
        col1d_(static_cast<double>(w.col1)) {
    const double ex = x2 - x1, ey = y2 - y1;
    bool narrow = w.reach > 0 && ey != 0;
    if (narrow) {
      half_ = w.reach * std::sqrt(ex * ex + ey * ey) / std::fabs(ey) + 1.0;
      narrow = half_ < static_cast<double>(w.col1 - w.col0 + 1);
    }
    if (narrow) {
      slope_ = ex / ey;
      xbase_ = (x1 - w.origin_x) + (w.origin_y - y1) * slope_;
      narrow_ = ex != 0;  // a vertical edge's band is the same in every row
      if (!narrow_) ok_ = Span(xbase_, &wc0_, &wc1_);
    } else {
      ok_ = Widen(w.col0, w.col1, &wc0_, &wc1_);
    }
  }
  // True when no row has columns to compute.
  bool Empty() const { return !narrow_ && !ok_; }
  // Columns [*c0, *c1] of window row r; false when none.
  __attribute__((target("avx2"), always_inline)) inline bool Range(int64_t r, int64_t* c0, int64_t* c1) const {
    if (!narrow_) {
      *c0 = wc0_;
      *c1 = wc1_;
      return ok_;
    }
    return Span(xbase_ + static_cast<double>(r) * slope_, c0, c1);
  }

 private:
  // a = max(col0, floor(xc - half)), b = min(col1, ceil(xc + half)), with the clamps applied
  // before the rounding (floor(max(x, col0)) = max(col0, floor(x)) for an integer col0, and the
  // same for ceil and col1); the outer clamps (col1 + 1, col0 - 1) only replace values that make
  // the row empty either way, and keep the conversions in range.
  __attribute__((target("avx2"), always_inline)) inline bool Span(double xc, int64_t* c0, int64_t* c1) const {
    const int64_t a = static_cast<int64_t>(std::floor(std::min(std::max(xc - half_, col0d_), col1d_ + 1.0)));
    const int64_t b = static_cast<int64_t>(std::ceil(std::max(std::min(xc + half_, col1d_), col0d_ - 1.0)));
    return Widen(a, b, c0, c1);
  }
  __attribute__((always_inline)) inline bool Widen(int64_t a, int64_t b, int64_t* c0, int64_t* c1) const {
    if (b < a) return false;
    if (b - a < 7) {  // at least 8 columns where the buffer row has them
      b = std::min(a + 7, last_);
      a = std::max<int64_t>(0, b - 7);
    }
    *c0 = a;
    *c1 = b;
    return true;
  }

  int64_t col0_, col1_, last_;  // the window's columns, the buffer row's last column
  double col0d_, col1d_;        // col0_, col1_ as doubles
  double half_ = 0, slope_ = 0, xbase_ = 0;
  bool narrow_ = false;
  bool ok_ = false;
  int64_t wc0_ = 0, wc1_ = -1;
};

// Squared distance of 8 pixels (window columns col, one row) to the edge.
__attribute__((target("avx2"))) inline __m256 ExactD2Avx2(__m256 col, __m256 vax, __m256 vex, __m256 vey, __m256 pyey,
                                                         __m256 vinv, __m256 py) {
  // px = c + lane - ax: the same float values as the scalar loop (c + lane < 2^24 is exact)
  const __m256 px = _mm256_sub_ps(col, vax);
  __m256 t = _mm256_mul_ps(_mm256_add_ps(_mm256_mul_ps(px, vex), pyey), vinv);
  t = _mm256_min_ps(_mm256_max_ps(t, _mm256_setzero_ps()), _mm256_set1_ps(1.0f));
  const __m256 qx = _mm256_sub_ps(px, _mm256_mul_ps(t, vex));
  const __m256 qy = _mm256_sub_ps(py, _mm256_mul_ps(t, vey));
  return _mm256_add_ps(_mm256_mul_ps(qx, qx), _mm256_mul_ps(qy, qy));
}

// ExactD2Avx2 from the per-column terms px = col - ax (at px_p) and px * ex (at pxex_p), computed
// once per edge by the same operations: the same t, qy and d2; qx comes out negated (t ex - px
// instead of px - t ex: round-to-nearest is symmetric, so the same magnitude and the same square).
__attribute__((target("avx2"))) inline __m256 ExactD2Cols(const float* px_p, const float* pxex_p, __m256 vex,
                                                         __m256 vey, __m256 pyey, __m256 vinv, __m256 py) {
  __m256 t = _mm256_mul_ps(_mm256_add_ps(_mm256_loadu_ps(pxex_p), pyey), vinv);
  t = _mm256_min_ps(_mm256_max_ps(t, _mm256_setzero_ps()), _mm256_set1_ps(1.0f));
  const __m256 nqx = _mm256_sub_ps(_mm256_mul_ps(t, vex), _mm256_loadu_ps(px_p));
  const __m256 qy = _mm256_sub_ps(py, _mm256_mul_ps(t, vey));
  return _mm256_add_ps(_mm256_mul_ps(nqx, nqx), _mm256_mul_ps(qy, qy));
}

// [first, last) = FLT_MAX: whole vectors, then the rest with one masked store (the columns past
// `last` are not touched). The hull's new columns are mostly a few.
__attribute__((target("avx2"), always_inline)) inline void FillMaxAvx2(float* first, float* last) {
  const __m256 v = _mm256_set1_ps(FLT_MAX);
  for (; last - first >= 8; first += 8) _mm256_storeu_ps(first, v);
  const auto rest = static_cast<int32_t>(last - first);
  if (rest > 0) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    _mm256_maskstore_ps(first, _mm256_cmpgt_epi32(_mm256_set1_epi32(rest), lanes), v);
  }
}

// ExtendHull with FillMaxAvx2 for the new columns.
__attribute__((target("avx2"), always_inline)) inline bool ExtendHullAvx2(int32_t* lo_p, int32_t* hi_p, float* row,
                                                                          int64_t c0, int64_t c1) {
  int32_t& lo = *lo_p;
  int32_t& hi = *hi_p;
  if (lo > hi) {
    lo = static_cast<int32_t>(c0);
    hi = static_cast<int32_t>(c1);
    return true;
  }
  if (c1 < lo) {
    FillMaxAvx2(row + c1 + 1, row + lo);
    lo = static_cast<int32_t>(c0);
    return true;
  }
  if (c0 > hi) {
    FillMaxAvx2(row + hi + 1, row + c0);
    hi = static_cast<int32_t>(c1);
    return true;
  }
  if (c0 < lo) {
    FillMaxAvx2(row + c0, row + lo);
    lo = static_cast<int32_t>(c0);
  }
  if (c1 > hi) {
    FillMaxAvx2(row + hi + 1, row + c1 + 1);
    hi = static_cast<int32_t>(c1);
  }
  return false;
}

// Stores (fresh row) or min-merges 8 squared distances at row + c.
__attribute__((target("avx2"))) inline void PutD2(float* row, int64_t c, __m256 d2, bool fresh) {
  const __m256 other = fresh ? _mm256_set1_ps(FLT_MAX) : _mm256_loadu_ps(row + c);
  _mm256_storeu_ps(row + c, _mm256_min_ps(d2, other));
}

// For an edge with a finite `inv`, ExactPixel and ExactD2Avx2 give the same bits (t is never NaN:
// |dot| <= |p| |e| and inv <= 1 / |e|^2 keep |t| finite; a -0 t from the scalar clamp only adds or
// subtracts a zero), so a row's last partial vector may be computed as an overlapping vector
// (stores and min-merges are idempotent) instead of scalar pixels.
//
// Axis-parallel edges (finite inv): with ey == 0, py * ey is a zero, so t = clamp((px ex) inv)
// (a zero sum only changes the sign of a zero t, which the clamp maps to +0) depends on px only,
// qx = px - t ex too, and qy = py - t * 0 = py: d2 = qx^2 + py^2 with qx^2 the same for every row.
// With ex == 0 (ey != 0), px * 0 is a zero, so t = clamp((py ey) inv) depends on py only,
// qx = px - t * 0 = px, and d2 = px^2 + qy^2. Either way d2 = pre[c] + rowc in float32, with the
// per-column term pre[c] computed once per edge (into win.scratch) and rowc once per row: the same
// two products and the same final sum as the general formula, so the same bits.
//
// kKind (ExactKind below): which of the paths, fixed per instantiation so that each row loop
// keeps only its own state.
template <bool kHull, int kKind>
__attribute__((target("avx2"))) void ExactEdgeAvx2(double x1, double y1, double x2, double y2,
                                                   const ExactEdgeSetup& setup, const EdgeWindow& win, float* buf,
                                                   const RowHull* hull) {
  const ExactEdgeSetup e = setup;  // a local copy: the stores below may alias `setup` for the compiler
  const __m256 vex = _mm256_set1_ps(e.ex);
  const __m256 vey = _mm256_set1_ps(e.ey);
  const __m256 vinv = _mm256_set1_ps(e.inv);
  const __m256 vax = _mm256_set1_ps(e.ax);
  const __m256 lane = _mm256_set_ps(7, 6, 5, 4, 3, 2, 1, 0);
  const __m256 eight = _mm256_set1_ps(8.0f);
  const bool finite_inv = kKind != 0 || std::isfinite(e.inv);  // kinds 1-3: finite (see below)
  // 1: horizontal (pre = qx^2, rowc = py^2); 2: vertical (pre = px^2, rowc = qy^2); 0: general.
  constexpr int axis = kKind == 1 || kKind == 2 ? kKind : 0;
  float* pre = win.scratch;
  int64_t k0 = 0, k1 = -1;  // columns of pre that hold the per-column term
  const ExactBand band(win, x1, y1, x2, y2);
  if (band.Empty()) return;
  const int64_t stride = win.stride;
  // General edges with scratch: px = c - ax and px * ex per column once per edge (ExactD2Cols),
  // over the window's columns and the 7 beside them on each side (where a widened row may reach).
  constexpr bool cols = kKind == 3;
  float* const col_px = pre;
  float* const col_pxex = pre == nullptr ? nullptr : pre + stride;
  if (cols) {
    const int64_t p0 = std::max<int64_t>(0, win.col0 - 7), p1 = std::min<int64_t>(stride - 1, win.col1 + 7);
    int64_t c = p0;
    __m256 cl = _mm256_add_ps(_mm256_set1_ps(static_cast<float>(p0)), lane);
    for (; c + 7 <= p1; c += 8, cl = _mm256_add_ps(cl, eight)) {
      const __m256 px = _mm256_sub_ps(cl, vax);
      _mm256_storeu_ps(col_px + c, px);
      _mm256_storeu_ps(col_pxex + c, _mm256_mul_ps(px, vex));
    }
    for (; c <= p1; ++c) {
      const float px = static_cast<float>(static_cast<int32_t>(c)) - e.ax;
      col_px[c] = px;
      col_pxex[c] = px * e.ex;
    }
  }
  float* row = buf + (win.row0 - win.row_base) * stride;
  int32_t* hlo = kHull ? hull->lo + (win.row0 - win.row_base) : nullptr;
  int32_t* hhi = kHull ? hull->hi + (win.row0 - win.row_base) : nullptr;
  const int64_t row_end = win.row1;  // a local: the stores below may alias `win` as far as the compiler knows
  for (int64_t r = win.row0; r <= row_end; ++r, row += stride, hlo += kHull ? 1 : 0, hhi += kHull ? 1 : 0) {
    int64_t c0, c1;
    if (!band.Range(r, &c0, &c1)) continue;
    const int64_t cend = c0 + ((c1 - c0 + 1) & ~int64_t{7});  // end of the whole vectors
    const float pys = static_cast<float>(static_cast<int32_t>(r)) - e.ay;
    const bool fresh = kHull && ExtendHullAvx2(hlo, hhi, row, c0, c1);
    // Columns past the whole vectors: an overlapping last vector where allowed (see above).
    const bool overlap_tail = finite_inv && cend > c0 && cend <= c1;
    if constexpr (axis != 0) {
      if (c0 < k0 || c1 > k1) {
        // pre[c]: ExactPixel(e, px, 0) = qx^2 + 0 (horizontal), px * px (vertical); 8 at a time
        // (the same bits, as above), the columns past the whole vectors one by one.
        const __m256 zero = _mm256_setzero_ps();
        __m256 col = _mm256_add_ps(_mm256_set1_ps(static_cast<float>(c0)), lane);
        for (int64_t c = c0; c < cend; c += 8, col = _mm256_add_ps(col, eight)) {
          const __m256 px = _mm256_sub_ps(col, vax);
          _mm256_storeu_ps(pre + c, axis == 1 ? ExactD2Avx2(col, vax, vex, vey, zero, vinv, zero)
                                              : _mm256_mul_ps(px, px));
        }
        for (int64_t c = cend; c <= c1; ++c) {
          const float px = static_cast<float>(static_cast<int32_t>(c)) - e.ax;
          pre[c] = axis == 1 ? ExactPixel(e, px, 0.0f) : px * px;
        }
        k0 = c0;
        k1 = c1;
      }
      // rowc: py^2, or ExactPixel(e, 0, py) = 0 + qy^2
      const float rowc = axis == 1 ? pys * pys : ExactPixel(e, 0.0f, pys);
      const __m256 vrc = _mm256_set1_ps(rowc);
      for (int64_t c = c0; c < cend; c += 8) {
        PutD2(row, c, _mm256_add_ps(_mm256_loadu_ps(pre + c), vrc), fresh);
      }
      if (overlap_tail) {
        PutD2(row, c1 - 7, _mm256_add_ps(_mm256_loadu_ps(pre + c1 - 7), vrc), fresh);
      } else {
        for (int64_t c = cend; c <= c1; ++c) {
          const float d2 = pre[c] + rowc;
          row[c] = (fresh || d2 < row[c]) ? (d2 < FLT_MAX ? d2 : FLT_MAX) : row[c];
        }
      }
      continue;
    }
    const __m256 py = _mm256_set1_ps(pys);
    const __m256 pyey = _mm256_mul_ps(py, vey);
    if constexpr (cols) {
      if (fresh) {
        for (int64_t c = c0; c < cend; c += 8) {
          PutD2(row, c, ExactD2Cols(col_px + c, col_pxex + c, vex, vey, pyey, vinv, py), true);
        }
      } else {
        for (int64_t c = c0; c < cend; c += 8) {
          PutD2(row, c, ExactD2Cols(col_px + c, col_pxex + c, vex, vey, pyey, vinv, py), false);
        }
      }
      if (overlap_tail) {
        PutD2(row, c1 - 7, ExactD2Cols(col_px + c1 - 7, col_pxex + c1 - 7, vex, vey, pyey, vinv, py), fresh);
      } else if (cend <= c1) {
        if (fresh) {
          ExactRowScalarStore(e, pys, row, cend, c1);
        } else {
          ExactRowScalar(e, pys, row, cend, c1);
        }
      }
      continue;
    }
    // Column numbers c + lane as floats, stepped by 8: integers below 2^24 are exact in float,
    // so this equals float(c) + lane of every iteration.
    __m256 cl = _mm256_add_ps(_mm256_set1_ps(static_cast<float>(c0)), lane);
    if (fresh) {
      for (int64_t c = c0; c < cend; c += 8, cl = _mm256_add_ps(cl, eight)) {
        PutD2(row, c, ExactD2Avx2(cl, vax, vex, vey, pyey, vinv, py), true);
      }
    } else {
      for (int64_t c = c0; c < cend; c += 8, cl = _mm256_add_ps(cl, eight)) {
        PutD2(row, c, ExactD2Avx2(cl, vax, vex, vey, pyey, vinv, py), false);
      }
    }
    if (overlap_tail) {
      const __m256 last = _mm256_add_ps(_mm256_set1_ps(static_cast<float>(c1 - 7)), lane);
      PutD2(row, c1 - 7, ExactD2Avx2(last, vax, vex, vey, pyey, vinv, py), fresh);
    } else if (cend <= c1) {
      if (fresh) {
        ExactRowScalarStore(e, pys, row, cend, c1);
      } else {
        ExactRowScalar(e, pys, row, cend, c1);
      }
    }
  }
}
#endif

}  // namespace

void ExactEdgeMinMerge(double x1, double y1, double x2, double y2, const EdgeWindow& win, float* buf,
                       const RowHull* hull) {
  if (win.col1 < win.col0 || win.row1 < win.row0) return;
  const ExactEdgeSetup e = SetupExact(x1, y1, x2, y2, win);
#ifdef OPK_TARGETS_X86
  static const bool has_avx2 = __builtin_cpu_supports("avx2");
  if (has_avx2) {
    // 1: horizontal (pre = qx^2, rowc = py^2); 2: vertical (pre = px^2, rowc = qy^2); 3: general
    // with the per-column table; 0: general without scratch, or any edge with a non-finite inv.
    const bool finite_inv = std::isfinite(e.inv);
    const int kind = win.scratch == nullptr || !finite_inv ? 0 : e.ey == 0.0f ? 1 : e.ex == 0.0f ? 2 : 3;
    if (hull != nullptr) {
      switch (kind) {
        case 1: ExactEdgeAvx2<true, 1>(x1, y1, x2, y2, e, win, buf, hull); break;
        case 2: ExactEdgeAvx2<true, 2>(x1, y1, x2, y2, e, win, buf, hull); break;
        case 3: ExactEdgeAvx2<true, 3>(x1, y1, x2, y2, e, win, buf, hull); break;
        default: ExactEdgeAvx2<true, 0>(x1, y1, x2, y2, e, win, buf, hull); break;
      }
    } else {
      switch (kind) {
        case 1: ExactEdgeAvx2<false, 1>(x1, y1, x2, y2, e, win, buf, hull); break;
        case 2: ExactEdgeAvx2<false, 2>(x1, y1, x2, y2, e, win, buf, hull); break;
        case 3: ExactEdgeAvx2<false, 3>(x1, y1, x2, y2, e, win, buf, hull); break;
        default: ExactEdgeAvx2<false, 0>(x1, y1, x2, y2, e, win, buf, hull); break;
      }
    }
    return;
  }
#endif
  ExactEdgeScalar(x1, y1, x2, y2, e, win, buf, hull);
}

#if defined(OPK_TARGETS_X86)
namespace {
// Lane masks (0 / -1 per float lane) as 8 bytes of 0 / 0xFF.
__attribute__((target("avx2"))) inline __m128i MaskBytes(__m256 mask) {
  const __m256i m = _mm256_castps_si256(mask);
  const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(m), _mm256_extracti128_si256(m, 1));
  return _mm_packs_epi16(w, w);  // 0 / 0xFF: the staged binary maps only tell zero from non-zero
}

// kLaneBytes[m]: the 8 bytes of MaskBytes for the lane mask whose movemask is m (lane l -> byte l).
struct LaneByteTable {
  uint64_t v[256];
};
constexpr LaneByteTable MakeLaneBytes() {
  LaneByteTable t{};
  for (int m = 0; m < 256; ++m) {
    uint64_t bytes = 0;
    for (int l = 0; l < 8; ++l) {
      if ((m >> l) & 1) bytes |= uint64_t{0xFF} << (8 * l);
    }
    t.v[m] = bytes;
  }
  return t;
}
constexpr LaneByteTable kLaneBytes = MakeLaneBytes();

// bytes[0..8) |= the bytes of the lane mask with movemask `bits` (0..255): the same bytes as
// OR-ing MaskBytes of the mask, from a table (one load and one OR to memory instead of packing).
inline void OrMaskBits(uint8_t* bytes, unsigned bits) {
  uint64_t v;
  std::memcpy(&v, bytes, 8);
  v |= kLaneBytes.v[bits];
  std::memcpy(bytes, &v, 8);
}

// One 8-pixel vector of ExactRowMerge at d2 + i (see ExactRowAvx2).
struct RowMergeConsts {
  __m256 scale, bias, D2, inv, one;
};

__attribute__((target("avx2"), always_inline)) inline RowMergeConsts MergeConsts(float D2, float invD, float scale,
                                                                                 float bias) {
  RowMergeConsts k;
  k.scale = _mm256_set1_ps(scale);
  k.bias = _mm256_set1_ps(bias);
  k.D2 = _mm256_set1_ps(D2);
  k.inv = _mm256_set1_ps(invD);
  k.one = _mm256_set1_ps(1.0f);
  return k;
}

// min(sqrt(q) / D, 1) on the `near` lanes (q < D^2), exactly 1 elsewhere: a pixel at or beyond
// D^2 gets no ridge even where sqrt(q) * (1/D) rounds just below 1, whatever its neighbours in
// the vector are, so the value does not depend on the grouping (the scalar merge does the same).
__attribute__((target("avx2"), always_inline)) inline __m256 RidgeRatio(__m256 q, __m256 near,
                                                                        const RowMergeConsts& k) {
  const __m256 r = _mm256_min_ps(_mm256_mul_ps(_mm256_sqrt_ps(q), k.inv), k.one);
  return _mm256_blendv_ps(k.one, r, near);
}

// tmap[0..8) = max(tmap, the scaled ridge) where some lane is `near` (q < D^2).
__attribute__((target("avx2"), always_inline)) inline void MergeRidge(__m256 q, __m256 near, const RowMergeConsts& k,
                                                                      float* tmap) {
  if (_mm256_movemask_ps(near) == 0) return;  // ridge only where some pixel is closer than D
  const __m256 v = _mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(k.one, RidgeRatio(q, near, k)), k.scale), k.bias);
  _mm256_storeu_ps(tmap, _mm256_max_ps(_mm256_loadu_ps(tmap), v));
}

// ExactMerge8<true> with the inside lanes as a mask.
__attribute__((target("avx2"), always_inline)) inline void ExactMerge8Masked(const float* d2, __m256 in, int64_t i,
                                                                             const RowMergeConsts& k, uint8_t* smap,
                                                                             float* tmap, uint8_t* tmask) {
  const __m256 q = _mm256_loadu_ps(d2 + i);
  const __m256 far = _mm256_cmp_ps(q, k.D2, _CMP_GE_OQ);
  const __m256 sm = _mm256_and_ps(in, far);
  OrMaskBits(smap + i, _mm256_movemask_ps(sm));
  MergeRidge(q, _mm256_cmp_ps(q, k.D2, _CMP_LT_OQ), k, tmap + i);
  const __m256 m = _mm256_or_ps(in, _mm256_cmp_ps(q, k.D2, _CMP_LE_OQ));
  OrMaskBits(tmask + i, _mm256_movemask_ps(m));
}

template <bool kInside>
__attribute__((target("avx2"), always_inline)) inline void ExactMerge8(const float* d2, const uint8_t* inside,
                                                                       int64_t i, const RowMergeConsts& k,
                                                                       uint8_t* smap, float* tmap, uint8_t* tmask) {
  if (kInside) {
    // flag bytes 0 / 0xFF sign-extend to the lane mask
    const __m128i in8 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(inside + i));
    ExactMerge8Masked(d2, _mm256_castsi256_ps(_mm256_cvtepi8_epi32(in8)), i, k, smap, tmap, tmask);
    return;
  }
  const __m256 q = _mm256_loadu_ps(d2 + i);
  MergeRidge(q, _mm256_cmp_ps(q, k.D2, _CMP_LT_OQ), k, tmap + i);
  OrMaskBits(tmask + i, _mm256_movemask_ps(_mm256_cmp_ps(q, k.D2, _CMP_LE_OQ)));  // OR of zero bytes: no change
}

// kInside false: no pixel of the row is inside (inside is not read; shrink map untouched).
template <bool kInside>
__attribute__((target("avx2"))) void ExactRowAvx2(const float* d2, const uint8_t* inside, int64_t n, float D2,
                                                  float invD, uint8_t* smap, float* tmap, uint8_t* tmask,
                                                  float scale, float bias) {
  if (n < 8) {
    ExactRowMerge(d2, inside, n, D2, invD, smap, tmap, tmask, scale, bias, false);
    return;
  }
  const RowMergeConsts k = MergeConsts(D2, invD, scale, bias);
  // Every update is a max-merge (idempotent), so the last vector may overlap the one before it
  // instead of leaving a scalar tail.
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) ExactMerge8<kInside>(d2, inside, i, k, smap, tmap, tmask);
  if (i < n) ExactMerge8<kInside>(d2, inside, n - 8, k, smap, tmap, tmask);
}
// ExactMerge8 for a vector wholly inside the span: threshold mask set (0xFF, no need to read it),
// shrink map where q >= D^2, i.e. where the lane is not `near` (q is never NaN: the field holds
// min-merged distances or FLT_MAX), the ridge where some lane is near.
__attribute__((target("avx2"), always_inline)) inline void ExactMerge8In(const float* d2, int64_t i,
                                                                         const RowMergeConsts& k, uint8_t* smap,
                                                                         float* tmap, uint8_t* tmask) {
  _mm_storel_epi64(reinterpret_cast<__m128i*>(tmask + i), _mm_set1_epi8(-1));
  const __m256 q = _mm256_loadu_ps(d2 + i);
  const __m256 near = _mm256_cmp_ps(q, k.D2, _CMP_LT_OQ);
  const unsigned near_bits = static_cast<unsigned>(_mm256_movemask_ps(near));
  if (near_bits == 0) {  // every lane inside and at least D from the edges: shrink map set
    _mm_storel_epi64(reinterpret_cast<__m128i*>(smap + i), _mm_set1_epi8(-1));
    return;
  }
  MergeRidge(q, near, k, tmap + i);
  if (near_bits != 0xFF) OrMaskBits(smap + i, near_bits ^ 0xFF);  // the lanes that are not near
}

// ExactMerge8<true> for a vector that cuts the span [ia, ib): the inside lanes from the columns.
__attribute__((target("avx2"), always_inline)) inline void ExactMerge8Cut(const float* d2, int64_t i, int64_t ia,
                                                                          int64_t ib, const RowMergeConsts& k,
                                                                          uint8_t* smap, float* tmap,
                                                                          uint8_t* tmask) {
  // lane columns i + 0..7 (window rows are at most 65536 wide)
  const __m256i col = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int32_t>(i)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  const __m256i ge_a = _mm256_cmpgt_epi32(col, _mm256_set1_epi32(static_cast<int32_t>(ia - 1)));
  const __m256i lt_b = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int32_t>(ib)), col);
  ExactMerge8Masked(d2, _mm256_castsi256_ps(_mm256_and_si256(ge_a, lt_b)), i, k, smap, tmap, tmask);
}

// ExactRowMergeSpan with AVX2 (n >= 8).
__attribute__((target("avx2"), always_inline)) inline void SpanRowAvx2(const float* d2, int64_t n, int64_t ia,
                                                                       int64_t ib, const RowMergeConsts& k,
                                                                       uint8_t* smap, float* tmap, uint8_t* tmask) {
  // Whole vectors j (at 8 j), j < nv: outside [0, L), cut [L, I0), inside [I0, I1), cut [I1, R),
  // outside [R, nv); then the overlapping last vector (n - 8) when n is not a multiple of 8.
  // (n, ia, ib >= 0: shifts divide)
  const int64_t nv = n >> 3;
  const int64_t L = std::min(nv, ia >> 3);
  const int64_t I0 = std::max(L, std::min(nv, (ia + 7) >> 3));
  const int64_t I1 = std::max(I0, std::min(nv, ib >> 3));
  const int64_t R = std::max(I1, std::min(nv, (ib + 7) >> 3));
  for (int64_t j = 0; j < L; ++j) ExactMerge8<false>(d2, nullptr, 8 * j, k, smap, tmap, tmask);
  for (int64_t j = L; j < I0; ++j) ExactMerge8Cut(d2, 8 * j, ia, ib, k, smap, tmap, tmask);
  for (int64_t j = I0; j < I1; ++j) ExactMerge8In(d2, 8 * j, k, smap, tmap, tmask);
  for (int64_t j = I1; j < R; ++j) ExactMerge8Cut(d2, 8 * j, ia, ib, k, smap, tmap, tmask);
  for (int64_t j = R; j < nv; ++j) ExactMerge8<false>(d2, nullptr, 8 * j, k, smap, tmap, tmask);
  if (8 * nv < n) {
    const int64_t i = n - 8;
    ExactMerge8Cut(d2, i, ia, ib, k, smap, tmap, tmask);
  }
}

__attribute__((target("avx2"))) void ExactRowSpanAvx2(const float* d2, int64_t n, int64_t ia, int64_t ib, float D2,
                                                      float invD, uint8_t* smap, float* tmap, uint8_t* tmask,
                                                      float scale, float bias) {
  SpanRowAvx2(d2, n, ia, ib, MergeConsts(D2, invD, scale, bias), smap, tmap, tmask);
}

// ExactRowAvx2<false> for n >= 8 with the constants given.
__attribute__((target("avx2"), always_inline)) inline void OutsideRowAvx2(const float* d2, int64_t n,
                                                                          const RowMergeConsts& k, uint8_t* smap,
                                                                          float* tmap, uint8_t* tmask) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) ExactMerge8<false>(d2, nullptr, i, k, smap, tmap, tmask);
  if (i < n) ExactMerge8<false>(d2, nullptr, n - 8, k, smap, tmap, tmask);
}

// ExactMergeRows with AVX2: the same row merges as the per-row calls, constants set up once.
__attribute__((target("avx2"))) void ExactMergeRowsAvx2(const MergeRowsArgs& g, const MergeRowSpec* rows,
                                                        int64_t count) {
  const RowMergeConsts k = MergeConsts(g.D2, g.invD, g.scale, g.bias);
  const float* d2 = g.d2;
  uint8_t* smap = g.smap;
  uint8_t* tmask = g.tmask;
  float* tmap = g.tmap;
  for (int64_t r = 0; r < count; ++r, d2 += g.d2_stride, smap += g.byte_stride, tmask += g.byte_stride,
               tmap += g.float_stride) {
    const MergeRowSpec& row = rows[r];
    const int64_t a = row.a, b = row.b, sa = row.sa, sb = row.sb;
    if (sa < sb) MarkInsideBeyond(sa, sb, a, b, smap, tmask);
    if (b <= a) continue;
    const int64_t ia = std::max(sa, a), ib = std::min(sb, b);
    const int64_t n = b - a;
    if (n < 8) {
      if (ia < ib) {
        ExactRowMergeSpan(d2 + a, n, ia - a, ib - a, g.D2, g.invD, smap + a, tmap + a, tmask + a, g.scale, g.bias,
                          false);
      } else {
        ExactRowMerge(d2 + a, nullptr, n, g.D2, g.invD, smap + a, tmap + a, tmask + a, g.scale, g.bias, false);
      }
    } else if (ia < ib) {
      SpanRowAvx2(d2 + a, n, ia - a, ib - a, k, smap + a, tmap + a, tmask + a);
    } else {
      OutsideRowAvx2(d2 + a, n, k, smap + a, tmap + a, tmask + a);
    }
  }
}
}  // namespace
#endif

namespace {
// One pixel of the scalar row merges (the AVX2 merges give the same bits, see RidgeRatio).
inline void MergePixel(float q, bool in, float D2, float invD, float scale, float bias, uint8_t* smap, float* tmap,
                       uint8_t* tmask) {
  if (in && q >= D2) *smap = 1;
  const float r = q < D2 ? std::sqrt(q) * invD : 1.0f;  // as RidgeRatio
  const float v = 1.0f - (r < 1.0f ? r : 1.0f);
  const float scaled = v * scale;
  const float vs = scaled + bias;
  if (vs > *tmap) *tmap = vs;
  if (in || q <= D2) *tmask = 1;
}
}  // namespace

void ExactRowMergeSpan(const float* d2, int64_t n, int64_t ia, int64_t ib, float D2, float invD, uint8_t* smap,
                       float* tmap, uint8_t* tmask, float scale, float bias, bool allow_simd) {
#if defined(OPK_TARGETS_X86)
  static const bool has_avx2 = __builtin_cpu_supports("avx2");
  if (allow_simd && has_avx2 && n >= 8) {
    ExactRowSpanAvx2(d2, n, ia, ib, D2, invD, smap, tmap, tmask, scale, bias);
    return;
  }
#endif
  for (int64_t i = 0; i < n; ++i) {
    const float q = d2[i];
    const bool in = i >= ia && i < ib;
    MergePixel(q, in, D2, invD, scale, bias, smap + i, tmap + i, tmask + i);
  }
}

void ExactRowMerge(const float* d2, const uint8_t* inside, int64_t n, float D2, float invD, uint8_t* smap,
                   float* tmap, uint8_t* tmask, float scale, float bias, bool allow_simd) {
#if defined(OPK_TARGETS_X86)
  static const bool has_avx2 = __builtin_cpu_supports("avx2");
  if (allow_simd && has_avx2) {
    if (inside != nullptr) {
      ExactRowAvx2<true>(d2, inside, n, D2, invD, smap, tmap, tmask, scale, bias);
    } else {
      ExactRowAvx2<false>(d2, inside, n, D2, invD, smap, tmap, tmask, scale, bias);
    }
    return;
  }
#endif
  for (int64_t i = 0; i < n; ++i) {
    const float q = d2[i];
    const bool in = inside != nullptr && inside[i] != 0;
    MergePixel(q, in, D2, invD, scale, bias, smap + i, tmap + i, tmask + i);
  }
}

void ExactMergeRows(const MergeRowsArgs& g, const MergeRowSpec* rows, int64_t count, bool allow_simd) {
#if defined(OPK_TARGETS_X86)
  static const bool has_avx2 = __builtin_cpu_supports("avx2");
  if (allow_simd && has_avx2) {
    ExactMergeRowsAvx2(g, rows, count);
    return;
  }
#endif
  const float* d2 = g.d2;
  uint8_t* smap = g.smap;
  uint8_t* tmask = g.tmask;
  float* tmap = g.tmap;
  for (int64_t r = 0; r < count; ++r, d2 += g.d2_stride, smap += g.byte_stride, tmask += g.byte_stride,
               tmap += g.float_stride) {
    const MergeRowSpec& row = rows[r];
    const int64_t a = row.a, b = row.b, sa = row.sa, sb = row.sb;
    if (sa < sb) MarkInsideBeyond(sa, sb, a, b, smap, tmask);
    if (b <= a) continue;
    const int64_t ia = std::max(sa, a), ib = std::min(sb, b);
    if (ia < ib) {
      ExactRowMergeSpan(d2 + a, b - a, ia - a, ib - a, g.D2, g.invD, smap + a, tmap + a, tmask + a, g.scale, g.bias,
                        false);
    } else {
      ExactRowMerge(d2 + a, nullptr, b - a, g.D2, g.invD, smap + a, tmap + a, tmask + a, g.scale, g.bias, false);
    }
  }
}

}  // namespace opk::targets

namespace opk::targets {

namespace {
struct Rng {
  uint64_t s;
  uint64_t Next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * static_cast<double>(Next() >> 11) * 0x1p-53; }
  // Two-decimal coordinates like annotation data, sometimes integral, sometimes full precision.
  double Coord(double lo, double hi) {
    const double v = Uniform(lo, hi);
    switch (Next() % 4) {
      case 0: return std::floor(v);
      case 1: return v;
      default: return std::round(v * 100.0) / 100.0;
    }
  }
};
}  // namespace

size_t ExactMergeSelfCheck(uint64_t seed, size_t rows) {
  Rng rng{seed * 0xD1B54A32D192ED03ull + 7};
  std::vector<float> d2, tmap[2];
  std::vector<uint8_t> in, smap[2], tmask[2];
  size_t mismatches = 0;
  for (size_t row = 0; row < rows; ++row) {
    const auto n = static_cast<int64_t>(1 + rng.Next() % 300);
    const double D = rng.Uniform(0.5, 40);
    const float D2 = static_cast<float>(D * D);
    const float invD = static_cast<float>(1.0 / D);
    const float scale = rng.Next() % 4 == 0 ? 1.0f : 0.4f, bias = scale == 1.0f ? 0.0f : 0.3f;
    d2.resize(static_cast<size_t>(n));
    for (auto& q : d2) {
      switch (rng.Next() % 6) {
        case 0: q = FLT_MAX; break;
        case 1: q = D2; break;
        case 2: q = std::nextafter(D2, FLT_MAX); break;
        case 3: q = std::nextafter(D2, 0.0f); break;
        default: q = static_cast<float>(rng.Uniform(0, 2.0 * D2)); break;
      }
    }
    auto ia = static_cast<int64_t>(rng.Next() % static_cast<uint64_t>(n));
    auto ib = static_cast<int64_t>(rng.Next() % static_cast<uint64_t>(n + 1));
    if (ib <= ia) {
      std::swap(ia, ib);
      ++ib;
    }
    ib = std::min(ib, n);
    if (rng.Next() % 3 == 0) {  // a long span, as in the middle rows of a polygon
      ia = static_cast<int64_t>(rng.Next() % 9) % n;
      ib = std::max(ia + 1, n - static_cast<int64_t>(rng.Next() % 9));
    }
    in.assign(static_cast<size_t>(n), 0);
    std::fill(in.begin() + ia, in.begin() + ib, uint8_t{0xFF});
    for (int k = 0; k < 2; ++k) {
      tmap[k].resize(static_cast<size_t>(n));
      smap[k].resize(static_cast<size_t>(n));
      tmask[k].resize(static_cast<size_t>(n));
    }
    Rng init = rng;
    for (size_t c = 0; c < static_cast<size_t>(n); ++c) {
      // half at the background (the canvas's start value), where any ridge value shows
      tmap[0][c] = init.Next() % 2 == 0 ? bias : bias + static_cast<float>(init.Uniform(0, 0.4));
      smap[0][c] = static_cast<uint8_t>(init.Next() % 8 == 0 ? 1 : 0);
      tmask[0][c] = static_cast<uint8_t>(init.Next() % 8 == 0 ? 0xFF : 0);
    }
    rng.Next();
    // The span form and the flag form, SIMD and scalar, from the same maps: all four agree with
    // the scalar flag form (the reference), so results do not depend on the CPU's vector width.
    std::vector<float> ref_t = tmap[0];
    std::vector<uint8_t> ref_s = smap[0], ref_k = tmask[0];
    ExactRowMerge(d2.data(), in.data(), n, D2, invD, ref_s.data(), ref_t.data(), ref_k.data(), scale, bias, false);
    for (int form = 0; form < 3; ++form) {
      tmap[1] = tmap[0];
      smap[1] = smap[0];
      tmask[1] = tmask[0];
      if (form == 0) {
        ExactRowMerge(d2.data(), in.data(), n, D2, invD, smap[1].data(), tmap[1].data(), tmask[1].data(), scale, bias,
                      true);
      } else {
        ExactRowMergeSpan(d2.data(), n, ia, ib, D2, invD, smap[1].data(), tmap[1].data(), tmask[1].data(), scale,
                          bias, form == 1);
      }
      for (size_t c = 0; c < static_cast<size_t>(n); ++c) {
        uint32_t ua, ub;
        std::memcpy(&ua, &ref_t[c], 4);
        std::memcpy(&ub, &tmap[1][c], 4);
        mismatches +=
            (ua != ub || (ref_s[c] != 0) != (smap[1][c] != 0) || (ref_k[c] != 0) != (tmask[1][c] != 0)) ? 1 : 0;
      }
    }
    // ExactMergeRows (AVX2 and scalar) on a merged sub-range [a, b) of the row: the span's part
    // outside it marked inside, the flag merge over it.
    auto ma = static_cast<int64_t>(rng.Next() % static_cast<uint64_t>(n + 1));
    auto mb = static_cast<int64_t>(rng.Next() % static_cast<uint64_t>(n + 1));
    if (mb < ma) std::swap(ma, mb);
    if (rng.Next() % 2 == 0) {
      ma = 0;
      mb = n;
    }
    ref_t = tmap[0];
    ref_s = smap[0];
    ref_k = tmask[0];
    MarkInsideBeyond(ia, ib, ma, mb, ref_s.data(), ref_k.data());
    ExactRowMerge(d2.data() + ma, in.data() + ma, mb - ma, D2, invD, ref_s.data() + ma, ref_t.data() + ma,
                  ref_k.data() + ma, scale, bias, false);
    for (int simd = 0; simd < 2; ++simd) {
      tmap[1] = tmap[0];
      smap[1] = smap[0];
      tmask[1] = tmask[0];
      MergeRowSpec spec;
      spec.a = static_cast<int32_t>(ma);
      spec.b = static_cast<int32_t>(mb);
      spec.sa = static_cast<int32_t>(ia);
      spec.sb = static_cast<int32_t>(ib);
      MergeRowsArgs g;
      g.d2 = d2.data();
      g.smap = smap[1].data();
      g.tmask = tmask[1].data();
      g.tmap = tmap[1].data();
      g.D2 = D2;
      g.invD = invD;
      g.scale = scale;
      g.bias = bias;
      ExactMergeRows(g, &spec, 1, simd == 1);
      for (size_t c = 0; c < static_cast<size_t>(n); ++c) {
        uint32_t ua, ub;
        std::memcpy(&ua, &ref_t[c], 4);
        std::memcpy(&ub, &tmap[1][c], 4);
        mismatches +=
            (ua != ub || (ref_s[c] != 0) != (smap[1][c] != 0) || (ref_k[c] != 0) != (tmask[1][c] != 0)) ? 1 : 0;
      }
    }
  }
  return mismatches;
}

size_t RefKernelSelfCheck(uint64_t seed, size_t edges) {
  Rng rng{seed * 0x9E3779B97F4A7C15ull + 1};
  std::vector<float> a, b;
  size_t mismatches = 0;
  for (size_t e = 0; e < edges; ++e) {
    const double D = rng.Uniform(0.5, 30);
    EdgeWindow w;
    w.origin_x = std::floor(rng.Uniform(-20, 20));
    w.origin_y = std::floor(rng.Uniform(-20, 20));
    w.col0 = 0;
    w.row0 = 0;
    w.col1 = static_cast<int64_t>(rng.Next() % 240);
    w.row1 = static_cast<int64_t>(rng.Next() % 240);
    w.stride = w.col1 + 1 + static_cast<int64_t>(rng.Next() % 4);
    if (rng.Next() % 2 == 0) w.reach = D * 1.0001 + 0.01;  // row narrowing as the maps use it
    const size_t cells = static_cast<size_t>(w.stride * (w.row1 + 1));
    a.assign(cells, 1.0f);
    b.assign(cells, 1.0f);
    // One to three edges merged into the same window, so later edges meet values below 1 (and
    // NaN holes) already in the buffer, as around a polygon's corners.
    const int merges = 1 + static_cast<int>(rng.Next() % 3);
    for (int m = 0; m < merges; ++m) {
      const int kind = static_cast<int>(rng.Next() % 5);
      double x1 = rng.Coord(0, 200), y1 = rng.Coord(0, 200);
      double x2, y2;
      switch (kind) {
        case 0: x2 = x1; y2 = rng.Coord(0, 200); break;                        // vertical
        case 1: x2 = rng.Coord(0, 200); y2 = y1; break;                        // horizontal
        case 2: x2 = x1 + rng.Coord(-2, 2); y2 = y1 + rng.Coord(-2, 2); break;  // short / duplicate
        default: x2 = rng.Coord(0, 200); y2 = rng.Coord(0, 200); break;
      }
      RefEdgeMinMerge(x1, y1, x2, y2, D, w, a.data());
      RefEdgeScalar(x1, y1, x2, y2, D, w, b.data(), w.col0);
    }
    // Compare the window's columns (the fast kernel may also fill columns beyond it).
    for (size_t k = 0; k < cells; ++k) {
      const auto col = static_cast<int64_t>(k % static_cast<size_t>(w.stride));
      if (col < w.col0 || col > w.col1) continue;
      uint32_t ua, ub;
      std::memcpy(&ua, &a[k], 4);
      std::memcpy(&ub, &b[k], 4);
      // Any NaN stands for "hole" (its sign/payload never reaches the output maps).
      const bool both_nan = std::isnan(a[k]) && std::isnan(b[k]);
      mismatches += (ua != ub && !both_nan) ? 1 : 0;
    }
  }
  return mismatches + ExactMergeSelfCheck(seed, edges);
}

}  // namespace opk::targets
