// PyclipperOffset: the contract in pyclipper_offset.h, over ClipperOffset642.
#include "geometry/pyclipper_offset.h"

#include <cmath>

#include "geometry/offset642.h"

namespace opk::geom {

Status PyclipperOffset(const Path64& path, double delta, JoinType join, EndType end, double miter_limit,
                       double arc_tolerance, Paths64* out) {
  if (out == nullptr) return InvalidArgument("out must not be null");
  out->clear();
  if (!std::isfinite(delta)) return OutOfRange("delta must be finite");
  // One offsetter per thread keeps its buffers between calls (no per-call heap churn).
  thread_local ClipperOffset642 offsetter;
  offsetter.Clear();
  OPK_RETURN_IF_ERROR(offsetter.AddPath(path.data(), path.size(), join, end));
  Offset642Options opt;
  opt.miter_limit = miter_limit;
  opt.arc_tolerance = arc_tolerance;
  return offsetter.Execute(delta, opt, out);
}

}  // namespace opk::geom
