#include "gpu/summary.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace opk::gpu {

void SummarizeRows(const double* rows, size_t n, size_t width, std::vector<double>* out) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  out->assign(width * kSummaryStats, nan);
  std::vector<double> col;
  col.reserve(n);
  for (size_t c = 0; c < width; ++c) {
    col.clear();
    for (size_t r = 0; r < n; ++r) {
      double v = rows[r * width + c];
      if (!std::isnan(v)) col.push_back(v);
    }
    double* o = out->data() + c * kSummaryStats;
    o[4] = static_cast<double>(col.size());
    if (col.empty()) continue;
    double sum = 0, mn = col[0], mx = col[0];
    for (double v : col) {
      sum += v;
      mn = std::min(mn, v);
      mx = std::max(mx, v);
    }
    std::sort(col.begin(), col.end());
    const double pos = 0.95 * static_cast<double>(col.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, col.size() - 1);
    const double frac = pos - static_cast<double>(lo);
    o[0] = sum / static_cast<double>(col.size());
    o[1] = mn;
    o[2] = mx;
    o[3] = col[lo] + (col[hi] - col[lo]) * frac;
  }
}

}  // namespace opk::gpu
