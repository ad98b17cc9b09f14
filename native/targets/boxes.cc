#include "targets/boxes.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "common/uninit_vector.h"
#include "geometry/pyclipper_offset.h"
#include "targets/approx_poly.h"
#include "targets/contours.h"
#include "targets/cv_min_area_rect.h"
#include "targets/cv_fill.h"
#include "targets/min_area_rect.h"
#include "targets/polygon_measure.h"

namespace opk::targets {

namespace {

// The sum of prob over the mask's pixels in the order cv2.mean adds them (in double, row by
// row, left to right), and their count. When every partial sum of those values is exactly
// representable, the order cannot change the result, and the sum runs on independent
// accumulators instead of one dependent chain of additions (the chain is what cost the time on
// large boxes). Exact when: every nonzero value is a normal float with biased exponent >= emin,
// so a multiple of q = 2^(emin - 150); every partial sum is then a multiple of q of magnitude at
// most cnt * max|value|, exactly representable in double while that is below 2^53 * q =
// 2^(emin - 97) (2^(emin - 98) is asked for, a margin for the product's rounding). Otherwise
// (e.g. values below ~1e-5 in a box of thousands of pixels) the serial sum runs.
struct MaskedSum {
  double sum;
  size_t count;
};

// The smallest nonzero and the largest |value| of a run, as floats: on non-negative floats the
// order of values is the order of their bits, which is what the exactness test reads. Four lanes
// at a time with SSE2's minps/maxps (its integer min/max need SSE4.1, and the scalar form was
// most of the score's instructions). A NaN may be missed here; it makes the sum NaN on either
// path, so the choice of path does not matter then.
struct RunStats {
  float min_nonzero = std::numeric_limits<float>::infinity();
  float max_abs = 0;
};

inline void ScalarStats(const float* v, int64_t a, int64_t b, RunStats* st) {
  for (int64_t i = a; i < b; ++i) {
    const float x = std::fabs(v[i]);
    if (x > st->max_abs) st->max_abs = x;
    if (x != 0 && x < st->min_nonzero) st->min_nonzero = x;
  }
}

MaskedSum SumUnderMask(const float* prob, int64_t w, int64_t x0, int64_t y0, const uint8_t* mask, int64_t mw,
                       int64_t mh) {
  double acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0;
  size_t cnt = 0;
  RunStats st;
#ifdef __SSE2__
  const __m128 abs_mask = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
  const __m128 inf = _mm_set1_ps(std::numeric_limits<float>::infinity());
  __m128 vmin = inf, vmax = _mm_setzero_ps();
  __m128d acc01 = _mm_setzero_pd(), acc23 = _mm_setzero_pd();
#endif
  for (int64_t y = 0; y < mh; ++y) {
    const float* row = prob + (y0 + y) * w + x0;
    const uint8_t* m = mask + y * mw;
    int64_t x = 0;
    while (x < mw) {
      const void* on = std::memchr(m + x, 1, static_cast<size_t>(mw - x));
      if (!on) break;
      const int64_t a = static_cast<const uint8_t*>(on) - m;
      const void* off = std::memchr(m + a, 0, static_cast<size_t>(mw - a));
      const int64_t b = off ? static_cast<const uint8_t*>(off) - m : mw;
      cnt += static_cast<size_t>(b - a);
      int64_t i = a;
#ifdef __SSE2__
      // The same four accumulators as the scalar loop below, two to a register: lanes (0, 1) and
      // (2, 3) of each group of four pixels.
      for (; i + 4 <= b; i += 4) {
        const __m128 f = _mm_loadu_ps(row + i);
        acc01 = _mm_add_pd(acc01, _mm_cvtps_pd(f));
        acc23 = _mm_add_pd(acc23, _mm_cvtps_pd(_mm_movehl_ps(f, f)));
        const __m128 v = _mm_and_ps(f, abs_mask);
        const __m128 zero = _mm_cmpeq_ps(v, _mm_setzero_ps());
        vmax = _mm_max_ps(vmax, v);
        vmin = _mm_min_ps(vmin, _mm_or_ps(_mm_andnot_ps(zero, v), _mm_and_ps(zero, inf)));
      }
      const int64_t tail = i;
#else
      for (; i + 4 <= b; i += 4) {
        acc0 += static_cast<double>(row[i]);
        acc1 += static_cast<double>(row[i + 1]);
        acc2 += static_cast<double>(row[i + 2]);
        acc3 += static_cast<double>(row[i + 3]);
      }
      const int64_t tail = a;
#endif
      for (; i < b; ++i) acc0 += static_cast<double>(row[i]);
      ScalarStats(row, tail, b, &st);
      x = b;
    }
  }
#ifdef __SSE2__
  // acc0 holds the row tails' sums, which the scalar loop adds to acc0 too; a sum of exact
  // partial sums is exact in any order.
  alignas(16) double lanes_acc[4];
  _mm_store_pd(lanes_acc, acc01);
  _mm_store_pd(lanes_acc + 2, acc23);
  acc0 += lanes_acc[0];
  acc1 = lanes_acc[1];
  acc2 = lanes_acc[2];
  acc3 = lanes_acc[3];
  alignas(16) float lanes_min[4], lanes_max[4];
  _mm_store_ps(lanes_min, vmin);
  _mm_store_ps(lanes_max, vmax);
  for (int k = 0; k < 4; ++k) {
    st.min_nonzero = std::min(st.min_nonzero, lanes_min[k]);
    st.max_abs = std::max(st.max_abs, lanes_max[k]);
  }
#endif
  if (cnt == 0) return {0.0, 0};
  int32_t min_bits;
  std::memcpy(&min_bits, &st.min_nonzero, sizeof min_bits);
  const int emin = min_bits >> 23;  // 255 when every value is zero (min_nonzero stays +inf)
  if (emin >= 1 && static_cast<double>(cnt) * static_cast<double>(st.max_abs) <= std::ldexp(1.0, emin - 98)) {
    return {(acc0 + acc1) + (acc2 + acc3), cnt};
  }
  double sum = 0;
  for (int64_t y = 0; y < mh; ++y) {
    const float* row = prob + (y0 + y) * w + x0;
    const uint8_t* m = mask + y * mw;
    for (int64_t x = 0; x < mw; ++x) {
      if (m[x]) sum += static_cast<double>(row[x]);
    }
  }
  return {sum, cnt};
}

// box_score_fast: mean probability over the pixels cv2.fillPoly paints for the (truncated)
// polygon, inside its clipped bounding box. Given the CHAIN_APPROX_SIMPLE contour (integer
// pixels), this is PaddleOCR's box_score_slow: its bounds need no floor/ceil.
double MeanScore(const float* prob, int64_t w, int64_t h, const double* xy, size_t n, std::vector<uint8_t>* mask,
                 FillScratch* fs) {
  double bx0 = xy[0], bx1 = xy[0], by0 = xy[1], by1 = xy[1];
  for (size_t k = 1; k < n; ++k) {
    bx0 = std::min(bx0, xy[2 * k]);
    bx1 = std::max(bx1, xy[2 * k]);
    by0 = std::min(by0, xy[2 * k + 1]);
    by1 = std::max(by1, xy[2 * k + 1]);
  }
  const int64_t xmin = std::clamp<int64_t>(static_cast<int64_t>(std::floor(bx0)), 0, w - 1);
  const int64_t xmax = std::clamp<int64_t>(static_cast<int64_t>(std::ceil(bx1)), 0, w - 1);
  const int64_t ymin = std::clamp<int64_t>(static_cast<int64_t>(std::floor(by0)), 0, h - 1);
  const int64_t ymax = std::clamp<int64_t>(static_cast<int64_t>(std::ceil(by1)), 0, h - 1);
  const int64_t mw = xmax - xmin + 1, mh = ymax - ymin + 1;
  mask->assign(static_cast<size_t>(mw * mh), 0);
  std::vector<IPoint> pts(n);
  for (size_t k = 0; k < n; ++k) {
    pts[k] = IPoint{static_cast<int64_t>(xy[2 * k] - static_cast<double>(xmin)),
                    static_cast<int64_t>(xy[2 * k + 1] - static_cast<double>(ymin))};
  }
  FillPolyCvRows(ByteRowWindow{mask->data(), mw, 0, mh}, static_cast<int>(mw), static_cast<int>(mh), pts.data(), n, 1,
                 fs);
  const MaskedSum s = SumUnderMask(prob, w, xmin, ymin, mask->data(), mw, mh);
  return s.count ? s.sum / static_cast<double>(s.count) : 0.0;
}

// unclip: offset the polygon (vertices truncated to integers, as pyclipper does) by
// area * ratio / perimeter with round joins.
Status Unclip(const double* xy, size_t n, double ratio, geom::Paths64* out) {
  out->clear();
  const double area = GeosRingArea(xy, n);
  const double length = GeosRingLength(xy, n);
  if (!(length > 0)) return Status::Ok();
  const double distance = area * ratio / length;
  geom::Path64 path(n);
  for (size_t k = 0; k < n; ++k) {
    path[k] = geom::Point64{static_cast<int64_t>(xy[2 * k]), static_cast<int64_t>(xy[2 * k + 1])};
  }
  return geom::PyclipperOffset(path, distance, geom::JoinType::kRound, geom::EndType::kPolygon, 2.0, 0.25, out);
}

// cv2.dilate(bitmap, np.ones((2, 2))) (PaddleOCR's use_dilation): the kernel's anchor is its
// centre, (1, 1), so a pixel becomes set when it or its left, upper or upper-left neighbour is;
// pixels outside the map count as unset. In place, from the last row and column backwards.
void Dilate2x2(uint8_t* b, int64_t w, int64_t h) {
  for (int64_t y = h - 1; y >= 0; --y) {
    uint8_t* row = b + y * w;
    const uint8_t* up = y > 0 ? row - w : nullptr;
    for (int64_t x = w - 1; x >= 0; --x) {
      uint8_t v = row[x];
      if (x > 0) v |= row[x - 1];
      if (up) {
        v |= up[x];
        if (x > 0) v |= up[x - 1];
      }
      row[x] = v;
    }
  }
}

void Emit(const BoxesParams& p, const double* xy, size_t n, double score, BoxesResult* out) {
  for (size_t k = 0; k < n; ++k) {
    // np.round (half to even) then clip to [0, dest]
    const double x = std::nearbyint(xy[2 * k] / static_cast<double>(p.width) * static_cast<double>(p.dest_width));
    const double y = std::nearbyint(xy[2 * k + 1] / static_cast<double>(p.height) * static_cast<double>(p.dest_height));
    // + 0.0: integers as DB's int arrays hold them, never -0 (np.round(-0.2) is -0.0).
    out->xy.push_back(std::clamp(x, 0.0, static_cast<double>(p.dest_width)) + 0.0);
    out->xy.push_back(std::clamp(y, 0.0, static_cast<double>(p.dest_height)) + 0.0);
  }
  out->offsets.push_back(static_cast<uint32_t>(out->xy.size() / 2));
  out->scores.push_back(score);
}

// Emit for get_mini_boxes' float32 corners: DB scales them as a float32 numpy array
// (np.round(box / width * dest_width), half to even, all in float32), then clips.
void EmitFloat32(const BoxesParams& p, const std::array<float, 8>& corners, double score, BoxesResult* out) {
  const float w = static_cast<float>(p.width), h = static_cast<float>(p.height);
  const float dw = static_cast<float>(p.dest_width), dh = static_cast<float>(p.dest_height);
  for (int k = 0; k < 4; ++k) {
    const float x = std::nearbyint(corners[2 * k] / w * dw);
    const float y = std::nearbyint(corners[2 * k + 1] / h * dh);
    out->xy.push_back(std::clamp(static_cast<double>(x), 0.0, static_cast<double>(p.dest_width)) + 0.0);
    out->xy.push_back(std::clamp(static_cast<double>(y), 0.0, static_cast<double>(p.dest_height)) + 0.0);
  }
  out->offsets.push_back(static_cast<uint32_t>(out->xy.size() / 2));
  out->scores.push_back(score);
}

}  // namespace

Status BoxesFromBitmap(const float* prob, const BoxesParams& p, BoxesResult* out) {
  out->xy.clear();
  out->offsets.assign(1, 0);
  out->scores.clear();
  const int64_t npx = p.width * p.height;
  // Every byte is written by the binarize pass below, so the buffer starts uninitialised.
  UninitVector<uint8_t> bin;
  bin.resize(static_cast<size_t>(npx));
  // prob > thresh (a double) holds exactly when prob > f, the largest float not above thresh: a
  // float above f is at least the next float, which is above thresh. Comparing floats lets the
  // pass vectorise.
  constexpr float kFloatMax = std::numeric_limits<float>::max();
  constexpr float kMinusInf = -std::numeric_limits<float>::infinity();
  float f;
  if (p.thresh >= static_cast<double>(kFloatMax)) {
    f = kFloatMax;
  } else if (p.thresh < -static_cast<double>(kFloatMax)) {
    f = kMinusInf;
  } else {
    f = static_cast<float>(p.thresh);  // in range: rounded to nearest
    if (static_cast<double>(f) > p.thresh) f = std::nextafter(f, kMinusInf);
  }
  // A NaN or infinite probability (a diverged model's output) would give a box a NaN or infinite
  // score, so it is an error. The exponent field is all ones only for NaN and ±Infinity, and only
  // then does adding one to it carry into the top bit: an AND, an add and an OR per value, in the
  // same pass.
  uint32_t carries = 0;
  uint8_t* const b = bin.data();
  int64_t k0 = 0;
#ifdef __SSE2__
  // Sixteen values at a time: four compares packed to bytes (each lane all ones or zero, so the
  // signed saturating packs keep them), and the exponent test on 32-bit lanes as below.
  {
    const __m128 vf = _mm_set1_ps(f);
    const __m128i exp_mask = _mm_set1_epi32(0x7f800000), exp_one = _mm_set1_epi32(0x00800000);
    const __m128i ones = _mm_set1_epi8(1);
    __m128i vcarry = _mm_setzero_si128();
    for (; k0 + 16 <= npx; k0 += 16) {
      const __m128 v0 = _mm_loadu_ps(prob + k0), v1 = _mm_loadu_ps(prob + k0 + 4);
      const __m128 v2 = _mm_loadu_ps(prob + k0 + 8), v3 = _mm_loadu_ps(prob + k0 + 12);
      const __m128i lo = _mm_packs_epi32(_mm_castps_si128(_mm_cmpgt_ps(v0, vf)), _mm_castps_si128(_mm_cmpgt_ps(v1, vf)));
      const __m128i hi = _mm_packs_epi32(_mm_castps_si128(_mm_cmpgt_ps(v2, vf)), _mm_castps_si128(_mm_cmpgt_ps(v3, vf)));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(b + k0), _mm_and_si128(_mm_packs_epi16(lo, hi), ones));
      const __m128i e01 = _mm_or_si128(_mm_add_epi32(_mm_and_si128(_mm_castps_si128(v0), exp_mask), exp_one),
                                       _mm_add_epi32(_mm_and_si128(_mm_castps_si128(v1), exp_mask), exp_one));
      const __m128i e23 = _mm_or_si128(_mm_add_epi32(_mm_and_si128(_mm_castps_si128(v2), exp_mask), exp_one),
                                       _mm_add_epi32(_mm_and_si128(_mm_castps_si128(v3), exp_mask), exp_one));
      vcarry = _mm_or_si128(vcarry, _mm_or_si128(e01, e23));
    }
    carries = static_cast<uint32_t>(_mm_movemask_ps(_mm_castsi128_ps(vcarry))) != 0 ? 0x80000000u : 0;
  }
#endif
  for (int64_t k = k0; k < npx; ++k) {
    const float v = prob[k];
    uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    carries |= (bits & 0x7f800000u) + 0x00800000u;
    b[k] = v > f ? 1 : 0;
  }
  if ((carries & 0x80000000u) != 0) {
    for (int64_t k = 0; k < npx; ++k) {
      if (!std::isfinite(prob[k])) {
        return OutOfRange("probability map value at x = " + std::to_string(k % p.width) + ", y = " +
                          std::to_string(k / p.width) + " is " + (std::isnan(prob[k]) ? "NaN" : "infinite") +
                          ": probabilities must be finite (a model whose loss diverged outputs NaN)");
      }
    }
  }
  if (p.dilate) Dilate2x2(bin.data(), p.width, p.height);
  std::vector<Contour> contours;
  TraceContours(bin.data(), static_cast<int>(p.width), static_cast<int>(p.height), p.max_candidates, &contours);
  std::vector<uint8_t> mask;
  FillScratch fs;
  std::vector<double> chain, simple, all;
  geom::Paths64 grown;
  for (const Contour& c : contours) {
    // The contour as DB sees it: OpenCV's CHAIN_APPROX_SIMPLE points.
    ChainApproxSimple(c.xy.data(), c.xy.size() / 2, &chain);
    const size_t chain_n = chain.size() / 2;
    const double* cand = nullptr;
    size_t cand_n = 0;
    std::array<double, 8> corners;
    if (!p.polygon) {
      // get_mini_boxes(contour): OpenCV's float32 rectangle.
      const CvMiniBox rect = CvGetMiniBox(chain.data(), chain_n);
      if (rect.short_side < p.min_size) continue;
      std::copy(rect.corners.begin(), rect.corners.end(), corners.begin());
      cand = corners.data();
      cand_n = 4;
    } else {
      // polygons_from_bitmap: cv2.approxPolyDP(contour, eps * cv2.arcLength(contour, True), True).
      ApproxPolyDpClosed(chain.data(), chain_n, p.polygon_epsilon * ClosedArcLength(chain.data(), chain_n), &simple);
      if (simple.size() / 2 < 4) continue;
      cand = simple.data();
      cand_n = simple.size() / 2;
    }
    const double score = p.score_slow ? MeanScore(prob, p.width, p.height, chain.data(), chain_n, &mask, &fs)
                                      : MeanScore(prob, p.width, p.height, cand, cand_n, &mask, &fs);
    if (p.box_thresh > score) continue;
    all.clear();
    if (p.unclip_ratio > 0) {
      OPK_RETURN_IF_ERROR(Unclip(cand, cand_n, p.unclip_ratio, &grown));
      if (grown.empty()) continue;
      if (p.polygon && grown.size() > 1) continue;
      for (const auto& path : grown) {
        for (const auto& q : path) {
          all.push_back(static_cast<double>(q.x));
          all.push_back(static_cast<double>(q.y));
        }
      }
    } else {
      all.assign(cand, cand + 2 * cand_n);  // no growth: keep the float candidate (no truncation)
    }
    if (p.unclip_ratio > 0 || p.polygon) {
      // get_mini_boxes of the grown (or, in polygon mode without growth, simplified) polygon, whose
      // points are integers, as DB.
      const CvMiniBox box = CvGetMiniBox(all.data(), all.size() / 2);
      if (box.short_side < p.min_size + 2) continue;
      if (p.polygon) Emit(p, all.data(), all.size() / 2, score, out);
      else EmitFloat32(p, box.corners, score, out);
    } else {
      // The float candidate kept as it is (no DB counterpart): the exact rectangle.
      const RotatedRect box = MinAreaRect(all.data(), all.size() / 2);
      if (box.short_side < p.min_size + 2) continue;
      Emit(p, box.corners.data(), 4, score, out);
    }
  }
  return Status::Ok();
}

}  // namespace opk::targets
