// Clipper 6.4.2's ClipperOffset (as bundled by pyclipper 1.2), re-implemented: same raw offset
// vertices (normals, joins, arc steps, rounding) and the same clean-up union, so the output is the
// same integer paths in the same order. Reusable: keeps its buffers between calls; one per thread.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <vector>

#include "common/status.h"
#include "geometry/clipper_engine.h"
#include "geometry/types.h"

namespace opk::geom {

struct Offset642Options {
  double miter_limit = 2.0;
  double arc_tolerance = 0.25;
  // clipper-lib (the JS port) uses pi = 3.14159265358979 and does not cap the arc step count;
  // C++ 6.4.2 does. Tests use this to explain each difference from that oracle.
  bool js_compat = false;
  // Not in ClipperOffset 6.4.2 (its clean-up Clipper uses the defaults); exposed for the API.
  bool preserve_collinear = false;
  bool reverse_solution = false;
  // Shortcuts before the general sweep: Grow's convex check when growing one closed polygon,
  // FastOffsetCleanup (fast_cleanup.h) when shrinking; and in the sweep of a shrink, the emulated
  // frame (ClipperEngine::ExecuteShrinkFrame) instead of the real one. Output is identical either
  // way; tests turn it off to compare.
  bool fast_path = true;
};

// Round joins add about |delta|^0.5 vertices per radian; a call that would emit more than this
// many in total fails with kOutOfRange instead of exhausting memory.
constexpr double kMaxOffsetVertices = 5e7;

class ClipperOffset642 {
 public:
  void Clear();
  // Returns kInvalidArgument for JoinType::kBevel (not in Clipper 6.4.2).
  Status AddPath(const Point64* pts, size_t count, JoinType join, EndType end);
  // AddPath of flat float pairs (x0, y0, x1, y1, ...), each times `scale` truncated toward zero
  // (pyclipper's int() conversion); the same as converting first and calling AddPath.
  Status AddPathTruncated(const double* xy, size_t count, double scale, JoinType join, EndType end);
  Status Execute(double delta, const Offset642Options& options, Paths64* out);

  // The raw offset polygons of the last Execute (before the clean-up union); for tests.
  Paths64 raw() const;

 private:
  struct Node {
    size_t begin;
    size_t size;
    JoinType join;
    EndType end;
  };
  void FixOrientations();
  void DoOffset(double delta, const Offset642Options& o);
  void OffsetPoint(size_t j, size_t& k, JoinType join);
  void DoSquare(size_t j, size_t k);
  void DoMiter(size_t j, size_t k, double r);
  void DoRound(size_t j, size_t k);
  void Push(double x, double y);
  void PrepareArcs();
  template <typename GetPoint>
  Status AddPathImpl(size_t count, JoinType join, EndType end, GetPoint get);
  // One closed polygon grown (see offset642.cc Grow).
  enum class GrowResult { kDone, kRaw, kSkip };
  GrowResult Grow(double delta, const Offset642Options& o, Paths64* out);
  // The raw ring of one shrunk convex quadrilateral (see offset642.cc ShrinkQuadRaw).
  bool ShrinkQuadRaw(double delta);
  // Execute's general clean-up: the sweep over dest_polys_ (see offset642.cc).
  __attribute__((noinline)) Status SweepCleanup(double delta, const Offset642Options& options, Paths64* out);

  // The added paths' vertices: a plain growable array (AddPath writes in place; its storage is
  // only initialised when it grows).
  struct PointBuf {
    std::unique_ptr<Point64[]> buf;
    size_t n = 0, cap = 0;
    Point64* data() { return buf.get(); }
    const Point64* data() const { return buf.get(); }
    size_t size() const { return n; }
    void clear() { n = 0; }
    void reserve(size_t need) {
      if (need <= cap) return;
      const size_t c = std::max(need, 2 * cap);
      std::unique_ptr<Point64[]> b(new Point64[c]);
      std::copy(buf.get(), buf.get() + n, b.get());
      buf = std::move(b);
      cap = c;
    }
  };
  PointBuf pts_;
  std::vector<Node> nodes_;
  long lowest_node_ = -1;
  size_t lowest_pt_ = 0;

  // per-offset state
  const Point64* src_ = nullptr;
  std::vector<PointD> normals_;
  Path64 dest_;
  Paths64 dest_polys_;
  size_t dest_count_ = 0;
  double delta_ = 0, sin_a_ = 0, sin_ = 0, cos_ = 0, miter_lim_ = 0, steps_per_rad_ = 0;
  double arc_y_ = 0, arc_steps_ = 0;
  bool arc_js_ = false, arc_ready_ = false;
  // Grow's raw ring (grown only, never shrunk: no per-call value-initialisation).
  std::vector<Point64> raw_buf_;
  std::vector<Point64> kept_buf_;  // Grow's result vertices before rotation
  size_t raw_n_ = 0;
  // dest_polys_[0] is Grow's raw ring, every |coordinate| below 2^30 (kGrowMaxCoord).
  bool raw_small_ = false;
  // With raw_small_ after a shrink: every |coordinate| of Grow's raw ring is below this.
  double raw_bound_ = 0;
  bool raw_in_buf_ = false;  // the last Execute's raw ring is raw_buf_[0, raw_n_), not dest_polys_
  ClipperEngine engine_;
};

}  // namespace opk::geom
