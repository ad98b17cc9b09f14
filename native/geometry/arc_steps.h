// Clipper 6.4.2's round-join step count without a libm atan2 call where the answer is certain.
//
// ClipperOffset::DoRound takes a = atan2(sinA, cosA) only to count its arc steps:
// steps = max((int)Round(StepsPerRad * |a|), 1). The angle is needed to the nearest step, not to
// the last bit: RoundJoinSteps approximates |a| to within 3e-9 rad (a Taylor series of atan on
// |x| <= tan(pi/12) after reducing the argument), and whenever StepsPerRad * |a| lies within a
// margin far above that error (and the glibc atan2 and multiplication roundings) of a
// half-integer, or anything is not finite, it calls std::atan2 and computes the count exactly as
// Clipper does. Either way the count is the one Clipper 6.4.2 gets.
#pragma once

#include <algorithm>
#include <cmath>

#include "geometry/rounding.h"

namespace opk::geom {

// Clipper's count: max((int)Round(spr * |atan2(s, c)|), 1).
inline int RoundJoinStepsExact(double s, double c, double spr) {
  constexpr double kHalfPi = 1.5707963267948966;  // atan2(y > 0, +-0) (C Annex F)
  const double a = c == 0 && s > 0 ? kHalfPi : std::atan2(s, c);
  return std::max(static_cast<int>(RoundHalfAway(spr * std::fabs(a))), 1);
}

// atan(x) for |x| <= tan(pi/12) = 0.2679...: the series to x^11; the first omitted term bounds the
// error, |x|^13 / 13 < 2.8e-9.
inline double AtanSmall(double x) {
  const double x2 = x * x;
  const double p = 1.0 / 11;
  double q = 1.0 / 9 - x2 * p;
  q = 1.0 / 7 - x2 * q;
  q = 1.0 / 5 - x2 * q;
  q = 1.0 / 3 - x2 * q;
  q = 1.0 - x2 * q;
  return x * q;
}

// |atan2(s, c)| in [0, pi] to within 3e-9 (plus a few ulps); NaN when s = c = 0 or either is not
// finite.
inline double AbsAtan2Approx(double s, double c) {
  constexpr double kPi = 3.141592653589793;
  constexpr double kHalfPi = 1.5707963267948966;
  constexpr double kSixthPi = 0.5235987755982988;
  constexpr double kTan12 = 0.2679491924311227;  // tan(pi/12)
  constexpr double kSqrt3 = 1.7320508075688772;
  const double as = std::fabs(s), ac = std::fabs(c);
  const bool steep = as > ac;
  const double t = steep ? ac / as : as / ac;  // in [0, 1]; NaN for 0/0 or inf/inf
  // atan(t) = pi/6 + atan((t sqrt3 - 1) / (sqrt3 + t)), the argument then within [-tan(pi/12), tan(pi/12)].
  const double at = t <= kTan12 ? AtanSmall(t) : kSixthPi + AtanSmall((t * kSqrt3 - 1) / (kSqrt3 + t));
  const double a0 = steep ? kHalfPi - at : at;  // the angle in the first quadrant
  return c < 0 ? kPi - a0 : a0;
}

// RoundJoinSteps off the right-angle case (kept out of line: inlined, it slows the loops that
// call it).
__attribute__((noinline)) inline int RoundJoinStepsApprox(double s, double c, double spr) {
  const double v = spr * AbsAtan2Approx(s, c);
  // |v - spr * |a|| <= spr * (3e-9 + 1e-15) + |v| 2^-52; the margin is over three times that.
  const double margin = spr * 1e-8 + 1e-9;
  if (v >= 0 && v < 1e9) {
    const int f = static_cast<int>(v);  // floor: v >= 0
    const double frac = v - f;          // exact
    if (std::fabs(frac - 0.5) > margin) {
      const int k = f + (frac > 0.5 ? 1 : 0);
      return k > 1 ? k : 1;
    }
  }
  return RoundJoinStepsExact(s, c, spr);
}

// Clipper's count (RoundJoinStepsExact), certified from the approximation when far enough from a
// rounding boundary.
inline int RoundJoinSteps(double s, double c, double spr) {
  // The right angles of axis-aligned boxes: atan2 gives pi/2 rounded there; no approximation.
  if (c == 0 && s > 0) return RoundJoinStepsExact(s, c, spr);
  return RoundJoinStepsApprox(s, c, spr);
}

}  // namespace opk::geom
