// Clipper2 offset semantics. See clipper2_offset.h.
#include "geometry/clipper2_offset.h"

namespace opk::geom {

void Clipper2Offsetter::Clear() {
  pts_.clear();
  nodes_.clear();
}

void Clipper2Offsetter::AddPath(const Point64* pts, size_t count, JoinType join, EndType end) {
  join_ = join;
  end_ = end;
  nodes_.push_back(Node{pts_.size(), count});
  pts_.insert(pts_.end(), pts, pts + count);
}

Status Clipper2Offsetter::Execute(double, const Clipper2OffsetOptions&, Paths64* out) {
  out->clear();
  return Internal("clipper2 mode is not implemented yet");
}

}  // namespace opk::geom
