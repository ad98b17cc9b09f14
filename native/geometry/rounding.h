// Clipper's `Round`: half away from zero, computed as (int64)(v ± 0.5) like Clipper 6.4.2
// (which truncates after adding 0.5). Values outside the int64 range saturate instead of being
// undefined behaviour; NaN gives 0. Callers validate ranges before getting here.
#pragma once

#include <cstdint>

namespace opk::geom {

inline int64_t RoundHalfAway(double v) {
  constexpr double kMax = 9.2233720368547748e18;  // 2^63 - 1024: largest double below 2^63
  if (v < 0) {
    double w = v - 0.5;
    if (!(w > -kMax)) return w != w ? 0 : INT64_MIN;
    return static_cast<int64_t>(w);
  }
  double w = v + 0.5;
  if (!(w < kMax)) return w != w ? 0 : INT64_MAX;
  return static_cast<int64_t>(w);
}

}  // namespace opk::geom
