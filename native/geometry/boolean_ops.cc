// Boolean operations over flat rings. See boolean_ops.h.
#include "geometry/boolean_ops.h"

#include <cmath>
#include <string>

namespace opk::geom {
namespace {

Status AddRings(ClipperEngine& engine, const BatchView& in, PathRole role, double scale, Path64& tmp) {
  const size_t rings = in.ring_offset_count ? in.ring_offset_count - 1 : 0;
  for (size_t r = 0; r < rings; ++r) {
    tmp.clear();
    for (uint32_t i = in.ring_offsets[r]; i < in.ring_offsets[r + 1]; ++i) {
      tmp.push_back(Point64{static_cast<int64_t>(std::nearbyint(in.coords[2 * i] * scale)),
                            static_cast<int64_t>(std::nearbyint(in.coords[2 * i + 1] * scale))});
    }
    OPK_RETURN_IF_ERROR(engine.AddPath(tmp, role));
  }
  return Status::Ok();
}

}  // namespace

Status BooleanOp(const BatchView& subject, const BatchView& clip, const BooleanSpec& spec, BatchOut* out) {
  out->Clear();
  BatchView s = subject, c = clip;
  s.polygon_rings = nullptr;
  c.polygon_rings = nullptr;
  OPK_RETURN_IF_ERROR(ValidateBatch(s, spec.scale, 3));
  OPK_RETURN_IF_ERROR(ValidateBatch(c, spec.scale, 3));
  thread_local ClipperEngine engine;
  thread_local Path64 tmp;
  thread_local Paths64 result;
  engine.Clear();
  ClipperEngineOptions eo;
  eo.preserve_collinear = spec.preserve_collinear;
  eo.reverse_solution = spec.reverse_solution;
  eo.clipper2_intersections = spec.clipper2_intersections;
  engine.SetOptions(eo);
  OPK_RETURN_IF_ERROR(AddRings(engine, s, PathRole::kSubject, spec.scale, tmp));
  OPK_RETURN_IF_ERROR(AddRings(engine, c, PathRole::kClip, spec.scale, tmp));
  if (!engine.Execute(spec.op, spec.fill, spec.fill, &result)) return Internal("clipping sweep failed");
  size_t points = 0;
  for (const Path64& path : result) points += path.size();
  if (points > spec.max_output_points) {
    return OutOfRange("the result would hold " + std::to_string(points) + " points, more than maxOutputPoints = " +
                      std::to_string(spec.max_output_points));
  }
  out->coords.reserve(2 * points);
  for (const Path64& path : result) {
    for (const Point64& q : path) {
      out->coords.push_back(static_cast<double>(q.x) / spec.scale);
      out->coords.push_back(static_cast<double>(q.y) / spec.scale);
    }
    out->ring_offsets.push_back(static_cast<uint32_t>(out->coords.size() / 2));
  }
  out->polygon_rings.push_back(static_cast<uint32_t>(out->ring_offsets.size() - 1));
  return Status::Ok();
}

}  // namespace opk::geom
