#include "targets/min_area_rect.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace opk::targets {

void ConvexHull(const double* xy, size_t n, std::vector<double>* hull) {
  hull->clear();
  std::vector<size_t> idx(n);
  std::iota(idx.begin(), idx.end(), size_t{0});
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    return xy[2 * a] < xy[2 * b] || (xy[2 * a] == xy[2 * b] && xy[2 * a + 1] < xy[2 * b + 1]);
  });
  idx.erase(std::unique(idx.begin(), idx.end(),
                        [&](size_t a, size_t b) { return xy[2 * a] == xy[2 * b] && xy[2 * a + 1] == xy[2 * b + 1]; }),
            idx.end());
  if (idx.size() < 3) {
    for (size_t i : idx) {
      hull->push_back(xy[2 * i]);
      hull->push_back(xy[2 * i + 1]);
    }
    return;
  }
  std::vector<size_t> h(2 * idx.size());
  size_t k = 0;
  auto cross = [&](size_t o, size_t a, size_t b) {
    return (xy[2 * a] - xy[2 * o]) * (xy[2 * b + 1] - xy[2 * o + 1]) -
           (xy[2 * a + 1] - xy[2 * o + 1]) * (xy[2 * b] - xy[2 * o]);
  };
  for (size_t i = 0; i < idx.size(); ++i) {
    while (k >= 2 && cross(h[k - 2], h[k - 1], idx[i]) <= 0) --k;
    h[k++] = idx[i];
  }
  for (size_t i = idx.size() - 1, t = k + 1; i-- > 0;) {
    while (k >= t && cross(h[k - 2], h[k - 1], idx[i]) <= 0) --k;
    h[k++] = idx[i];
  }
  h.resize(k - 1);
  for (size_t i : h) {
    hull->push_back(xy[2 * i]);
    hull->push_back(xy[2 * i + 1]);
  }
}

namespace {
// DB get_mini_boxes: sort by x; of the two left points the upper one is first, of the two right
// points the upper one is second.
void OrderCorners(std::array<double, 8>* c) {
  std::array<std::array<double, 2>, 4> p{};
  for (int i = 0; i < 4; ++i) p[i] = {(*c)[2 * i], (*c)[2 * i + 1]};
  std::stable_sort(p.begin(), p.end(), [](const auto& a, const auto& b) { return a[0] < b[0]; });
  const auto& tl = p[1][1] > p[0][1] ? p[0] : p[1];
  const auto& bl = p[1][1] > p[0][1] ? p[1] : p[0];
  const auto& tr = p[3][1] > p[2][1] ? p[2] : p[3];
  const auto& br = p[3][1] > p[2][1] ? p[3] : p[2];
  *c = {tl[0], tl[1], tr[0], tr[1], br[0], br[1], bl[0], bl[1]};
}
}  // namespace

RotatedRect MinAreaRect(const double* xy, size_t n) {
  RotatedRect r;
  if (n == 0) return r;
  std::vector<double> hull;
  ConvexHull(xy, n, &hull);
  const size_t m = hull.size() / 2;
  if (m == 1) {
    for (int i = 0; i < 4; ++i) {
      r.corners[2 * i] = hull[0];
      r.corners[2 * i + 1] = hull[1];
    }
    return r;
  }
  double best = INFINITY;
  for (size_t i = 0; i < m; ++i) {
    const size_t j = (i + 1) % m;
    double ux = hull[2 * j] - hull[2 * i], uy = hull[2 * j + 1] - hull[2 * i + 1];
    const double len = std::hypot(ux, uy);
    if (len == 0) continue;
    ux /= len;
    uy /= len;
    // Extents along u and its normal v = (-uy, ux).
    double umin = INFINITY, umax = -INFINITY, vmin = INFINITY, vmax = -INFINITY;
    for (size_t k = 0; k < m; ++k) {
      const double px = hull[2 * k] - hull[2 * i], py = hull[2 * k + 1] - hull[2 * i + 1];
      const double a = px * ux + py * uy;
      const double b = -px * uy + py * ux;
      umin = std::min(umin, a);
      umax = std::max(umax, a);
      vmin = std::min(vmin, b);
      vmax = std::max(vmax, b);
    }
    const double area = (umax - umin) * (vmax - vmin);
    if (area < best) {
      best = area;
      const double ox = hull[2 * i], oy = hull[2 * i + 1];
      const double us[4] = {umin, umax, umax, umin};
      const double vs[4] = {vmin, vmin, vmax, vmax};
      for (int c = 0; c < 4; ++c) {
        r.corners[2 * c] = ox + us[c] * ux - vs[c] * uy;
        r.corners[2 * c + 1] = oy + us[c] * uy + vs[c] * ux;
      }
      r.width = umax - umin;
      r.height = vmax - vmin;
    }
    if (m == 2) break;  // a segment: one direction is enough
  }
  r.short_side = std::min(r.width, r.height);
  OrderCorners(&r.corners);
  return r;
}

}  // namespace opk::targets
