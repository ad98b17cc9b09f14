// Polygon rasterisation with the integer behaviour of OpenCV's `cv::fillPoly(img, pts, value,
// LINE_8, shift = 0)` on a single-channel float image, written from its documented and observed
// semantics (see SEMANTICS.md §3 in the DB reference data):
//
//  * every edge, including the closing one, is stroked with an 8-connected Bresenham line drawn
//    left to right (lines leaving the image are first clipped to it in 64-bit integers);
//  * the interior is scan-converted with 16.16 fixed-point edge x (slope truncated toward zero),
//    edges active on rows y0 <= y < y1, horizontal edges skipped, crossings paired even-odd, and
//    each pair filling ceil(xl) .. floor(xr).
//
// Boundary pixels are therefore always set and a zero-area ring still paints its outline.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace opk::targets {

struct IPoint {
  int64_t x;
  int64_t y;
};

// Reusable scratch for FillPolyCv (avoids per-call allocation in hot loops).
struct FillScratch {
  struct Edge {
    int64_t y0, y1;  // active on rows y0 <= y < y1
    int64_t x;       // 16.16 fixed-point x at row y0
    int64_t dx;      // 16.16 fixed-point step per row
  };
  std::vector<Edge> edges;
  std::vector<int64_t> xs;
  std::vector<uint32_t> active;
};

// Paints `value` into img (row-major, width w, height h) over the ring pts[0..n). Coordinates
// must lie within +-2^30 (callers guarantee this; the glue rejects larger images).
void FillPolyCv(float* img, int w, int h, const IPoint* pts, size_t n, float value, FillScratch* scratch);

// Rows y_lo..y_hi-1 (0 <= y_lo <= y_hi <= h) of a w x h image, row y at rows + (y - y_lo) * stride
// (stride in elements).
template <typename T>
struct RowWindowT {
  T* rows = nullptr;
  int64_t stride = 0;
  int64_t y_lo = 0, y_hi = 0;
};
using RowWindow = RowWindowT<float>;
using ByteRowWindow = RowWindowT<uint8_t>;

// FillPolyCv restricted to the window's rows: exactly the pixels FillPolyCv paints in those
// rows, and nothing else (a polygon can be painted band by band). The byte form paints the same
// pixels into a uint8 image.
void FillPolyCvRows(const RowWindow& img, int w, int h, const IPoint* pts, size_t n, float value,
                    FillScratch* scratch);
void FillPolyCvRows(const ByteRowWindow& img, int w, int h, const IPoint* pts, size_t n, uint8_t value,
                    FillScratch* scratch);

// Draws one 8-connected OpenCV line (LINE_8) from a to b, clipped to the image.
void DrawLineCv(float* img, int w, int h, IPoint a, IPoint b, float value);

}  // namespace opk::targets
