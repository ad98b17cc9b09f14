// The contours of a binary map as OpenCV's findContours(RETR_LIST, CHAIN_APPROX_NONE) lists them:
// the candidates of DB's post-processing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace opk::targets {

struct Contour {
  std::vector<int32_t> xy;  // interleaved pixel coordinates of the traced border, in OpenCV's order
  bool hole = false;        // the border of a hole (a 4-connected background region inside text)
};

// Binary map of 0 (background) and 1 (foreground, 8-connected); no other values. Every border,
// outer and hole, as OpenCV traces it: an outer border from its component's first pixel in raster
// order, a hole border from the pixel left of the hole's first pixel, each following the border
// with the region on the left (counter-clockwise on screen for outer borders, clockwise round
// holes), every border pixel listed, a pixel passed twice listed twice. The list is OpenCV's:
// reverse raster order of the start pixels (a hole after the outer border that starts at the same
// pixel). Only the first `max_contours` of that list are traced. A single pixel gives a one-point
// contour.
void TraceContours(const uint8_t* bin, int w, int h, size_t max_contours, std::vector<Contour>* out);

}  // namespace opk::targets
