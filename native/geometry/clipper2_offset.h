// Offsetting with Clipper2's ClipperOffset / InflatePaths semantics: arc tolerance defaulting to
// |delta|/500, the group's orientation kept (when the lowest path has negative area the whole
// group is treated as reversed: delta negated, negative-fill clean-up, output in the input's
// orientation), concave joins as three points, near-straight joins mitred, miter / square / bevel
// / round joins and butt / square / round caps as Clipper2 builds them. The clean-up union runs
// on the Clipper 6.4.2-compatible sweep, so vertex order and start may differ from Clipper2's.
#pragma once

#include <cstddef>
#include <vector>

#include "common/status.h"
#include "geometry/clipper_engine.h"
#include "geometry/types.h"

namespace opk::geom {

struct Clipper2OffsetOptions {
  double miter_limit = 2.0;
  double arc_tolerance = 0.0;  // 0: Clipper2's default, relative to |delta|
  bool preserve_collinear = false;
  bool reverse_solution = false;
};

class Clipper2Offsetter {
 public:
  void Clear();
  // All paths of one offset share `join` and `end` (one Clipper2 group).
  void AddPath(const Point64* pts, size_t count, JoinType join, EndType end);
  Status Execute(double delta, const Clipper2OffsetOptions& options, Paths64* out);

 private:
  struct Node {
    size_t begin;
    size_t size;
  };
  void OffsetPolygon(const Point64* path, size_t n);
  void OffsetOpenPath(const Point64* path, size_t n);
  void OffsetPoint(const Point64* path, size_t j, size_t k);
  void BuildNormals(const Point64* path, size_t n);
  void Emit();
  void DoBevel(const Point64* path, size_t j, size_t k);
  void DoSquare(const Point64* path, size_t j, size_t k);
  void DoMiter(const Point64* path, size_t j, size_t k, double cos_a);
  void DoRound(const Point64* path, size_t j, size_t k, double angle);
  void Add(double x, double y);

  std::vector<Point64> pts_;
  std::vector<Node> nodes_;
  JoinType join_ = JoinType::kRound;
  EndType end_ = EndType::kPolygon;
  std::vector<PointD> norms_;
  Path64 path_out_;
  Paths64 solution_;
  size_t solution_count_ = 0;
  std::vector<Point64> reversed_;
  double group_delta_ = 0, mit_lim_sqr_ = 0, steps_per_rad_ = 0, step_sin_ = 0, step_cos_ = 0;
  ClipperEngine engine_;
};

}  // namespace opk::geom
