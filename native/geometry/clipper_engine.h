// A Vatti-style polygon clipping sweep over int64 coordinates (closed paths only), written to give
// the same output as Clipper 6.4.2's `Clipper::Execute` — same vertices, same starting vertex,
// same path order and orientation — for union / intersection / difference / xor under the
// even-odd / non-zero / positive / negative fill rules.
//
// The engine is reusable: Clear() keeps every allocated buffer, so one engine per thread can
// serve millions of small calls without heap churn. Not thread-safe; use one per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/status.h"
#include "geometry/types.h"

namespace opk::geom {

enum class ClipOp { kIntersection, kUnion, kDifference, kXor };
enum class PathRole { kSubject, kClip };

// Largest coordinate magnitude Clipper 6.4.2 accepts (its `hiRange`).
constexpr int64_t kClipperHiRange = 0x3FFFFFFFFFFFFFFFLL;

struct ClipperEngineOptions {
  // Keep collinear vertices that lie between their neighbours (Clipper's PreserveCollinear).
  bool preserve_collinear = false;
  // Output holes counter-clockwise / outers clockwise instead of the default (ReverseSolution).
  bool reverse_solution = false;
  // Reproduce two places where the JavaScript port `clipper-lib` differs from C++ 6.4.2:
  // local minima at equal Y are visited newest-first, and IntersectPoint's top clamp. Used by
  // the differential tests to explain each difference from that oracle; never in production.
  bool js_compat = false;
  // Clipper2 numerics: edge crossings computed as Clipper2 does (segment intersection truncated
  // to integers, then clamped into the scanbeam) instead of Clipper 6.4.2's slope/intercept form,
  // and 3-vertex slivers (two vertices < 2 units apart) dropped. Used by the boolean-operation
  // API so results match Clipper2's vertices; never by the pyclipper offset.
  bool clipper2_intersections = false;
};

namespace detail {
struct Edge;
struct OutPt;
struct OutRec;
struct EngineState;
}  // namespace detail

class ClipperEngine {
 public:
  ClipperEngine();
  ~ClipperEngine();
  ClipperEngine(const ClipperEngine&) = delete;
  ClipperEngine& operator=(const ClipperEngine&) = delete;

  // Drops all paths (keeps memory for reuse).
  void Clear();
  void SetOptions(const ClipperEngineOptions& options);

  // Adds a closed path. Returns false (and adds nothing) for a degenerate path: fewer than three
  // distinct vertices after Clipper's duplicate/collinear removal, or all vertices on one
  // horizontal line. Fails with kCoordinateOverflow when a coordinate exceeds kClipperHiRange.
  Status AddPath(const Point64* pts, size_t count, PathRole role, bool* added = nullptr);
  Status AddPath(const Path64& path, PathRole role, bool* added = nullptr) {
    return AddPath(path.data(), path.size(), role, added);
  }

  // Largest |coordinate| of the paths for which the sweep takes its int64 forms.
  static constexpr int64_t kSmallCoordinate = (int64_t{1} << 30) - 1;
  // AddPath for a closed path whose every |coordinate| the caller knows to be at most
  // kSmallCoordinate (no range pass over it). Returns whether it was added (false: degenerate).
  bool AddSmallPath(const Point64* pts, size_t count, PathRole role);

  // Runs the sweep. `out` is replaced by the result (the buffers of the paths it held are reused;
  // it is empty when the sweep fails). Returns false when the sweep fails (Clipper's
  // "intersection order" failure, which needs coordinates near the int64 limit).
  bool Execute(ClipOp op, FillRule subject_fill, FillRule clip_fill, Paths64* out);

  // The clean-up of Clipper 6.4.2's ClipperOffset::Execute when shrinking (delta < 0): the
  // rectangle (left - 10, bottom + 10), (right + 10, bottom + 10), (right + 10, top - 10),
  // (left - 10, top - 10) added as a subject path after the paths added so far, a union with the
  // negative fill rule and reverse_solution (whatever SetOptions said), and the first result path
  // (that frame) erased. [left, right] x [top, bottom] must contain every vertex of the added paths
  // (ClipperOffset frames their bounds). With `emulate`, when the paths are all subjects within
  // 2^30 and neither js_compat nor clipper2_intersections is set, the frame's edges stay out of
  // the sweep and its effects on the other paths' output are reproduced exactly (see "A virtual
  // frame for shrinking" in docs/geometry.md); otherwise, or without `emulate`, the real frame is
  // added. Fails with kCoordinateOverflow when a frame coordinate exceeds kClipperHiRange (out
  // is then empty); a failed sweep gives an empty `out` and Ok, as ClipperOffset does.
  Status ExecuteShrinkFrame(int64_t left, int64_t top, int64_t right, int64_t bottom, bool emulate, Paths64* out);
  // Whether the last ExecuteShrinkFrame emulated the frame (for tests).
  bool last_frame_emulated() const;

 private:
  std::unique_ptr<detail::EngineState> s_;
};

}  // namespace opk::geom
