// OpenCV's minimum-area rectangle as DB's get_mini_boxes computes it: cv2.convexHull, the
// rotating calipers in float32, cv2.boxPoints, and get_mini_boxes' corner order, reproduced with
// OpenCV 4.6's arithmetic so that the corners are OpenCV's float32 values, bit for bit.
// (min_area_rect.h is the exact rectangle in double precision.)
#pragma once

#include <array>
#include <cstddef>

namespace opk::targets {

struct CvMiniBox {
  std::array<float, 8> corners{};  // get_mini_boxes order: (x, y) of TL, TR, BR, BL
  float short_side = 0;            // min(rect.size)
};

// Points: `n` interleaved integer-valued coordinates (|v| < 2^24), in the caller's order (OpenCV's
// hull depends on it). n >= 1.
CvMiniBox CvGetMiniBox(const double* xy, size_t n);

}  // namespace opk::targets
