#include "targets/edge_kernels.h"

#include <cfloat>
#include <cmath>

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
    float* row = buf + r * w.stride;
    for (int64_t c = col_from; c <= w.col1; ++c) {
      const double gx = w.origin_x + static_cast<double>(c);
      row[c] = NanMin(row[c], RefPixel(gx, sq_y1, sq_y2, x1, x2, L, D));
    }
  }
}

#ifdef OPK_TARGETS_X86
__attribute__((target("avx"))) void RefEdgeAvx(double x1, double y1, double x2, double y2, double D,
                                               const EdgeWindow& w, float* buf) {
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
  const int64_t n = w.col1 - w.col0 + 1;
  const int64_t nvec = n / 4 * 4;
  for (int64_t r = w.row0; r <= w.row1; ++r) {
    const double gy = w.origin_y + static_cast<double>(r);
    const double b1 = gy - y1;
    const double b2 = gy - y2;
    const __m256d sq1 = _mm256_set1_pd(b1 * b1);
    const __m256d sq2 = _mm256_set1_pd(b2 * b2);
    float* row = buf + r * w.stride;
    for (int64_t i = 0; i < nvec; i += 4) {
      const int64_t c = w.col0 + i;
      // Integers up to 2^52 are exact in double, so origin + c + lane is the exact grid value.
      const __m256d gx = _mm256_add_pd(_mm256_set1_pd(w.origin_x + static_cast<double>(c)), lane);
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
      __m256d operand;
      if (_mm256_movemask_pd(neg) == 0xF) {
        operand = alt;
      } else {
        const __m256d p = _mm256_mul_pd(d1, d2);
        const __m256d cs = _mm256_div_pd(num, _mm256_mul_pd(two, _mm256_sqrt_pd(p)));
        __m256d s = _mm256_sub_pd(one, _mm256_mul_pd(cs, cs));
        s = _mm256_blendv_pd(s, zero, _mm256_cmp_pd(s, s, _CMP_UNORD_Q));
        s = _mm256_max_pd(_mm256_min_pd(s, dmax), dmin);
        operand = _mm256_blendv_pd(_mm256_div_pd(_mm256_mul_pd(p, s), vL), alt, neg);
      }
      const __m256d res = _mm256_sqrt_pd(operand);
      __m256d v = _mm256_div_pd(res, vD);
      v = _mm256_min_pd(one, _mm256_max_pd(zero, v));  // NaN in v survives both
      const __m128 f = _mm256_cvtpd_ps(v);
      const __m128 acc = _mm_loadu_ps(row + c);
      __m128 m = _mm_min_ps(f, acc);                          // NaN in acc survives
      m = _mm_blendv_ps(m, f, _mm_cmpunord_ps(f, f));         // NaN in f too
      _mm_storeu_ps(row + c, m);
    }
  }
  if (nvec < n) RefEdgeScalar(x1, y1, x2, y2, D, w, buf, w.col0 + nvec);
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

#if defined(OPK_TARGETS_X86) && !defined(OPK_SANITIZE)
__attribute__((target_clones("avx2", "default")))
#endif
void ExactEdgeMinMerge(double x1, double y1, double x2, double y2, const EdgeWindow& win, float* buf) {
  if (win.col1 < win.col0 || win.row1 < win.row0) return;
  // Work in float relative to the window's first pixel: coordinates stay small, so float32
  // keeps ~1e-5 px precision while the loop vectorises 8 wide.
  const double ox = win.origin_x + static_cast<double>(win.col0);
  const double oy = win.origin_y + static_cast<double>(win.row0);
  const float ax = static_cast<float>(x1 - ox);
  const float ay = static_cast<float>(y1 - oy);
  const float ex = static_cast<float>(x2 - x1);
  const float ey = static_cast<float>(y2 - y1);
  const float len2 = ex * ex + ey * ey;
  const float inv = len2 > 0.0f ? 1.0f / len2 : 0.0f;
  const int64_t n = win.col1 - win.col0 + 1;
  for (int64_t r = win.row0; r <= win.row1; ++r) {
    const float py = static_cast<float>(r - win.row0) - ay;
    float* row = buf + r * win.stride + win.col0;
    for (int64_t i = 0; i < n; ++i) {
      const float px = static_cast<float>(i) - ax;
      float t = (px * ex + py * ey) * inv;
      t = t < 0.0f ? 0.0f : t;
      t = t > 1.0f ? 1.0f : t;
      const float qx = px - t * ex;
      const float qy = py - t * ey;
      const float d2 = qx * qx + qy * qy;
      row[i] = d2 < row[i] ? d2 : row[i];
    }
  }
}

}  // namespace opk::targets
