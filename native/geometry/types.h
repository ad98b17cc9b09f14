// Basic geometry types shared by the geometry and targets areas.
#pragma once

#include <cstdint>
#include <vector>

namespace opk::geom {

struct Point64 {
  int64_t x = 0;
  int64_t y = 0;
  friend bool operator==(const Point64& a, const Point64& b) { return a.x == b.x && a.y == b.y; }
  friend bool operator!=(const Point64& a, const Point64& b) { return !(a == b); }
};

struct PointD {
  double x = 0;
  double y = 0;
};

using Path64 = std::vector<Point64>;
using Paths64 = std::vector<Path64>;
using PathD = std::vector<PointD>;
using PathsD = std::vector<PathD>;

enum class JoinType { kRound, kMiter, kSquare, kBevel };
enum class EndType { kPolygon, kJoined, kButt, kSquare, kRound };
enum class FillRule { kEvenOdd, kNonZero, kPositive, kNegative };

}  // namespace opk::geom
