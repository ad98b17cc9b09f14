// Clipper's `Round`: half away from zero, computed as (int64)(v ± 0.5) like Clipper 6.4.2
// (which truncates after adding 0.5). Values outside the int64 range saturate instead of being
// undefined behaviour; NaN gives 0. Callers validate ranges before getting here.
#pragma once

#include <cmath>
#include <cstdint>

namespace opk::geom {

inline int64_t RoundHalfAway(double v) {
  constexpr double kMax = 9.2233720368547748e18;  // 2^63 - 1024: largest double below 2^63
  // v + 0.5 for v >= +0, v - 0.5 for v < 0 (and for -0.0, where both truncate to 0), without a
  // branch on the sign: the hot loops call this for edges of either direction.
  const double w = v + std::copysign(0.5, v);
  if (std::fabs(w) < kMax) return static_cast<int64_t>(w);  // false for NaN
  if (w != w) return 0;
  return w < 0 ? INT64_MIN : INT64_MAX;
}

}  // namespace opk::geom
