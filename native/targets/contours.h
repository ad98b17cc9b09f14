// Outer contours of the 8-connected foreground components of a binary map (the candidates of
// DB's post-processing; OpenCV findContours RETR_LIST semantics minus hole contours).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace opk::targets {

struct Contour {
  std::vector<int32_t> xy;  // interleaved pixel coordinates of the traced outer boundary, in order
};

// Binary map: non-zero = foreground. Contours come in raster order of each component's first
// (top-most, then left-most) pixel. A single pixel gives a one-point contour.
void TraceOuterContours(const uint8_t* bin, int w, int h, size_t max_contours, std::vector<Contour>* out);

}  // namespace opk::targets
