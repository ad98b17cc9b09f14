// The contour simplification of DB's polygon output (`polygons_from_bitmap`): OpenCV's
// CHAIN_APPROX_SIMPLE point chain, cv2.arcLength and cv2.approxPolyDP, each reproduced exactly
// (point order, start point and floating-point tests as OpenCV 4.6 makes them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace opk::targets {

// A traced contour (OpenCV's CHAIN_APPROX_NONE points, `n` of them; see contours.h) as
// findContours(..., CHAIN_APPROX_SIMPLE) lists it: only the points where the chain turns, in
// order from the start pixel, which is left out where the chain runs straight through it (as it
// can for a hole border; an outer border always turns at its first pixel). Interleaved x, y.
void ChainApproxSimple(const int32_t* xy, size_t n, std::vector<double>* out);

// cv2.arcLength(points, closed=True): each side's length in float (squares summed and rooted in
// single precision, as OpenCV does), summed in double, starting with the closing side.
double ClosedArcLength(const double* xy, size_t n);

// cv2.approxPolyDP(points, epsilon, closed=True) on integer-valued points: Douglas-Peucker from
// an approximate diameter (three rounds of "farthest point from here"), then OpenCV's pass that
// drops points lying almost on the line through their neighbours.
void ApproxPolyDpClosed(const double* xy, size_t n, double epsilon, std::vector<double>* out);

}  // namespace opk::targets
