// Clipper 6.4.2 ClipperOffset semantics. See offset642.h.
#include "geometry/offset642.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "geometry/arc_steps.h"
#include "geometry/fast_cleanup.h"
#include "geometry/rounding.h"

namespace opk::geom {
namespace {

constexpr double kPi = 3.141592653589793238;
constexpr double kTwoPi = kPi * 2;
constexpr double kJsPi = 3.14159265358979;
constexpr double kJsTwoPi = 6.28318530717959;
constexpr double kDefArcTolerance = 0.25;
constexpr double kTolerance = 1.0E-20;

inline bool NearZero(double v) { return v > -kTolerance && v < kTolerance; }

// Whether every edge of the closed ring pts[0, n) spans at least 3 units in x or in y (see Execute).
bool CoarseEdges(const Point64* pts, size_t n) {
  if (n < 3) return false;
  for (size_t i = 0; i < n; ++i) {
    const Point64& a = pts[i];
    const Point64& b = pts[i + 1 == n ? 0 : i + 1];
    const uint64_t dx = a.x > b.x ? static_cast<uint64_t>(a.x) - static_cast<uint64_t>(b.x)
                                  : static_cast<uint64_t>(b.x) - static_cast<uint64_t>(a.x);
    const uint64_t dy = a.y > b.y ? static_cast<uint64_t>(a.y) - static_cast<uint64_t>(b.y)
                                  : static_cast<uint64_t>(b.y) - static_cast<uint64_t>(a.y);
    if (dx < 3 && dy < 3) return false;
  }
  return true;
}

// Clipper's Area(Path): positive for counter-clockwise in y-up (clockwise on screen).
double PathArea(const Point64* p, size_t n) {
  if (n < 3) return 0;
  double a = 0;
  for (size_t i = 0, j = n - 1; i < n; ++i) {
    a += (static_cast<double>(p[j].x) + static_cast<double>(p[i].x)) *
         (static_cast<double>(p[j].y) - static_cast<double>(p[i].y));
    j = i;
  }
  return -a * 0.5;
}

inline PointD UnitNormal(const Point64& a, const Point64& b) {
  if (a == b) return PointD{0, 0};
  double dx = static_cast<double>(b.x - a.x);
  double dy = static_cast<double>(b.y - a.y);
  double f = 1 * 1.0 / std::sqrt(dx * dx + dy * dy);
  dx *= f;
  dy *= f;
  return PointD{dy, -dx};
}

// FastCleanupSurelyDeclines; under OPK_ENGINE_CHECKS, a "surely" that FastOffsetCleanup then
// contradicts aborts (`out` is scratch until the caller writes it).
inline bool SurelyDeclines(const Path64& raw, Paths64* out) {
  const bool declines = FastCleanupSurelyDeclines(raw);
#ifdef OPK_ENGINE_CHECKS
  if (declines && FastOffsetCleanup(raw, out)) std::abort();
#endif
  return declines;
}

}  // namespace

void ClipperOffset642::Clear() {
  pts_.clear();
  nodes_.clear();
  lowest_node_ = -1;
  lowest_pt_ = 0;
}

template <typename GetPoint>
Status ClipperOffset642::AddPathImpl(size_t count, JoinType join, EndType end, GetPoint get) {
  if (join == JoinType::kBevel) return InvalidArgument("joinType 'bevel' is not available in pyclipper mode");
  if (count == 0) return Status::Ok();
  long high = static_cast<long>(count) - 1;
  const Point64 first = get(0);
  if (end == EndType::kJoined || end == EndType::kPolygon)
    while (high > 0 && first == get(static_cast<size_t>(high))) --high;
  const size_t begin = pts_.size();
  pts_.reserve(begin + static_cast<size_t>(high) + 1);
  Point64* d = pts_.data() + begin;  // the path without repeats, written in place
  d[0] = first;
  size_t j = 0, k = 0;
  for (long i = 1; i <= high; ++i) {
    const Point64 p = get(static_cast<size_t>(i));
    if (d[j] != p) {
      d[++j] = p;
      const Point64& q = d[k];
      if (p.y > q.y || (p.y == q.y && p.x < q.x)) k = j;
    }
  }
  if (end == EndType::kPolygon && j < 2) return Status::Ok();
  pts_.n = begin + j + 1;
  nodes_.push_back(Node{begin, j + 1, join, end});
  if (end != EndType::kPolygon) return Status::Ok();
  if (lowest_node_ < 0) {
    lowest_node_ = static_cast<long>(nodes_.size()) - 1;
    lowest_pt_ = k;
  } else {
    const Node& ln = nodes_[static_cast<size_t>(lowest_node_)];
    const Point64& ip = pts_.data()[ln.begin + lowest_pt_];
    const Point64& kp = pts_.data()[begin + k];
    if (kp.y > ip.y || (kp.y == ip.y && kp.x < ip.x)) {
      lowest_node_ = static_cast<long>(nodes_.size()) - 1;
      lowest_pt_ = k;
    }
  }
  return Status::Ok();
}

Status ClipperOffset642::AddPath(const Point64* path, size_t count, JoinType join, EndType end) {
  return AddPathImpl(count, join, end, [path](size_t i) { return path[i]; });
}

Status ClipperOffset642::AddPathTruncated(const double* xy, size_t count, double scale, JoinType join, EndType end) {
  // pyclipper converts with int(): truncation toward zero. (Callers validate |v * scale| <= 2^53.)
  if (scale == 1.0)
    return AddPathImpl(count, join, end, [xy](size_t i) {
      return Point64{static_cast<int64_t>(xy[2 * i]), static_cast<int64_t>(xy[2 * i + 1])};
    });
  return AddPathImpl(count, join, end, [xy, scale](size_t i) {
    return Point64{static_cast<int64_t>(xy[2 * i] * scale), static_cast<int64_t>(xy[2 * i + 1] * scale)};
  });
}

Paths64 ClipperOffset642::raw() const {
  if (raw_in_buf_) return Paths64(1, Path64(raw_buf_.begin(), raw_buf_.begin() + static_cast<long>(raw_n_)));
  return Paths64(dest_polys_.begin(), dest_polys_.begin() + static_cast<long>(dest_count_));
}

void ClipperOffset642::FixOrientations() {
  auto orientation = [&](const Node& n) { return PathArea(pts_.data() + n.begin, n.size) >= 0; };
  auto reverse = [&](const Node& n) {
    std::reverse(pts_.data() + n.begin, pts_.data() + n.begin + n.size);
  };
  if (lowest_node_ >= 0 && !orientation(nodes_[static_cast<size_t>(lowest_node_)])) {
    for (const Node& n : nodes_)
      if (n.end == EndType::kPolygon || (n.end == EndType::kJoined && orientation(n))) reverse(n);
  } else {
    for (const Node& n : nodes_)
      if (n.end == EndType::kJoined && !orientation(n)) reverse(n);
  }
}

inline void ClipperOffset642::Push(double x, double y) { dest_.push_back(Point64{RoundHalfAway(x), RoundHalfAway(y)}); }

void ClipperOffset642::OffsetPoint(size_t j, size_t& k, JoinType join) {
  const PointD& nk = normals_[k];
  const PointD& nj = normals_[j];
  const Point64& p = src_[j];
  sin_a_ = nk.x * nj.y - nj.x * nk.y;
  if (std::fabs(sin_a_ * delta_) < 1.0) {
    double cos_a = nk.x * nj.x + nj.y * nk.y;
    if (cos_a > 0) {
      Push(static_cast<double>(p.x) + nk.x * delta_, static_cast<double>(p.y) + nk.y * delta_);
      return;
    }
  } else if (sin_a_ > 1.0) {
    sin_a_ = 1.0;
  } else if (sin_a_ < -1.0) {
    sin_a_ = -1.0;
  }
  if (sin_a_ * delta_ < 0) {
    Push(static_cast<double>(p.x) + nk.x * delta_, static_cast<double>(p.y) + nk.y * delta_);
    dest_.push_back(p);
    Push(static_cast<double>(p.x) + nj.x * delta_, static_cast<double>(p.y) + nj.y * delta_);
  } else {
    switch (join) {
      case JoinType::kMiter: {
        double r = 1 + (nj.x * nk.x + nj.y * nk.y);
        if (r >= miter_lim_) DoMiter(j, k, r);
        else DoSquare(j, k);
        break;
      }
      case JoinType::kSquare:
      case JoinType::kBevel:
        DoSquare(j, k);
        break;
      case JoinType::kRound:
        DoRound(j, k);
        break;
    }
  }
  k = j;
}

void ClipperOffset642::DoSquare(size_t j, size_t k) {
  const PointD& nk = normals_[k];
  const PointD& nj = normals_[j];
  const Point64& p = src_[j];
  double dx = std::tan(std::atan2(sin_a_, nk.x * nj.x + nk.y * nj.y) / 4);
  Push(static_cast<double>(p.x) + delta_ * (nk.x - nk.y * dx), static_cast<double>(p.y) + delta_ * (nk.y + nk.x * dx));
  Push(static_cast<double>(p.x) + delta_ * (nj.x + nj.y * dx), static_cast<double>(p.y) + delta_ * (nj.y - nj.x * dx));
}

void ClipperOffset642::DoMiter(size_t j, size_t k, double r) {
  const PointD& nk = normals_[k];
  const PointD& nj = normals_[j];
  const Point64& p = src_[j];
  double q = delta_ / r;
  Push(static_cast<double>(p.x) + (nk.x + nj.x) * q, static_cast<double>(p.y) + (nk.y + nj.y) * q);
}

void ClipperOffset642::PrepareArcs() {
  const double pi = arc_js_ ? kJsPi : kPi;
  const double two_pi = arc_js_ ? kJsTwoPi : kTwoPi;
  double steps = pi / std::acos(1 - arc_y_ / std::fabs(delta_));
  if (!arc_js_ && steps > std::fabs(delta_) * pi) steps = std::fabs(delta_) * pi;
  arc_steps_ = steps;
  sin_ = std::sin(two_pi / steps);
  cos_ = std::cos(two_pi / steps);
  steps_per_rad_ = steps / two_pi;
  if (delta_ < 0.0) sin_ = -sin_;
  arc_ready_ = true;
}

void ClipperOffset642::DoRound(size_t j, size_t k) {
  if (!arc_ready_) PrepareArcs();
  const PointD& nk = normals_[k];
  const PointD& nj = normals_[j];
  const Point64& p = src_[j];
  const int steps = RoundJoinSteps(sin_a_, nk.x * nj.x + nk.y * nj.y, steps_per_rad_);
  double x = nk.x, y = nk.y;
  for (int i = 0; i < steps; ++i) {
    Push(static_cast<double>(p.x) + x * delta_, static_cast<double>(p.y) + y * delta_);
    double x2 = x;
    x = x * cos_ - sin_ * y;
    y = x2 * sin_ + y * cos_;
  }
  Push(static_cast<double>(p.x) + nj.x * delta_, static_cast<double>(p.y) + nj.y * delta_);
}

namespace {

// SweepCleanup skips the frame's bounds pass when Grow's ring lies within this less 11 of the
// origin: the frame's coordinates are then within ClipperEngine::kSmallCoordinate (2^30 - 1).
constexpr double kFrameFreeBound = 1073741823.0;

// Upper bound of the raw vertices Grow writes to its own buffer; larger rings take DoOffset.
constexpr double kGrowMaxRaw = 4096;
// Raw vertices must stay below this in magnitude: every product in ConvexResult is then exact in
// int64 (the same bound FastOffsetCleanup works under).
constexpr double kGrowMaxCoord = 1073741824.0;  // 2^30

// x where the segment a -> b (a.y != b.y) meets the line at height y, in doubles: within a few
// 2^-53 relative of the exact value for |x| < 2^31.
inline double XAtHeight(const Point64& a, const Point64& b, int64_t y) {
  return static_cast<double>(a.x) + static_cast<double>(b.x - a.x) * static_cast<double>(y - a.y) / static_cast<double>(b.y - a.y);
}

// Whether the convex ring v[0, n) is at least 2 wide in x on the line y = `y`, which lies strictly
// between its lowest and highest y (decided with a margin over the rounding of the two x's);
// `from` is a vertex with the smallest y (`down`) or the largest: the two sides are found by
// walking from it both ways. |coordinates| < 2^30.
bool WidthAtLeast2(const Point64* v, size_t n, size_t from, int64_t y, bool down) {
  const int64_t dir = down ? 1 : -1;  // so that "reached the line" is (p.y - y) * dir >= 0
  size_t i = from, j = from;
  for (size_t steps = 0; (v[i + 1 == n ? 0 : i + 1].y - y) * dir < 0; ++steps) {
    if (steps > n) return false;
    i = i + 1 == n ? 0 : i + 1;
  }
  for (size_t steps = 0; (v[j == 0 ? n - 1 : j - 1].y - y) * dir < 0; ++steps) {
    if (steps > n) return false;
    j = j == 0 ? n - 1 : j - 1;
  }
  // x where each side's edge (it spans y, so its end points differ in y) meets the line (far
  // within the margin).
  const double x1 = XAtHeight(v[i], v[i + 1 == n ? 0 : i + 1], y);
  const double x2 = XAtHeight(v[j], v[j == 0 ? n - 1 : j - 1], y);
  return std::fabs(x1 - x2) >= 2.001;
}

// Whether the convex ring v[0, n) has a horizontal edge at least 3 long at vertex i (to either
// neighbour).
inline bool FlatEdgeAtLeast3(const Point64* v, size_t n, size_t i) {
  const Point64& p = v[i];
  const Point64& a = v[i == 0 ? n - 1 : i - 1];
  const Point64& b = v[i + 1 == n ? 0 : i + 1];
  return (a.y == p.y && (a.x - p.x >= 3 || p.x - a.x >= 3)) || (b.y == p.y && (b.x - p.x >= 3 || p.x - b.x >= 3));
}

// The tests shared by ConvexResult and RoundRectResult once a convex ring kept[0, nv) is known:
// Clipper's clean-up keeps it whole when it is thick (IsThickConvex: area > 0 && 2 area >= 4 per,
// L1 perimeter `per`), with `area` taken within the rounding margin of either summation order
// (each within nv (nv + 2) 2^-53 2 xmax ymax of the exact value). Thick on average is not enough:
// next to a sharp top or bottom vertex the ring can be thinner than the sweep's rounding (e.g. a
// spike 1532,354 between edges from 1500,464 and to 1532,355: at y = 355 the first edge's rounded
// x is 1532, the spike collapses and Clipper drops the vertex). The width of a convex ring is a
// concave function of y, so if it is >= 2 one unit below the top and one unit above the bottom,
// it is >= 2 on every scanline in between, where the two sides' rounded positions (each within
// 0.5 of the exact one) then stay apart. Horizontal top and bottom edges at least 3 long (grown
// axis-aligned boxes) already bound the width from below on every scanline between them
// (concavity), so both walks would pass.
inline bool ThickAndWide(const Point64* kept, size_t nv, double area, double xmax, double ymax, int64_t per,
                         size_t top, size_t bottom, int64_t top_y, int64_t bottom_y) {
  const double nn = static_cast<double>(nv);
  const double margin = (nn * (nn + 2) * 4.0 * xmax * ymax + 4.0) * (1.0 / 4503599627370496.0) + std::fabs(area) * 1e-12;
  const double lo = area - margin;
  if (!(lo > 0 && 2 * lo >= 4 * static_cast<double>(per) * (1 + 1e-12))) return false;
  if (bottom_y - top_y < 2) return false;
  return (FlatEdgeAtLeast3(kept, nv, top) && FlatEdgeAtLeast3(kept, nv, bottom)) ||
         (WidthAtLeast2(kept, nv, top, top_y + 1, true) && WidthAtLeast2(kept, nv, bottom, bottom_y - 1, false));
}

// Whether the ring v[0, n) turns strictly left at vertex i.
inline bool LeftTurnAt(const Point64* v, size_t n, size_t i) {
  const Point64& a = v[i == 0 ? n - 1 : i - 1];
  const Point64& b = v[i];
  const Point64& c = v[i + 1 == n ? 0 : i + 1];
  return (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x) > 0;
}

// For a y-monotone ring kept[0, nv) (topmost vertex kept[top] at top_y, one with the largest y,
// bottom_y, reached walking either way from it) that may turn right at a few vertices: whether
// the two chains from the top down to the bottom are at least 2 apart in x, on the same side of
// each other, on every scanline from top_y + 1 to bottom_y - 1, with no horizontal edge other
// than at the top or the bottom. The x distance of the chains is linear in y between vertex
// heights, so it is checked at every vertex height in that range and at its two ends (each x
// within a few 2^-53 relative of |x| < 2^31, far below the 0.001 margin).
bool MonotoneChainsApart(const Point64* kept, size_t nv, size_t top, int64_t top_y, int64_t bottom_y) {
  auto next = [nv](size_t k) { return k + 1 == nv ? 0 : k + 1; };
  auto prev = [nv](size_t k) { return k == 0 ? nv - 1 : k - 1; };
  const int64_t lo = top_y + 1, hi = bottom_y - 1;
  // One chain's x at height y (lo <= y <= hi, queried in increasing y): *at is moved down the chain
  // (step: next or prev) to the edge that spans y. False when the chain does not descend there.
  auto chain_x = [&](size_t* at, bool forward, int64_t y, double* x) {
    for (size_t steps = 0;; ++steps) {
      if (steps > nv) return false;
      const size_t k = *at, k2 = forward ? next(k) : prev(k);
      const Point64& a = kept[k];
      const Point64& b = kept[k2];
      if (b.y < a.y) return false;  // not descending: not the shape argued for
      if (a.y == b.y && a.y != top_y) return false;  // a horizontal edge below the top
      if (b.y > y) {
        if (a.y > y) return false;
        *x = XAtHeight(a, b, y);
        return true;
      }
      *at = k2;
    }
  };
  int sign = 0;
  auto apart = [&sign](double w) {
    const int s = w > 0 ? 1 : -1;
    if (!(std::fabs(w) >= 2.001)) return false;
    if (sign == 0) sign = s;
    return s == sign;
  };
  // Each chain's vertices against the other chain, then the two ends.
  for (int pass = 0; pass < 2; ++pass) {
    const bool forward = pass == 0;
    size_t other = top;
    for (size_t k = forward ? next(top) : prev(top), steps = 0;; k = forward ? next(k) : prev(k), ++steps) {
      if (steps > nv) return false;
      const int64_t y = kept[k].y;
      if (y >= bottom_y) break;
      if (y < lo) continue;  // (the other top vertex of a flat top)
      double xo;
      if (!chain_x(&other, !forward, y, &xo)) return false;
      if (!apart(forward ? static_cast<double>(kept[k].x) - xo : xo - static_cast<double>(kept[k].x))) return false;
    }
  }
  for (const int64_t y : {lo, hi}) {
    size_t f = top, b = top;
    double xf, xb;
    if (!chain_x(&f, true, y, &xf) || !chain_x(&b, false, y, &xb) || !apart(xf - xb)) return false;
  }
  return true;
}

// The clean-up result of a raw offset ring that winds once around a strictly convex shape, or false.
//
// What Clipper 6.4.2's clean-up does with such a ring (see fast_cleanup.h, whose CleanRing +
// IsThickConvex + EmitRotated path this reproduces, and FastConvexRing there, which argues the
// same one-pass shortcut): repeated points and straight-through vertices (zero turn, neighbours on
// opposite sides) are dropped; if every other vertex turns strictly left, the ring winds once
// (its edge direction passes the +x direction once) and is thick (2·area >= 4·L1 perimeter,
// decided on the area with a margin above the floating-point error of any order of summation),
// and at least 2 wide on every scanline (see the end), it cannot touch itself even at the sweep's
// rounded positions, so the result is the kept vertices
// themselves, rotated so that the topmost one (smallest y; of two, the larger x) comes last. Any
// right turn, reversal, second winding, near-threshold area or other doubt returns false and the
// caller runs FastOffsetCleanup and the general sweep on the same raw ring. Exception: slight
// right turns (dents left by rounding, the edge direction still within a right angle) are kept
// when the ring is y-monotone and its two sides stay 2 apart on every scanline between its top
// and bottom lines, with left turns on those lines (MonotoneChainsApart; docs/geometry.md,
// "Grown rings with a dent").
//
// `raw`: n raw vertices, all with |x|, |y| < 2^30 (products of differences are exact in int64);
// `xmax`, `ymax`: upper bounds of |x| and |y|. `kept`: room for n vertices. On success the
// result is kept[0, *count), its topmost vertex at *top.
bool ConvexResult(const Point64* raw, size_t n, double xmax, double ymax, Point64* kept, size_t* count, size_t* top_out) {
  // As FastConvexRing: trailing copies of the first vertex, then trailing repeats, are ignored.
  size_t high = n - 1;
  while (high > 0 && raw[high] == raw[0]) --high;
  while (high > 0 && raw[high] == raw[high - 1]) --high;
  if (high < 2) return false;
  // Walk the distinct vertices cyclically: b with predecessor a, successor c (raw[high] != raw[0]).
  size_t nv = 0;
  int64_t per = 0;  // L1 perimeter, exact
  size_t top = 0, bottom = 0;
  int64_t top_x = 0, top_y = 0, bottom_y = 0;
  int ties = 0;
  double area2 = 0;  // twice the signed area (the margin below covers any summation order)
  int64_t bx = raw[0].x, by = raw[0].y;
  int64_t ux = bx - raw[high].x, uy = by - raw[high].y;
  // Edge directions with angle in [0, pi) (wy > 0, or wy == 0 and wx > 0) versus the rest: with
  // left turns only the direction turns monotonically, and this flips exactly twice per winding.
  int half = (uy > 0) | ((uy == 0) & (ux > 0));  // of the closing edge, so the count is cyclic
  int flips = 0;
  int dents = 0;  // right turns kept
  for (size_t i = 1; i <= high + 1; ++i) {
    const Point64 c = raw[i <= high ? i : 0];
    const int64_t wx = c.x - bx, wy = c.y - by;
    if ((wx | wy) == 0) continue;  // a repeat
    const int h = (wy > 0) | ((wy == 0) & (wx > 0));
    flips += h ^ half;
    half = h;
    const int64_t turn = ux * wy - uy * wx;
    if (turn == 0) {
      // a reversal (CleanRing's result would then depend on its removal order)
      if (ux * wx + uy * wy <= 0) return false;
      // straight through: dropped
    } else {
      if (turn < 0) {
        // A right turn: a dent where rounding bent the ring inwards (1 grown rotated box in 10).
        // Kept, and judged below by the chains' distance instead of convexity. A sharp one (the
        // direction turning back by a right angle or more) is not that case.
        if (ux * wx + uy * wy <= 0) return false;
        ++dents;
      }
      if (nv > 0) {
        const Point64& q = kept[nv - 1];
        area2 += static_cast<double>(q.x) * static_cast<double>(by) - static_cast<double>(bx) * static_cast<double>(q.y);
        // the topmost vertex: smallest y; of two, the larger x
        if (by < top_y) {
          top = nv;
          top_x = bx;
          top_y = by;
          ties = 0;
        } else if (by == top_y) {
          ++ties;
          if (bx > top_x) {
            top = nv;
            top_x = bx;
          }
        }
        if (by > bottom_y) {
          bottom = nv;
          bottom_y = by;
        }
      } else {
        top_x = bx;
        top_y = bottom_y = by;
      }
      kept[nv++] = Point64{bx, by};
    }
    per += (wx < 0 ? -wx : wx) + (wy < 0 ? -wy : wy);
    ux = wx;
    uy = wy;
    bx = c.x;
    by = c.y;
  }
  if (nv < 3 || flips != 2 || ties > 1) return false;
  area2 += static_cast<double>(kept[nv - 1].x) * static_cast<double>(kept[0].y) -
           static_cast<double>(kept[0].x) * static_cast<double>(kept[nv - 1].y);
  // Clipper's clean-up sums the area (IsThickConvex: area > 0 && 2 area >= 4 per) in its own order;
  // each of the two sums is within nv (nv + 2) 2^-53 2 xmax ymax of the exact value.
  if (!ThickAndWide(kept, nv, area2 / 2, xmax, ymax, per, top, bottom, top_y, bottom_y)) return false;
  if (dents > 0) {
    // A dented ring: y-monotone (the two flips), thick on average as above, and its two chains at
    // least 2 apart on every scanline strictly between the top and the bottom, so that the sweep's
    // rounded positions (each within 0.5 of the exact x) never bring them together; the dents
    // themselves are vertices of one chain, processed where they lie like any other. None on the
    // top or the bottom line, where the argument for sharp vertices above needs convexity.
    if (!MonotoneChainsApart(kept, nv, top, top_y, bottom_y)) return false;
    for (size_t k = 0; k < nv; ++k)
      if ((kept[k].y == top_y || kept[k].y == bottom_y) && !LeftTurnAt(kept, nv, k)) return false;
  }
  *count = nv;
  *top_out = top;
  return true;
}

// Point64{RoundHalfAway(x), RoundHalfAway(y)} for |x|, |y| < 2^30 (Grow's bound for round joins):
// both rounded at once, truncated through int32 (exact at these magnitudes, as the int64
// conversion is).
inline Point64 RoundSmallPair(double x, double y) {
#if defined(__SSE2__)
  const __m128d v = _mm_set_pd(y, x);
  const __m128d half = _mm_or_pd(_mm_and_pd(v, _mm_set1_pd(-0.0)), _mm_set1_pd(0.5));  // copysign(0.5, v)
  const __m128i t = _mm_cvttpd_epi32(_mm_add_pd(v, half));
  const __m128i r = _mm_unpacklo_epi32(t, _mm_srai_epi32(t, 31));  // sign-extended to int64
  Point64 p;
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&p), r);
  return p;
#else
  return Point64{RoundHalfAway(x), RoundHalfAway(y)};
#endif
}

// The raw offset ring of one closed polygon offset by delta (either sign) with join J, from its unit edge
// normals: exactly the vertices DoOffset's OffsetPoint + DoRound / DoMiter / DoSquare emit (the
// same arithmetic in the same order). Writes them from dst on; returns the end. *detour: whether
// some vertex took the three-point join through the input vertex (OffsetPoint's sin_a * delta < 0
// case). (Kept out of line: measured faster than inlined into Grow.)
template <JoinType J>
__attribute__((noinline)) Point64* EmitRaw(const Point64* src, const PointD* nrm, size_t len, double delta, double sin_step, double cos_step,
                 double spr, double miter_lim, Point64* dst, bool* detour) {
  bool through = false;
  // Round joins stay within Grow's 2^30 bound; square and miter corners reach further (see Grow):
  // those round the general way.
  auto push = [&dst](double x, double y) {
    if constexpr (J == JoinType::kRound) *dst++ = RoundSmallPair(x, y);
    else *dst++ = Point64{RoundHalfAway(x), RoundHalfAway(y)};
  };
  size_t k = len - 1;
  for (size_t j = 0; j < len; ++j) {
    const PointD nk = nrm[k], nj = nrm[j];
    const double px = static_cast<double>(src[j].x), py = static_cast<double>(src[j].y);
    double sin_a = nk.x * nj.y - nj.x * nk.y;
    if (std::fabs(sin_a * delta) < 1.0) {
      const double cos_a = nk.x * nj.x + nj.y * nk.y;
      if (cos_a > 0) {  // nearly straight: one vertex, k stays (as OffsetPoint)
        push(px + nk.x * delta, py + nk.y * delta);
        continue;
      }
    } else if (sin_a > 1.0) {
      sin_a = 1.0;
    } else if (sin_a < -1.0) {
      sin_a = -1.0;
    }
    if (sin_a * delta < 0) {
      push(px + nk.x * delta, py + nk.y * delta);
      *dst++ = src[j];
      push(px + nj.x * delta, py + nj.y * delta);
      through = true;
    } else if constexpr (J == JoinType::kRound) {
      const int steps = RoundJoinSteps(sin_a, nk.x * nj.x + nk.y * nj.y, spr);
      double x = nk.x, y = nk.y;
      for (int i = 0; i < steps; ++i) {
        push(px + x * delta, py + y * delta);
        const double x2 = x;
        x = x * cos_step - sin_step * y;
        y = x2 * sin_step + y * cos_step;
      }
      push(px + nj.x * delta, py + nj.y * delta);
    } else {
      if (J == JoinType::kMiter && 1 + (nj.x * nk.x + nj.y * nk.y) >= miter_lim) {
        // DoMiter
        const double q = delta / (1 + (nj.x * nk.x + nj.y * nk.y));
        push(px + (nk.x + nj.x) * q, py + (nk.y + nj.y) * q);
        k = j;
        continue;
      }
      // DoSquare (square joins, and miters over the limit)
      const double dx = std::tan(std::atan2(sin_a, nk.x * nj.x + nk.y * nj.y) / 4);
      push(px + delta * (nk.x - nk.y * dx), py + delta * (nk.y + nk.x * dx));
      push(px + delta * (nj.x + nj.y * dx), py + delta * (nj.y - nj.x * dx));
    }
    k = j;
  }
  *detour = through;
  return dst;
}

// `out` = the kept vertices kb[0, nv) with kb[top] last.
void EmitKept(const Point64* kb, size_t nv, size_t top, Paths64* out) {
  const size_t from = top + 1 == nv ? 0 : top + 1;
  out->resize(1);  // keeps (*out)[0]'s buffer between calls
  Path64& path = (*out)[0];
  path.resize(nv);
  Point64* d = path.data();
  // (Plain loops: a few dozen vertices, where memmove calls cost more than the copy.)
  for (size_t i = from; i < nv; ++i) *d++ = kb[i];
  for (size_t i = 0; i < from; ++i) *d++ = kb[i];
}

__extension__ typedef __int128 Int128;

// The topmost vertex of v[0, n) (smallest y; of two, the larger x) and the first with the
// largest y; |x|, |y| < 2^30, so y 2^32 - x orders by y, then by larger x, without overflow.
// (Out of line: in the caller's loop the indices spill to memory.)
__attribute__((noinline)) void ExtremeVertices(const Point64* v, size_t n, size_t* top_out, size_t* bottom_out) {
  size_t top = 0, bottom = 0;
  int64_t top_key = v[0].y * 4294967296LL - v[0].x, bottom_y = v[0].y;
  for (size_t i = 1; i < n; ++i) {
    const int64_t y = v[i].y, key = y * 4294967296LL - v[i].x;
    top = key < top_key ? i : top;
    top_key = key < top_key ? key : top_key;
    bottom = y > bottom_y ? i : bottom;
    bottom_y = y > bottom_y ? y : bottom_y;
  }
  *top_out = top;
  *bottom_out = bottom;
}

// ConvexResult of EmitRaw<kRound>'s ring for a quadrilateral whose four edge normals are exact
// quarter turns of each other (as doubles: an axis-aligned rectangle whose two side lengths give
// UnitNormal the same normal length, or a square), from one corner's arc instead of the whole
// raw ring. The same `kept`, `count`, `top_out` as ConvexResult on that ring (`kept` has room for
// `cap` vertices), or false when the quadrilateral is not such a case, ConvexResult would not
// accept the ring, or any step below is in doubt: the caller then runs EmitRaw and ConvexResult.
//
// The raw ring. Let R be the quarter turn with nrm[j] = R(nrm[j - 1]) for every j (cyclically),
// R(x, y) = (-y, x) or (y, -x): corner j's incoming and outgoing normals are R^j of corner 0's.
// - Corner j's sinA and cosA are the same two rounded products as corner 0's, one negated (a
//   negation is exact), summed in the other order (sums commute): the same doubles, so the same
//   branch of EmitRaw and the same step count.
// - The arc recurrence x' = x cos - sin y, y' = x sin + y cos started from R(v) gives R of the
//   sequence started from v, step by step: e.g. for R(x, y) = (-y, x), x' = -y cos - sin x =
//   -(y cos + x sin) = -y'_v and y' = -y sin + x cos = x'_v, each rounded product being the
//   negation of (or equal to) one of the v sequence's and round-to-nearest being symmetric. So
//   corner j's unit vectors times delta are R^j of corner 0's (zero signs aside, which no later
//   sum or rounding sees).
// - A vertex is RoundHalfAway(p + d) per coordinate for an integer p and the double d above, with
//   |p + d| < 2^30 (Grow's bound). fl(p + d) and the +-0.5 of the rounding are each within 2^-24
//   of exact, so whenever d lies more than 2^-20 from a half-integer the result is the integer
//   nearest to p + d, which is p + RoundHalfAway(d); and RoundHalfAway(-d) = -RoundHalfAway(d).
//   So corner j's raw vertices are P_j + R^j(a_i) for corner 0's rounded offsets a_i (an offset
//   within 2^-20 of a tie: false).
// ConvexResult's walk over that ring. Corner j's last vertex and corner j + 1's first are the
// same normal times delta, rounded, added to P_j and P_(j+1): the ring runs along the side
// P_(j+1) - P_j between them (never zero). That side turned back by R^j must point the same way
// for every j (checked). Then:
// - repeats (equal consecutive points) are those within the arc, the same in every corner;
// - the turn and dot products at each arc vertex are R^j-invariant (integer products of rotated
//   vectors; a side enters only through its direction): every corner keeps and drops the same arc
//   vertices b_0 .. b_(q-1), and a right turn or reversal in one corner is one in all;
// - with no right turn, each corner's edge directions staying within the quarter between the
//   sides entering and leaving it (checked) means the ring turns by exactly one full turn: it
//   winds once (ConvexResult's two flips).
// The kept vertices are listed in ConvexResult's order (corner 0's first arc vertex = raw[0] on).
// Twice the area and the L1 perimeter are exact integers here, from the corners' shared sums: the
// same thickness test as ConvexResult's, whose margin covers any summation (this one has no
// rounding at all but the final conversion). Top, bottom and width checks as ConvexResult's.
bool RoundRectResult(const Point64* src, const PointD* nrm, double delta, double sin_step, double cos_step, double spr,
                     double xmax, double ymax, Point64* kept, size_t cap, size_t* count, size_t* top_out) {
  // R, from the first pair; the other three pairs must agree exactly.
  const bool left = nrm[1].x == -nrm[0].y && nrm[1].y == nrm[0].x;  // R(x, y) = (-y, x)
  for (int j = 0; j < 4; ++j) {
    const PointD& a = nrm[j == 0 ? 3 : j - 1];
    const PointD& b = nrm[j];
    if (left ? !(b.x == -a.y && b.y == a.x) : !(b.x == a.y && b.y == -a.x)) return false;
  }
  // ConvexResult accepts left turns only, and a ring whose normals turn right turns right.
  if (!left) return false;
  // Corner 0 (k = 3, j = 0), as EmitRaw.
  const PointD nk = nrm[3], nj = nrm[0];
  double sin_a = nk.x * nj.y - nj.x * nk.y;
  if (std::fabs(sin_a * delta) < 1.0) {
    if (nk.x * nj.x + nj.y * nk.y > 0) return false;  // nearly straight
  } else if (sin_a > 1.0) {
    sin_a = 1.0;
  } else if (sin_a < -1.0) {
    sin_a = -1.0;
  }
  if (sin_a * delta < 0) return false;  // a reflex corner
  const int steps = RoundJoinSteps(sin_a, nk.x * nj.x + nk.y * nj.y, spr);
  constexpr int kMaxArc = 64;
  if (steps + 1 > kMaxArc || static_cast<size_t>(4 * (steps + 1)) > cap) return false;
  // The arc's rounded offsets, consecutive repeats dropped: ax, ay [0, k).
  int64_t ax[kMaxArc], ay[kMaxArc];
  int k = 0;
#if defined(__SSE2__)
  __m128d gap = _mm_set1_pd(1.0);  // the smallest distance of any offset from a half-integer
  auto put = [&](double x, double y) {
    const __m128d d = _mm_set_pd(y, x);
    const __m128d sign = _mm_and_pd(d, _mm_set1_pd(-0.0));
    const __m128d t = _mm_cvtepi32_pd(_mm_cvttpd_epi32(d));  // toward zero (|d| < 2^30)
    const __m128d f = _mm_andnot_pd(_mm_set1_pd(-0.0), _mm_sub_pd(d, t));  // |d - t|, exact
    gap = _mm_min_pd(gap, _mm_andnot_pd(_mm_set1_pd(-0.0), _mm_sub_pd(f, _mm_set1_pd(0.5))));
    const __m128i r = _mm_cvttpd_epi32(_mm_add_pd(d, _mm_or_pd(sign, _mm_set1_pd(0.5))));
    const int64_t rx = _mm_cvtsi128_si32(r), ry = _mm_cvtsi128_si32(_mm_shuffle_epi32(r, 1));
    const bool fresh = k == 0 || ax[k - 1] != rx || ay[k - 1] != ry;
    ax[k] = rx;
    ay[k] = ry;
    k += fresh;
  };
#else
  double gap1 = 1.0;
  auto put = [&](double x, double y) {
    int64_t r[2];
    const double d2[2] = {x, y};
    for (int c = 0; c < 2; ++c) {
      const double d = d2[c];
      const int64_t t = static_cast<int64_t>(d);
      const double f = std::fabs(d - static_cast<double>(t));
      gap1 = std::min(gap1, std::fabs(f - 0.5));
      r[c] = RoundHalfAway(d);
    }
    const bool fresh = k == 0 || ax[k - 1] != r[0] || ay[k - 1] != r[1];
    ax[k] = r[0];
    ay[k] = r[1];
    k += fresh;
  };
#endif
  {
    double x = nk.x, y = nk.y;
    for (int i = 0; i < steps; ++i) {
      put(x * delta, y * delta);
      const double x2 = x;
      x = x * cos_step - sin_step * y;
      y = x2 * sin_step + y * cos_step;
    }
    put(nj.x * delta, nj.y * delta);
  }
#if defined(__SSE2__)
  const double tie = std::min(_mm_cvtsd_f64(gap), _mm_cvtsd_f64(_mm_unpackhi_pd(gap, gap)));
#else
  const double tie = gap1;
#endif
  if (!(tie > 0x1p-20) || k < 2) return false;
  // Side j turned back by R^j (left quarter turns): side 0 for every j.
  const int64_t sx = src[1].x - src[0].x, sy = src[1].y - src[0].y;
  {
    const int64_t x1 = src[2].x - src[1].x, y1 = src[2].y - src[1].y;  // R^-1: (y, -x)
    const int64_t x2 = src[3].x - src[2].x, y2 = src[3].y - src[2].y;  // R^-2: (-x, -y)
    const int64_t x3 = src[0].x - src[3].x, y3 = src[0].y - src[3].y;  // R^-3: (-y, x)
    auto same_way = [sx, sy](int64_t cx, int64_t cy) { return sx * cy - sy * cx == 0 && sx * cx + sy * cy > 0; };
    if (!same_way(y1, -x1) || !same_way(-x2, -y2) || !same_way(-y3, x3)) return false;
  }
  const int64_t inx = sy, iny = -sx;  // the side entering corner 0, in its frame: R^-1(side 0)
  // Turns at the arc's distinct vertices (u entering, w leaving), and the arc's edge directions
  // within [entering side, leaving side]. Sides below 2^31, arc steps far smaller: exact in int64.
  int64_t bx[kMaxArc], by[kMaxArc];  // the kept arc vertices
  int q = 0;
  for (int i = 0; i < k; ++i) {
    const int64_t ux = i == 0 ? inx : ax[i] - ax[i - 1], uy = i == 0 ? iny : ay[i] - ay[i - 1];
    const int64_t wx = i + 1 == k ? sx : ax[i + 1] - ax[i], wy = i + 1 == k ? sy : ay[i + 1] - ay[i];
    const int64_t t = ux * wy - uy * wx;
    if (t < 0 || (t == 0 && ux * wx + uy * wy <= 0)) return false;
    if (i + 1 < k && (inx * wy - iny * wx < 0 || wx * sy - wy * sx < 0)) return false;
    bx[q] = ax[i];
    by[q] = ay[i];
    q += t > 0;
  }
  if (q < 1) return false;
  const size_t nv = static_cast<size_t>(4 * q);
  // The kept vertices, corner j = P_j + R^j(b_i); with them the top (smallest y; of two, the
  // larger x), how many share its y, and the first vertex with the largest y.
  {
    Point64* d = kept;
    for (int i = 0; i < q; ++i) *d++ = Point64{src[0].x + bx[i], src[0].y + by[i]};
    for (int i = 0; i < q; ++i) *d++ = Point64{src[1].x - by[i], src[1].y + bx[i]};
    for (int i = 0; i < q; ++i) *d++ = Point64{src[2].x - bx[i], src[2].y - by[i]};
    for (int i = 0; i < q; ++i) *d++ = Point64{src[3].x + by[i], src[3].y - bx[i]};
  }
  // (|x|, |y| < 2^30: y 2^32 - x orders by y, then by larger x, without overflow. No three kept
  // vertices share a y: every kept vertex turns strictly, dropped ones lie on straight runs, so
  // the kept ring is strictly convex, and ConvexResult's tie guard always passes.)
  size_t top = 0, bottom = 0;
  ExtremeVertices(kept, nv, &top, &bottom);
  const int64_t top_y = kept[top].y, bottom_y = kept[bottom].y;
  // Twice the signed area: each corner's arc contributes cross(P_j, R^j(b_last - b_0)) + S with S
  // = the sum of cross(b_i, b_(i+1)) (rotation-invariant), plus the four side edges' terms.
  // Exact (|coordinates| < 2^30, so the total is below 2^63 in magnitude).
  Int128 area2x = 0;
  int64_t per = 0;
  {
    Int128 s = 0;
    int64_t arc_l1 = 0;
    for (int i = 0; i + 1 < q; ++i) {
      s += static_cast<Int128>(bx[i]) * by[i + 1] - static_cast<Int128>(by[i]) * bx[i + 1];
      arc_l1 += std::llabs(bx[i + 1] - bx[i]) + std::llabs(by[i + 1] - by[i]);
    }
    area2x = 4 * s;
    per = 4 * arc_l1;
    const size_t ql = static_cast<size_t>(q);
    for (size_t j = 0; j < 4; ++j) {
      const Point64 first = kept[j * ql], last = kept[j * ql + ql - 1];
      const Point64 next = kept[((j + 1) & 3) * ql];
      // cross(P_j, R^j(b_last - b_0)) = cross(P_j, last - first)
      area2x += static_cast<Int128>(src[j].x) * (last.y - first.y) - static_cast<Int128>(src[j].y) * (last.x - first.x);
      area2x += static_cast<Int128>(last.x) * next.y - static_cast<Int128>(last.y) * next.x;
      per += std::llabs(next.x - last.x) + std::llabs(next.y - last.y);
    }
  }
  // Orientation as ConvexResult's sum (x_i y_(i+1) - x_(i+1) y_i).
  const double area = static_cast<double>(static_cast<int64_t>(area2x)) / 2;
  if (!ThickAndWide(kept, nv, area, xmax, ymax, per, top, bottom, top_y, bottom_y)) return false;
  *count = nv;
  *top_out = top;
  return true;
}

}  // namespace

// The common unclip case in one pass: one closed polygon, delta > 0 (any join). Same normals,
// joins, arc steps and rounding as DoOffset + OffsetPoint + DoRound / DoMiter / DoSquare (the same
// arithmetic in the same order, so the same raw vertices), written to a flat buffer, then judged
// by ConvexResult. kDone: `out` holds the result (before reverse_solution). kRaw: dest_polys_[0] holds the raw ring
// (dest_count_ = 1) for the general clean-up. kSkip: not applicable (huge offsets or coordinates);
// nothing done. With delta < 0 (a shrunk polygon, see Execute) only the raw ring is made: kRaw or
// kSkip.
ClipperOffset642::GrowResult ClipperOffset642::Grow(double delta, const Offset642Options& o, Paths64* out) {
  const Node& node = nodes_[0];
  const JoinType join = node.join;
  const Point64* src = pts_.data() + node.begin;
  const size_t len = node.size;
  // How far a raw vertex lies from its input vertex: round joins within delta (times 1 + 1e-9
  // for the rotation's drift); square corners within delta * sqrt(1 + tan(a / 4)^2) <= delta *
  // sqrt(2); miters within delta * |nk + nj| / (1 + nk.nj) = delta * sqrt(2 / (1 + nk.nj)), at
  // most delta * sqrt(2 / miter_lim).
  miter_lim_ = o.miter_limit > 2 ? 2 / (o.miter_limit * o.miter_limit) : 0.5;
  const double spread = join == JoinType::kRound    ? 1.0
                        : join == JoinType::kMiter ? std::max(1.5, std::sqrt(2 / miter_lim_))
                                                   : 1.5;
  const double reach = std::fabs(delta) * spread * (1 + 1e-9) + 2;
  const double lim = kGrowMaxCoord - reach;
  if (!(lim > 0)) return GrowResult::kSkip;
  double xmax = 0, ymax = 0;
  for (size_t i = 0; i < len; ++i) {
    const double x = std::fabs(static_cast<double>(src[i].x)), y = std::fabs(static_cast<double>(src[i].y));
    xmax = x > xmax ? x : xmax;
    ymax = y > ymax ? y : ymax;
  }
  if (!(xmax < lim && ymax < lim)) return GrowResult::kSkip;
  delta_ = delta;
  arc_y_ = o.arc_tolerance <= 0.0 ? kDefArcTolerance
                                  : (o.arc_tolerance > std::fabs(delta) * kDefArcTolerance ? std::fabs(delta) * kDefArcTolerance : o.arc_tolerance);
  arc_js_ = false;
  if (join == JoinType::kRound) PrepareArcs();
  // A round join emits steps + 1 <= steps_per_rad * pi + 2 vertices (|angle| <= pi); a square
  // join 2, a miter 1 or 2; a reflex vertex 3; a straight one 1.
  // (floor by truncation where it is exact and cheap: std::floor is a libm call without SSE4.1.)
  const double arc_max = steps_per_rad_ * kPi;
  const double arc_floor = arc_max >= 0 && arc_max < 1e15 ? static_cast<double>(static_cast<int64_t>(arc_max)) : std::floor(arc_max);
  const double per_vertex = join == JoinType::kRound ? std::max(3.0, arc_floor + 2) : 3.0;
  if (!(per_vertex * static_cast<double>(len) <= kGrowMaxRaw)) return GrowResult::kSkip;
  const size_t cap = static_cast<size_t>(per_vertex) * len;
  if (raw_buf_.size() < cap) raw_buf_.resize(cap);
  normals_.resize(len);
  PointD* nrm = normals_.data();
  for (size_t j = 0; j + 1 < len; ++j) nrm[j] = UnitNormal(src[j], src[j + 1]);
  nrm[len - 1] = UnitNormal(src[len - 1], src[0]);

  size_t nv = 0, top = 0;
  if (delta > 0 && join == JoinType::kRound && len == 4) {
    // Rectangles (SROIE-style boxes): the result from one corner's arc (see RoundRectResult).
    if (kept_buf_.size() < cap) kept_buf_.resize(cap);
    if (RoundRectResult(src, nrm, delta, sin_, cos_, steps_per_rad_, xmax + reach, ymax + reach, kept_buf_.data(),
                        cap, &nv, &top)) {
      raw_n_ = 0;  // (raw() is empty after this shortcut)
      raw_in_buf_ = true;
      EmitKept(kept_buf_.data(), nv, top, out);
      return GrowResult::kDone;
    }
  }
  Point64* const begin = raw_buf_.data();
  Point64* dst;
  bool detour = false;
  switch (join) {
    case JoinType::kRound: dst = EmitRaw<JoinType::kRound>(src, nrm, len, delta, sin_, cos_, steps_per_rad_, miter_lim_, begin, &detour); break;
    case JoinType::kMiter: dst = EmitRaw<JoinType::kMiter>(src, nrm, len, delta, sin_, cos_, steps_per_rad_, miter_lim_, begin, &detour); break;
    default: dst = EmitRaw<JoinType::kSquare>(src, nrm, len, delta, sin_, cos_, steps_per_rad_, miter_lim_, begin, &detour); break;
  }
  raw_n_ = static_cast<size_t>(dst - raw_buf_.data());
  raw_in_buf_ = true;
  if (delta < 0) {
    // Shrinking: the raw ring only (ConvexResult and RoundRectResult are for grown rings).
    raw_in_buf_ = false;
    if (dest_polys_.empty()) dest_polys_.emplace_back();
    dest_polys_[0].assign(raw_buf_.begin(), raw_buf_.begin() + static_cast<long>(raw_n_));
    dest_count_ = 1;
    raw_small_ = true;
    raw_bound_ = std::max(xmax, ymax) + reach;
    return GrowResult::kRaw;
  }
  if (kept_buf_.size() < raw_n_) kept_buf_.resize(raw_n_);
  // A three-point join (at a vertex where the polygon turns against the offset: a concave vertex
  // when growing) takes the ring back through the input vertex, so it winds more than once and
  // ConvexResult would walk it all to say no (each of its turns is to the left). Curved text
  // polygons grow such rings. Skipping it changes nothing but time: the sweep gives the result.
  if (!detour && ConvexResult(raw_buf_.data(), raw_n_, xmax + reach, ymax + reach, kept_buf_.data(), &nv, &top)) {
    EmitKept(kept_buf_.data(), nv, top, out);  // the kept vertices, topmost last
    return GrowResult::kDone;
  }
  // Not a case ConvexResult can certify: hand the raw ring to the general clean-up.
  raw_in_buf_ = false;
  if (dest_polys_.empty()) dest_polys_.emplace_back();
  dest_polys_[0].assign(raw_buf_.begin(), raw_buf_.begin() + static_cast<long>(raw_n_));
  dest_count_ = 1;
  raw_small_ = true;
  return GrowResult::kRaw;
}

// DoOffset for one closed quadrilateral shrunk (delta < 0) whose four corners all take OffsetPoint's
// three-point join (sinA * delta < 0 and not the nearly-straight case: a strictly convex corner for
// ClipperOffset's orientation): the same normals, the same vertices A_j = P_j + n_(j-1) delta,
// P_j, B_j = P_j + n_j delta (the same arithmetic, rounded by Push's RoundHalfAway), in the same
// order, into dest_polys_[0], without the per-vertex dispatch; the join type plays no part there.
// False (nothing written) when some corner takes another branch: the caller runs DoOffset.
bool ClipperOffset642::ShrinkQuadRaw(double delta) {
  const Node& node = nodes_[0];
  const Point64* src = pts_.data() + node.begin;
  PointD nrm[4];
  for (int j = 0; j < 4; ++j) nrm[j] = UnitNormal(src[j], src[(j + 1) & 3]);
  for (int j = 0; j < 4; ++j) {
    const PointD& nk = nrm[(j + 3) & 3];
    const PointD& nj = nrm[j];
    const double sin_a = nk.x * nj.y - nj.x * nk.y;
    if (std::fabs(sin_a * delta) < 1.0 && nk.x * nj.x + nj.y * nk.y > 0) return false;  // nearly straight
    if (!(sin_a * delta < 0)) return false;  // (OffsetPoint's clamp to [-1, 1] keeps the sign)
  }
  if (dest_polys_.empty()) dest_polys_.emplace_back();
  Path64& raw = dest_polys_[0];
  raw.resize(12);
  Point64* d = raw.data();
  for (int j = 0; j < 4; ++j) {
    const PointD& nk = nrm[(j + 3) & 3];
    const PointD& nj = nrm[j];
    const double px = static_cast<double>(src[j].x), py = static_cast<double>(src[j].y);
    *d++ = Point64{RoundHalfAway(px + nk.x * delta), RoundHalfAway(py + nk.y * delta)};
    *d++ = src[j];
    *d++ = Point64{RoundHalfAway(px + nj.x * delta), RoundHalfAway(py + nj.y * delta)};
  }
  dest_count_ = 1;
  return true;
}

void ClipperOffset642::DoOffset(double delta, const Offset642Options& o) {
  dest_count_ = 0;
  auto emit = [&]() {
    if (dest_polys_.size() <= dest_count_) dest_polys_.emplace_back();
    dest_polys_[dest_count_].swap(dest_);  // both keep their buffers for the next calls
    ++dest_count_;
  };
  delta_ = delta;
  if (NearZero(delta)) {
    for (const Node& n : nodes_) {
      if (n.end != EndType::kPolygon) continue;
      dest_.assign(pts_.data() + n.begin, pts_.data() + n.begin + n.size);
      emit();
    }
    return;
  }
  miter_lim_ = o.miter_limit > 2 ? 2 / (o.miter_limit * o.miter_limit) : 0.5;
  double y;
  if (o.arc_tolerance <= 0.0) y = kDefArcTolerance;
  else if (o.arc_tolerance > std::fabs(delta) * kDefArcTolerance) y = std::fabs(delta) * kDefArcTolerance;
  else y = o.arc_tolerance;
  arc_y_ = y;
  arc_js_ = o.js_compat;
  arc_ready_ = false;  // the arc constants are computed on the first round join (shrinking a
                       // convex polygon never needs them)

  for (const Node& node : nodes_) {
    src_ = pts_.data() + node.begin;
    const size_t len = node.size;
    if (len == 0 || (delta <= 0 && (len < 3 || node.end != EndType::kPolygon))) continue;
    dest_.clear();
    if (len == 1) {
      if (node.join == JoinType::kRound) {
        if (!arc_ready_) PrepareArcs();
        double x = 1.0, yy = 0.0;
        for (long j = 1; static_cast<double>(j) <= arc_steps_; ++j) {
          Push(static_cast<double>(src_[0].x) + x * delta, static_cast<double>(src_[0].y) + yy * delta);
          double x2 = x;
          x = x * cos_ - sin_ * yy;
          yy = x2 * sin_ + yy * cos_;
        }
      } else {
        double x = -1.0, yy = -1.0;
        for (int j = 0; j < 4; ++j) {
          Push(static_cast<double>(src_[0].x) + x * delta, static_cast<double>(src_[0].y) + yy * delta);
          if (x < 0) x = 1;
          else if (yy < 0) yy = 1;
          else x = -1;
        }
      }
      emit();
      continue;
    }
    normals_.clear();
    for (size_t j = 0; j + 1 < len; ++j) normals_.push_back(UnitNormal(src_[j], src_[j + 1]));
    if (node.end == EndType::kJoined || node.end == EndType::kPolygon)
      normals_.push_back(UnitNormal(src_[len - 1], src_[0]));
    else
      normals_.push_back(normals_[len - 2]);

    if (node.end == EndType::kPolygon) {
      size_t k = len - 1;
      for (size_t j = 0; j < len; ++j) OffsetPoint(j, k, node.join);
      emit();
    } else if (node.end == EndType::kJoined) {
      size_t k = len - 1;
      for (size_t j = 0; j < len; ++j) OffsetPoint(j, k, node.join);
      emit();
      dest_.clear();
      PointD n = normals_[len - 1];
      for (size_t j = len - 1; j > 0; --j) normals_[j] = PointD{-normals_[j - 1].x, -normals_[j - 1].y};
      normals_[0] = PointD{-n.x, -n.y};
      k = 0;
      for (size_t j = len; j-- > 0;) OffsetPoint(j, k, node.join);
      emit();
    } else {
      size_t k = 0;
      for (size_t j = 1; j + 1 < len; ++j) OffsetPoint(j, k, node.join);
      if (node.end == EndType::kButt) {
        size_t j = len - 1;
        Push(static_cast<double>(src_[j].x) + normals_[j].x * delta, static_cast<double>(src_[j].y) + normals_[j].y * delta);
        Push(static_cast<double>(src_[j].x) - normals_[j].x * delta, static_cast<double>(src_[j].y) - normals_[j].y * delta);
      } else {
        size_t j = len - 1;
        k = len - 2;
        sin_a_ = 0;
        normals_[j] = PointD{-normals_[j].x, -normals_[j].y};
        if (node.end == EndType::kSquare) DoSquare(j, k);
        else DoRound(j, k);
      }
      for (size_t j = len - 1; j > 0; --j) normals_[j] = PointD{-normals_[j - 1].x, -normals_[j - 1].y};
      normals_[0] = PointD{-normals_[1].x, -normals_[1].y};
      k = len - 1;
      for (size_t j = k - 1; j > 0; --j) OffsetPoint(j, k, node.join);
      if (node.end == EndType::kButt) {
        Push(static_cast<double>(src_[0].x) - normals_[0].x * delta, static_cast<double>(src_[0].y) - normals_[0].y * delta);
        Push(static_cast<double>(src_[0].x) + normals_[0].x * delta, static_cast<double>(src_[0].y) + normals_[0].y * delta);
      } else {
        sin_a_ = 0;
        if (node.end == EndType::kSquare) DoSquare(0, 1);
        else DoRound(0, 1);
      }
      emit();
    }
  }
}

Status ClipperOffset642::Execute(double delta, const Offset642Options& options, Paths64* out) {
  if (!std::isfinite(delta)) return OutOfRange("delta must be finite");
  // Cheap bound first (steps <= |delta| * pi); the exact estimate only for huge offsets.
  if (!NearZero(delta) && (std::fabs(delta) * kPi / 2 + 4) * static_cast<double>(pts_.size() + 1) > kMaxOffsetVertices) {
    // Upper bound of the arc vertices DoOffset will emit (each vertex turns by at most pi).
    double y = options.arc_tolerance <= 0.0 ? kDefArcTolerance : std::min(options.arc_tolerance, std::fabs(delta) * kDefArcTolerance);
    double steps = kPi / std::acos(1 - y / std::fabs(delta));
    if (steps > std::fabs(delta) * kPi) steps = std::fabs(delta) * kPi;
    double estimate = (steps / 2 + 4) * static_cast<double>(pts_.size() + 1);
    if (!(estimate <= kMaxOffsetVertices))
      return OutOfRange("offset would emit about " + std::to_string(estimate) +
                        " vertices; use a larger arcTolerance or a smaller delta");
  }
  FixOrientations();
  raw_in_buf_ = false;
  raw_small_ = false;
  GrowResult grown = GrowResult::kSkip;
  // Grow also writes the raw ring of a shrunk polygon of more than four vertices (EmitRaw's flat
  // loop instead of DoOffset's; the same vertices). Quadrilaterals keep DoOffset when shrinking:
  // it computes the arc constants only on the first round join, which shrunk convex quads never
  // reach (EmitRaw needs them up front).
  if (options.fast_path && !options.js_compat && !options.preserve_collinear && !NearZero(delta) &&
      nodes_.size() == 1 && nodes_[0].end == EndType::kPolygon && (delta > 0 || nodes_[0].size > 4)) {
    grown = Grow(delta, options, out);
    if (grown == GrowResult::kDone) {
      if (options.reverse_solution) std::reverse((*out)[0].begin(), (*out)[0].end());
      return Status::Ok();
    }
  }
  // A shrunk quadrilateral: its raw ring without DoOffset's dispatch when every corner is convex.
  if (grown == GrowResult::kSkip &&
      !(options.fast_path && !options.js_compat && delta < 0 && !NearZero(delta) && nodes_.size() == 1 &&
        nodes_[0].end == EndType::kPolygon && nodes_[0].size == 4 && ShrinkQuadRaw(delta)))
    DoOffset(delta, options);
  // Growing never takes FastOffsetCleanup: its convex shortcut accepts some rings with a sharp top
  // or bottom vertex that the sweep changes (see ConvexResult), e.g. 1514,482 1503,471 1500,464
  // 1532,354 1532,355 grown by 0.19987849586012374 (any join). Grow's own check covers the common
  // grown cases; the rest goes to the sweep.
  // Shrinking takes FastOffsetCleanup only when every edge of the input polygon spans at least
  // 3 units in x or y. Polygons with shorter edges (a 1-2 unit step, a collinear needle) can give
  // raw rings whose vertices touch other edges at the sweep's rounded positions in ways the fast
  // path does not detect: e.g. 458183423,992994675 458183395,992994688 458183367,992994545
  // 458183367,992994544 shrunk by 0.056257066162518514 (the sweep drops a vertex), and tiny or
  // degenerate quads that vanish when shrunk (test/geometry/fast-path.test.ts). Text boxes are
  // far coarser than that; the few tiny ones take the sweep.
  // (Grow's raw rings are within 2^30, so the quick decline test applies: it spares curved text
  // polygons FastOffsetCleanup's attempt, ~1.2k instructions, where the answer is surely no.)
  if (delta < 0 && options.fast_path && !options.js_compat && !options.preserve_collinear && dest_count_ == 1 &&
      nodes_.size() == 1 && CoarseEdges(pts_.data() + nodes_[0].begin, nodes_[0].size) &&
      !(raw_small_ && SurelyDeclines(dest_polys_[0], out)) && FastOffsetCleanup(dest_polys_[0], out)) {
    if (options.reverse_solution)
      for (Path64& p : *out) std::reverse(p.begin(), p.end());
    return Status::Ok();
  }
  return SweepCleanup(delta, options, out);
}

// The general clean-up of the raw offset (dest_polys_) with the sweep, as ClipperOffset::Execute
// does it. (Out of line: keeps Execute's fast routes compact.)
Status ClipperOffset642::SweepCleanup(double delta, const Offset642Options& options, Paths64* out) {
  // (The engine writes its result over `out`'s paths, reusing their buffers.)
  ClipperEngineOptions eo;
  eo.js_compat = options.js_compat;
  eo.preserve_collinear = options.preserve_collinear;
  engine_.Clear();
  // Before adding the paths: AddPath's collinear clean-up reads preserve_collinear (set after
  // them, the first sweep after a call with the other setting took the old one).
  engine_.SetOptions(eo);
  if (raw_small_) {
    // Grow's raw ring: within 2^30 by its bounds, so no range pass.
    engine_.AddSmallPath(dest_polys_[0].data(), dest_polys_[0].size(), PathRole::kSubject);
  } else {
    for (size_t i = 0; i < dest_count_; ++i) {
      Status st = engine_.AddPath(dest_polys_[i], PathRole::kSubject);
      if (!st.ok()) {
        out->clear();
        return st;
      }
    }
  }
  if (delta > 0) {
    // Like ClipperOffset::Execute, a failed sweep (only possible near the int64 limits) gives [].
    if (!engine_.Execute(ClipOp::kUnion, FillRule::kPositive, FillRule::kPositive, out)) out->clear();
    if (options.reverse_solution)
      for (Path64& p : *out) std::reverse(p.begin(), p.end());
    return Status::Ok();
  }
  // Grow's shrunk ring with every frame coordinate within 2^30 - 1 (its vertices within
  // raw_bound_ of the origin, see Grow): the engine emulates the frame (ExecuteShrinkFrame),
  // which then needs only a box that contains the ring, so the bounds pass is skipped.
  if (raw_small_ && options.fast_path && !options.js_compat && raw_bound_ + 11 < kFrameFreeBound) {
    const int64_t b = static_cast<int64_t>(raw_bound_) + 1;
    if (Status st = engine_.ExecuteShrinkFrame(-b, -b, b, b, true, out); !st.ok()) return st;
#ifdef OPK_ENGINE_CHECKS
    if (!engine_.last_frame_emulated()) std::abort();
#endif
    if (options.reverse_solution)
      for (Path64& p : *out) std::reverse(p.begin(), p.end());
    return Status::Ok();
  }
  // Bounds of the raw offset (Clipper reads them off its edge list: same box for any path
  // that survives AddPath), framed 10 units out, so the negative-fill union yields the holes.
  bool any = false;
  int64_t left = 0, top = 0, right = 0, bottom = 0;
  for (size_t i = 0; i < dest_count_; ++i) {
    const Path64& path = dest_polys_[i];
    if (path.empty()) continue;
    if (!any) {
      left = right = path[0].x;
      top = bottom = path[0].y;
      any = true;
    }
    for (const Point64& p : path) {
      left = std::min(left, p.x);
      right = std::max(right, p.x);
      top = std::min(top, p.y);
      bottom = std::max(bottom, p.y);
    }
  }
  // The frame, the negative-fill union with reverse_solution and the frame's erasure: the engine
  // emulates the frame without sweeping it where that is exact (see ExecuteShrinkFrame); with
  // fast_path off it always adds the real one (tests compare the two). It sets reverse_solution.
  if (Status st = engine_.ExecuteShrinkFrame(left, top, right, bottom, options.fast_path, out); !st.ok()) return st;
  if (options.reverse_solution)
    for (Path64& p : *out) std::reverse(p.begin(), p.end());
  return Status::Ok();
}

}  // namespace opk::geom
