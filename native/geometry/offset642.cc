// Clipper 6.4.2 ClipperOffset semantics. See offset642.h.
#include "geometry/offset642.h"

#include <algorithm>
#include <cmath>
#include <string>

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

}  // namespace

void ClipperOffset642::Clear() {
  pts_.clear();
  nodes_.clear();
  lowest_node_ = -1;
  lowest_pt_ = 0;
}

Status ClipperOffset642::AddPath(const Point64* path, size_t count, JoinType join, EndType end) {
  if (join == JoinType::kBevel) return InvalidArgument("joinType 'bevel' is not available in pyclipper mode");
  if (count == 0) return Status::Ok();
  long high = static_cast<long>(count) - 1;
  if (end == EndType::kJoined || end == EndType::kPolygon)
    while (high > 0 && path[0] == path[high]) --high;
  size_t begin = pts_.size();
  pts_.push_back(path[0]);
  size_t j = 0, k = 0;
  for (long i = 1; i <= high; ++i) {
    if (pts_[begin + j] != path[i]) {
      ++j;
      pts_.push_back(path[i]);
      const Point64& q = pts_[begin + k];
      if (path[i].y > q.y || (path[i].y == q.y && path[i].x < q.x)) k = j;
    }
  }
  if (end == EndType::kPolygon && j < 2) {
    pts_.resize(begin);
    return Status::Ok();
  }
  nodes_.push_back(Node{begin, j + 1, join, end});
  if (end != EndType::kPolygon) return Status::Ok();
  if (lowest_node_ < 0) {
    lowest_node_ = static_cast<long>(nodes_.size()) - 1;
    lowest_pt_ = k;
  } else {
    const Node& ln = nodes_[static_cast<size_t>(lowest_node_)];
    const Point64& ip = pts_[ln.begin + lowest_pt_];
    const Point64& kp = pts_[begin + k];
    if (kp.y > ip.y || (kp.y == ip.y && kp.x < ip.x)) {
      lowest_node_ = static_cast<long>(nodes_.size()) - 1;
      lowest_pt_ = k;
    }
  }
  return Status::Ok();
}

void ClipperOffset642::FixOrientations() {
  auto orientation = [&](const Node& n) { return PathArea(pts_.data() + n.begin, n.size) >= 0; };
  auto reverse = [&](const Node& n) {
    std::reverse(pts_.begin() + static_cast<long>(n.begin), pts_.begin() + static_cast<long>(n.begin + n.size));
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
  double a = std::atan2(sin_a_, nk.x * nj.x + nk.y * nj.y);
  int steps = std::max(static_cast<int>(RoundHalfAway(steps_per_rad_ * std::fabs(a))), 1);
  double x = nk.x, y = nk.y;
  for (int i = 0; i < steps; ++i) {
    Push(static_cast<double>(p.x) + x * delta_, static_cast<double>(p.y) + y * delta_);
    double x2 = x;
    x = x * cos_ - sin_ * y;
    y = x2 * sin_ + y * cos_;
  }
  Push(static_cast<double>(p.x) + nj.x * delta_, static_cast<double>(p.y) + nj.y * delta_);
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
      dest_.assign(pts_.begin() + static_cast<long>(n.begin), pts_.begin() + static_cast<long>(n.begin + n.size));
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
  DoOffset(delta, options);
  if (options.fast_path && !options.js_compat && !options.preserve_collinear && dest_count_ == 1 &&
      FastOffsetCleanup(dest_polys_[0], out)) {
    if (options.reverse_solution)
      for (Path64& p : *out) std::reverse(p.begin(), p.end());
    return Status::Ok();
  }
  out->clear();
  ClipperEngineOptions eo;
  eo.js_compat = options.js_compat;
  eo.preserve_collinear = options.preserve_collinear;
  engine_.Clear();
  for (size_t i = 0; i < dest_count_; ++i) OPK_RETURN_IF_ERROR(engine_.AddPath(dest_polys_[i], PathRole::kSubject));
  if (delta > 0) {
    engine_.SetOptions(eo);
    // Like ClipperOffset::Execute, a failed sweep (only possible near the int64 limits) gives [].
    if (!engine_.Execute(ClipOp::kUnion, FillRule::kPositive, FillRule::kPositive, out)) out->clear();
    if (options.reverse_solution)
      for (Path64& p : *out) std::reverse(p.begin(), p.end());
    return Status::Ok();
  }
  // Bounds of the raw offset (Clipper reads them off its edge list: same box for any path
  // that survives AddPath), framed 10 units out, so the negative-fill union yields the holes.
  bool any = false;
  int64_t left = 0, top = 0, right = 0, bottom = 0;
  for (size_t i = 0; i < dest_count_; ++i) {
    for (const Point64& p : dest_polys_[i]) {
      if (!any) {
        left = right = p.x;
        top = bottom = p.y;
        any = true;
      }
      left = std::min(left, p.x);
      right = std::max(right, p.x);
      top = std::min(top, p.y);
      bottom = std::max(bottom, p.y);
    }
  }
  Point64 outer[4] = {{left - 10, bottom + 10}, {right + 10, bottom + 10}, {right + 10, top - 10}, {left - 10, top - 10}};
  OPK_RETURN_IF_ERROR(engine_.AddPath(outer, 4, PathRole::kSubject));
  eo.reverse_solution = true;
  engine_.SetOptions(eo);
  if (!engine_.Execute(ClipOp::kUnion, FillRule::kNegative, FillRule::kNegative, out)) out->clear();
  if (!out->empty()) out->erase(out->begin());
  if (options.reverse_solution)
    for (Path64& p : *out) std::reverse(p.begin(), p.end());
  return Status::Ok();
}

}  // namespace opk::geom
