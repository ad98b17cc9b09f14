// Clipper2 offset semantics. See clipper2_offset.h.
#include "geometry/clipper2_offset.h"

#include <algorithm>
#include <cmath>

namespace opk::geom {
namespace {

constexpr double kPi = 3.141592653589793238;
constexpr double kArcConst = 0.002;  // default arc tolerance = |delta| / 500
constexpr double kTolerance = 1.0E-12;
constexpr double kFloatTolerance = 1.0E-12;

inline int64_t R(double v) { return static_cast<int64_t>(std::round(v)); }
inline Point64 P(double x, double y) { return Point64{R(x), R(y)}; }

inline PointD UnitNormal(const Point64& a, const Point64& b) {
  double dx = static_cast<double>(b.x - a.x);
  double dy = static_cast<double>(b.y - a.y);
  if (dx == 0 && dy == 0) return PointD{0, 0};
  double f = 1.0 / std::sqrt(dx * dx + dy * dy);
  return PointD{dy * f, -dx * f};
}

inline PointD Normalize(PointD v) {
  double h = std::sqrt(v.x * v.x + v.y * v.y);
  if (std::fabs(h) < 0.001) return PointD{0, 0};
  return PointD{v.x / h, v.y / h};
}

inline bool AlmostZero(double v) { return std::fabs(v) <= kFloatTolerance; }

PointD IntersectLines(PointD a1, PointD a2, PointD b1, PointD b2) {
  if (AlmostZero(a1.x - a2.x)) {
    if (AlmostZero(b1.x - b2.x)) return PointD{0, 0};
    double m2 = (b2.y - b1.y) / (b2.x - b1.x);
    double c2 = b1.y - m2 * b1.x;
    return PointD{a1.x, m2 * a1.x + c2};
  }
  if (AlmostZero(b1.x - b2.x)) {
    double m1 = (a2.y - a1.y) / (a2.x - a1.x);
    double c1 = a1.y - m1 * a1.x;
    return PointD{b1.x, m1 * b1.x + c1};
  }
  double m1 = (a2.y - a1.y) / (a2.x - a1.x);
  double c1 = a1.y - m1 * a1.x;
  double m2 = (b2.y - b1.y) / (b2.x - b1.x);
  double c2 = b1.y - m2 * b1.x;
  if (AlmostZero(m1 - m2)) return PointD{0, 0};
  double x = (c2 - c1) / (m1 - m2);
  return PointD{x, m1 * x + c1};
}

double SignedArea(const Point64* p, size_t n) {
  if (n < 3) return 0;
  double a = 0;
  const Point64* prev = &p[n - 1];
  for (size_t i = 0; i < n; ++i) {
    a += static_cast<double>(prev->y + p[i].y) * static_cast<double>(prev->x - p[i].x);
    prev = &p[i];
  }
  return a * 0.5;
}

}  // namespace

void Clipper2Offsetter::Clear() {
  pts_.clear();
  nodes_.clear();
}

void Clipper2Offsetter::AddPath(const Point64* pts, size_t count, JoinType join, EndType end) {
  join_ = join;
  end_ = end;
  const bool closed = end == EndType::kPolygon || end == EndType::kJoined;
  size_t begin = pts_.size();
  if (count == 0) {
    nodes_.push_back(Node{begin, 0});
    return;
  }
  pts_.push_back(pts[0]);
  for (size_t i = 1; i < count; ++i)
    if (pts_.back() != pts[i]) pts_.push_back(pts[i]);
  if (closed && pts_.size() - begin > 1 && pts_.back() == pts_[begin]) pts_.pop_back();
  nodes_.push_back(Node{begin, pts_.size() - begin});
}

void Clipper2Offsetter::BuildNormals(const Point64* path, size_t n) {
  norms_.clear();
  if (n == 0) return;
  for (size_t i = 0; i + 1 < n; ++i) norms_.push_back(UnitNormal(path[i], path[i + 1]));
  norms_.push_back(UnitNormal(path[n - 1], path[0]));
}

void Clipper2Offsetter::Add(double x, double y) { path_out_.push_back(P(x, y)); }

void Clipper2Offsetter::DoBevel(const Point64* path, size_t j, size_t k) {
  const double px = static_cast<double>(path[j].x), py = static_cast<double>(path[j].y);
  if (j == k) {
    double ad = std::fabs(group_delta_);
    Add(px - ad * norms_[j].x, py - ad * norms_[j].y);
    Add(px + ad * norms_[j].x, py + ad * norms_[j].y);
  } else {
    Add(px + group_delta_ * norms_[k].x, py + group_delta_ * norms_[k].y);
    Add(px + group_delta_ * norms_[j].x, py + group_delta_ * norms_[j].y);
  }
}

void Clipper2Offsetter::DoSquare(const Point64* path, size_t j, size_t k) {
  PointD vec = j == k ? PointD{norms_[j].y, -norms_[j].x}
                      : Normalize(PointD{-norms_[k].y + norms_[j].y, norms_[k].x - norms_[j].x});
  const double ad = std::fabs(group_delta_);
  PointD q{static_cast<double>(path[j].x) + ad * vec.x, static_cast<double>(path[j].y) + ad * vec.y};
  PointD p1{q.x + group_delta_ * vec.y, q.y + group_delta_ * -vec.x};
  PointD p2{q.x + group_delta_ * -vec.y, q.y + group_delta_ * vec.x};
  PointD p3{static_cast<double>(path[k].x) + norms_[k].x * group_delta_,
            static_cast<double>(path[k].y) + norms_[k].y * group_delta_};
  if (j == k) {
    PointD p4{p3.x + vec.x * group_delta_, p3.y + vec.y * group_delta_};
    PointD pt = IntersectLines(p1, p2, p3, p4);
    Add(q.x + (q.x - pt.x), q.y + (q.y - pt.y));
    Add(pt.x, pt.y);
  } else {
    PointD p4{static_cast<double>(path[j].x) + norms_[k].x * group_delta_,
              static_cast<double>(path[j].y) + norms_[k].y * group_delta_};
    PointD pt = IntersectLines(p1, p2, p3, p4);
    Add(pt.x, pt.y);
    Add(q.x + (q.x - pt.x), q.y + (q.y - pt.y));
  }
}

void Clipper2Offsetter::DoMiter(const Point64* path, size_t j, size_t k, double cos_a) {
  const double q = group_delta_ / (cos_a + 1);
  Add(static_cast<double>(path[j].x) + (norms_[k].x + norms_[j].x) * q,
      static_cast<double>(path[j].y) + (norms_[k].y + norms_[j].y) * q);
}

void Clipper2Offsetter::DoRound(const Point64* path, size_t j, size_t k, double angle) {
  const double px = static_cast<double>(path[j].x), py = static_cast<double>(path[j].y);
  PointD v{norms_[k].x * group_delta_, norms_[k].y * group_delta_};
  if (j == k) v = PointD{-v.x, -v.y};
  Add(px + v.x, py + v.y);
  const int steps = static_cast<int>(std::ceil(steps_per_rad_ * std::fabs(angle)));
  for (int i = 1; i < steps; ++i) {
    v = PointD{v.x * step_cos_ - step_sin_ * v.y, v.x * step_sin_ + v.y * step_cos_};
    Add(px + v.x, py + v.y);
  }
  Add(px + norms_[j].x * group_delta_, py + norms_[j].y * group_delta_);
}

void Clipper2Offsetter::OffsetPoint(const Point64* path, size_t j, size_t k) {
  if (path[j] == path[k]) return;
  double sin_a = norms_[j].y * norms_[k].x - norms_[k].y * norms_[j].x;  // cross(n_j, n_k)
  const double cos_a = norms_[j].x * norms_[k].x + norms_[j].y * norms_[k].y;
  if (sin_a > 1.0) sin_a = 1.0;
  else if (sin_a < -1.0) sin_a = -1.0;
  const double px = static_cast<double>(path[j].x), py = static_cast<double>(path[j].y);
  if (std::fabs(group_delta_) < kTolerance) {
    path_out_.push_back(path[j]);
    return;
  }
  if (cos_a > -0.999 && sin_a * group_delta_ < 0) {
    // Concave: three points whose negative regions the clean-up union removes.
    Add(px + norms_[k].x * group_delta_, py + norms_[k].y * group_delta_);
    path_out_.push_back(path[j]);
    Add(px + norms_[j].x * group_delta_, py + norms_[j].y * group_delta_);
  } else if (cos_a > 0.999 && join_ != JoinType::kRound) {
    DoMiter(path, j, k, cos_a);
  } else {
    switch (join_) {
      case JoinType::kMiter:
        if (cos_a > mit_lim_sqr_ - 1) DoMiter(path, j, k, cos_a);
        else DoSquare(path, j, k);
        break;
      case JoinType::kRound:
        DoRound(path, j, k, std::atan2(sin_a, cos_a));
        break;
      case JoinType::kBevel:
        DoBevel(path, j, k);
        break;
      case JoinType::kSquare:
        DoSquare(path, j, k);
        break;
    }
  }
}

void Clipper2Offsetter::Emit() {
  if (solution_.size() <= solution_count_) solution_.emplace_back();
  solution_[solution_count_].assign(path_out_.begin(), path_out_.end());
  ++solution_count_;
}

void Clipper2Offsetter::OffsetPolygon(const Point64* path, size_t n) {
  path_out_.clear();
  size_t prev = n - 1;
  for (size_t i = 0; i < n; ++i) {
    OffsetPoint(path, i, prev);
    prev = i;
  }
  Emit();
}

void Clipper2Offsetter::OffsetOpenPath(const Point64* path, size_t n) {
  path_out_.clear();
  const size_t high = n - 1;
  auto cap = [&](size_t at) {
    if (std::fabs(group_delta_) < kTolerance) {
      path_out_.push_back(path[at]);
      return;
    }
    switch (end_) {
      case EndType::kButt:
        DoBevel(path, at, at);
        break;
      case EndType::kRound:
        DoRound(path, at, at, kPi);
        break;
      default:
        DoSquare(path, at, at);
        break;
    }
  };
  cap(0);
  for (size_t i = 1, k = 0; i < high; ++i) {
    OffsetPoint(path, i, k);
    k = i;
  }
  for (size_t i = high; i > 0; --i) norms_[i] = PointD{-norms_[i - 1].x, -norms_[i - 1].y};
  norms_[0] = norms_[high];
  cap(high);
  for (size_t i = high - 1, k = high; i > 0; --i) {
    OffsetPoint(path, i, k);
    k = i;
  }
  Emit();
}

Status Clipper2Offsetter::Execute(double delta, const Clipper2OffsetOptions& o, Paths64* out) {
  out->clear();
  if (!std::isfinite(delta)) return OutOfRange("delta must be finite");
  solution_count_ = 0;
  if (nodes_.empty()) return Status::Ok();
  if (std::fabs(delta) < 0.5) {
    // Clipper2 returns the (duplicate-stripped) input unchanged for insignificant deltas.
    for (const Node& n : nodes_) out->emplace_back(pts_.begin() + static_cast<long>(n.begin),
                                                   pts_.begin() + static_cast<long>(n.begin + n.size));
    return Status::Ok();
  }
  mit_lim_sqr_ = o.miter_limit <= 1 ? 2.0 : 2.0 / (o.miter_limit * o.miter_limit);

  // Group orientation: the path holding the lowest (max y, then min x) vertex decides.
  bool reversed = false;
  bool has_lowest = false;
  if (end_ == EndType::kPolygon) {
    Point64 bot{INT64_MAX, INT64_MIN};
    for (const Node& n : nodes_) {
      double a = 0;
      bool have_a = false;
      for (size_t i = 0; i < n.size; ++i) {
        const Point64& pt = pts_[n.begin + i];
        if (pt.y < bot.y || (pt.y == bot.y && pt.x >= bot.x)) continue;
        if (!have_a) {
          a = SignedArea(pts_.data() + n.begin, n.size);
          have_a = true;
          if (a == 0) break;
        }
        has_lowest = true;
        reversed = a < 0;
        bot = pt;
      }
    }
    if (!has_lowest) delta = std::fabs(delta);
    group_delta_ = reversed ? -delta : delta;
  } else {
    group_delta_ = std::fabs(delta);
  }
  const double abs_delta = std::fabs(group_delta_);
  if (join_ == JoinType::kRound || end_ == EndType::kRound) {
    const double arc_tol = o.arc_tolerance > 0.01 ? o.arc_tolerance : abs_delta * kArcConst;
    const double steps360 = kPi / std::acos(1 - std::min(arc_tol, abs_delta) / abs_delta);
    if (!(steps360 / 2 * static_cast<double>(pts_.size() + 1) <= 5e7))
      return OutOfRange("offset would emit too many vertices; use a larger arcTolerance");
    step_sin_ = std::sin(2 * kPi / steps360);
    step_cos_ = std::cos(2 * kPi / steps360);
    if (group_delta_ < 0.0) step_sin_ = -step_sin_;
    steps_per_rad_ = steps360 / (2 * kPi);
  }

  for (const Node& node : nodes_) {
    const Point64* path = pts_.data() + node.begin;
    const size_t cnt = node.size;
    path_out_.clear();
    if (cnt == 0) continue;
    if (cnt == 1) {
      const Point64 pt = path[0];
      if (end_ == EndType::kRound) {
        const int steps = static_cast<int>(std::ceil(steps_per_rad_ * 2 * kPi));
        const double r = std::fabs(group_delta_);
        for (int i = 0; i < steps; ++i) {
          double a = 2 * kPi * i / steps;
          Add(static_cast<double>(pt.x) + r * std::cos(a), static_cast<double>(pt.y) + r * std::sin(a));
        }
      } else {
        const int64_t d = static_cast<int64_t>(std::ceil(std::fabs(group_delta_)));
        path_out_ = {{pt.x - d, pt.y - d}, {pt.x + d, pt.y - d}, {pt.x + d, pt.y + d}, {pt.x - d, pt.y + d}};
      }
      Emit();
      continue;
    }
    EndType end = end_;
    if (cnt == 2 && end_ == EndType::kJoined) end = join_ == JoinType::kRound ? EndType::kRound : EndType::kSquare;
    BuildNormals(path, cnt);
    if (end == EndType::kPolygon) {
      OffsetPolygon(path, cnt);
    } else if (end == EndType::kJoined) {
      OffsetPolygon(path, cnt);
      reversed_.assign(path, path + cnt);
      std::reverse(reversed_.begin(), reversed_.end());
      BuildNormals(reversed_.data(), cnt);
      OffsetPolygon(reversed_.data(), cnt);
    } else {
      EndType saved = end_;
      end_ = end;
      OffsetOpenPath(path, cnt);
      end_ = saved;
    }
  }

  ClipperEngineOptions eo;
  eo.preserve_collinear = o.preserve_collinear;
  eo.reverse_solution = o.reverse_solution != reversed;
  engine_.Clear();
  engine_.SetOptions(eo);
  for (size_t i = 0; i < solution_count_; ++i) OPK_RETURN_IF_ERROR(engine_.AddPath(solution_[i], PathRole::kSubject));
  const FillRule fill = reversed ? FillRule::kNegative : FillRule::kPositive;
  if (!engine_.Execute(ClipOp::kUnion, fill, fill, out)) return Internal("offset clean-up union failed");
  return Status::Ok();
}

}  // namespace opk::geom
