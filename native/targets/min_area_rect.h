// Minimum-area enclosing rectangle (rotating calipers over the convex hull) and DB's corner
// ordering (get_mini_boxes): top-left, top-right, bottom-right, bottom-left.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

namespace opk::targets {

struct RotatedRect {
  std::array<double, 8> corners{};  // 4 (x, y) corners, DB order
  double short_side = 0;            // min(width, height)
  double width = 0, height = 0;
};

// Convex hull of interleaved points (Andrew's monotone chain), counter-clockwise in y-up terms;
// collinear points dropped.
void ConvexHull(const double* xy, size_t n, std::vector<double>* hull);

// Rectangle of least area containing the points; degenerate inputs give zero-size rectangles.
RotatedRect MinAreaRect(const double* xy, size_t n);

}  // namespace opk::targets
