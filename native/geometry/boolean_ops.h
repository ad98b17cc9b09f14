// Boolean operations on float polygons: coordinates are scaled, rounded to int64 (Clipper2's
// PathsD convention), clipped with the Clipper 6.4.2-compatible sweep and scaled back.
#pragma once

#include <cstdint>

#include "common/status.h"
#include "geometry/batch.h"
#include "geometry/clipper_engine.h"

namespace opk::geom {

struct BooleanSpec {
  ClipOp op = ClipOp::kUnion;
  FillRule fill = FillRule::kNonZero;
  double scale = 100.0;  // 10^precision
  bool preserve_collinear = false;
  bool reverse_solution = false;
  bool clipper2_intersections = true;  // see ClipperEngineOptions
  // Most points the result may hold (all rings together): more ends the call with
  // ERR_OUT_OF_RANGE and an empty `out`. The default is the most the uint32 ring offsets index.
  uint32_t max_output_points = UINT32_MAX;
};

// `subject` and `clip` are ring lists (their polygon grouping is ignored). Output: one polygon
// holding every result ring (outer rings and holes, Clipper orientation).
Status BooleanOp(const BatchView& subject, const BatchView& clip, const BooleanSpec& spec, BatchOut* out);

}  // namespace opk::geom
