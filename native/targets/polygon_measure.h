// Measurements of a polygon ring with the exact floating-point evaluation order of the
// libraries the DB reference uses: shapely/GEOS for area and perimeter, and the reference's own
// trapezoid sum for the orientation test. Bit-exactness of these values matters: the shrink
// distance D = A * (1 - r^2) / L feeds both the Clipper offset and every threshold-map pixel.
#pragma once

#include <cstddef>

namespace opk::targets {

// Points are interleaved (x, y) doubles, `n` points, ring implicitly closed.

// GEOS 3.11 `Area::ofRingSigned` on the closed ring (first point appended), made absolute:
// the shoelace sum with x shifted by the first vertex's x, accumulated front to back.
double GeosRingArea(const double* xy, size_t n);

// GEOS `Length::ofLine` of the closed ring: sum of sqrt(dx*dx + dy*dy), first to last, then the
// closing edge.
double GeosRingLength(const double* xy, size_t n);

// MakeSegDetectionData.polygon_area: sum_i (x[i+1]-x[i]) * (y[i+1]+y[i]) / 2, cyclic, in order.
// Equals minus the usual shoelace area.
double DbTrapezoidArea(const double* xy, size_t n);

// Plain signed shoelace area (positive for counter-clockwise in a y-up frame).
double ShoelaceArea(const double* xy, size_t n);

}  // namespace opk::targets
