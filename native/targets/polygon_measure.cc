#include "targets/polygon_measure.h"

#include <cmath>

namespace opk::targets {

double GeosRingArea(const double* xy, size_t n) {
  // The closed ring has n + 1 coordinates c[0..n] with c[n] == c[0]. The signed sum runs over
  // the interior coordinates c[1..n-1] with neighbours c[i-1], c[i+1]; x is taken relative to
  // c[0].x before multiplying.
  if (n < 3) return 0.0;
  auto x_at = [&](size_t i) { return xy[2 * (i % n)]; };
  auto y_at = [&](size_t i) { return xy[2 * (i % n) + 1]; };
  const double x0 = x_at(0);
  double sum = 0.0;
  for (size_t i = 1; i < n; ++i) {
    const double xi = x_at(i) - x0;
    sum += xi * (y_at(i - 1) - y_at(i + 1));
  }
  return std::fabs(sum / 2.0);
}

double GeosRingLength(const double* xy, size_t n) {
  if (n < 2) return 0.0;
  double len = 0.0;
  double px = xy[0];
  double py = xy[1];
  for (size_t i = 1; i <= n; ++i) {
    const size_t k = i % n;
    const double x = xy[2 * k];
    const double y = xy[2 * k + 1];
    const double dx = x - px;
    const double dy = y - py;
    len += std::sqrt(dx * dx + dy * dy);
    px = x;
    py = y;
  }
  return len;
}

double DbTrapezoidArea(const double* xy, size_t n) {
  double edge = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const size_t j = (i + 1) % n;
    edge += (xy[2 * j] - xy[2 * i]) * (xy[2 * j + 1] + xy[2 * i + 1]);
  }
  return edge / 2.0;
}

double ShoelaceArea(const double* xy, size_t n) {
  double s = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const size_t j = (i + 1) % n;
    s += xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
  }
  return s / 2.0;
}

}  // namespace opk::targets
