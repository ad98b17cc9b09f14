// Batch offsetting (issue #3) against the C++ Clipper 6.4.2 that pyclipper 1.2 bundles (Debian's
// libpolyclipping-dev, when installed), side by side, on the JS benchmark's polygon sets:
// pyclipper-mode DB shrink (r = 0.4) and unclip (r = 1.5). Items = polygons.
//
// The Clipper peer does what pyclipper code does per polygon (coordinates truncated to integers,
// D from the float polygon, JT_ROUND / ET_CLOSEDPOLYGON, arc tolerance 0.25), reusing one
// ClipperOffset (its best case: pyclipper code builds a new one per polygon). Before timing,
// both outputs are compared polygon by polygon; `mismatches` counts polygons whose vertex lists
// differ (it is 0 when the engines agree, as the differential tests require).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "geometry/batch.h"
#include "inputs.h"

#ifdef OPK_BENCH_CLIPPER642
#include <polyclipping/clipper.hpp>
#endif

namespace {

using opk::bench::LoadPolygons;
using opk::bench::PolygonFile;

enum class Op { kShrink, kUnclip };

constexpr double kShrinkRatio = 0.4;
constexpr double kUnclipRatio = 1.5;

void Ours(const PolygonFile& f, Op op, opk::geom::BatchOut* out) {
  const opk::geom::BatchView in = opk::bench::BatchViewOf(f);
  opk::geom::OffsetSpec spec;  // pyclipper mode, round joins, closed polygons
  spec.kind = op == Op::kShrink ? opk::geom::DeltaKind::kShrinkRatio : opk::geom::DeltaKind::kUnclipRatio;
  const double ratio = op == Op::kShrink ? kShrinkRatio : kUnclipRatio;
  const opk::Status st = opk::geom::OffsetBatch(in, &ratio, 1, spec, out);
  if (!st.ok()) throw std::runtime_error(st.message());
}

// Times OffsetBatch over the whole of `f` per iteration; items = polygons.
void TimeBatch(benchmark::State& state, const PolygonFile& f, Op op) {
  opk::geom::BatchOut out;
  Ours(f, op, &out);  // warm the reused buffers
  for (auto _ : state) {
    Ours(f, op, &out);
    benchmark::DoNotOptimize(out.coords.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.count()));
}

void BM_OffsetBatch(benchmark::State& state, std::string file, Op op) {
  try {
    TimeBatch(state, LoadPolygons(file), op);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

// Diagnostic: the same set with every polygon repeated `copies` times in a row. The instruction
// mix per polygon is the set's own, but from its second copy on a polygon takes the same branch
// decisions as the copy just before it, which the branch predictor has learnt. The time per
// polygon against BM_OffsetBatch's is what the set's unpredictable branches cost
// (docs/geometry.md, "Session 15").
PolygonFile Repeated(const PolygonFile& f, size_t copies) {
  PolygonFile r;
  r.offsets.push_back(0);
  for (size_t i = 0; i < f.count(); ++i) {
    for (size_t c = 0; c < copies; ++c) {
      r.xy.insert(r.xy.end(), f.xy.begin() + 2 * f.offsets[i], f.xy.begin() + 2 * f.offsets[i + 1]);
      r.offsets.push_back(static_cast<uint32_t>(r.xy.size() / 2));
    }
  }
  return r;
}

void BM_OffsetBatchRepeated(benchmark::State& state, std::string file, Op op, size_t copies) {
  try {
    TimeBatch(state, Repeated(LoadPolygons(file), copies), op);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

#ifdef OPK_BENCH_CLIPPER642
double Delta(const PolygonFile& f, size_t i, Op op) {
  const double* xy = f.xy.data() + 2 * f.offsets[i];
  const size_t n = f.offsets[i + 1] - f.offsets[i];
  const double a = opk::geom::RingAreaGeos(xy, n);
  const double l = opk::geom::RingPerimeter(xy, n);
  return op == Op::kShrink ? -(a * (1 - kShrinkRatio * kShrinkRatio) / l) : a * kUnclipRatio / l;
}

// One polygon through Clipper 6.4.2 the way pyclipper code does it.
void Clipper642(const PolygonFile& f, size_t i, double delta, ClipperLib::ClipperOffset* co, ClipperLib::Path* path,
                ClipperLib::Paths* sol) {
  path->clear();
  for (uint32_t k = f.offsets[i]; k < f.offsets[i + 1]; ++k) {
    path->emplace_back(static_cast<ClipperLib::cInt>(f.xy[2 * k]), static_cast<ClipperLib::cInt>(f.xy[2 * k + 1]));
  }
  co->Clear();
  co->AddPath(*path, ClipperLib::jtRound, ClipperLib::etClosedPolygon);
  co->Execute(*sol, delta);
}

// Polygons whose output differs between the two engines (paths, vertices, order).
size_t Mismatches(const PolygonFile& f, Op op, const std::vector<double>& deltas) {
  opk::geom::BatchOut out;
  Ours(f, op, &out);
  ClipperLib::ClipperOffset co(2.0, 0.25);
  ClipperLib::Path path;
  ClipperLib::Paths sol;
  size_t bad = 0;
  for (size_t i = 0; i < f.count(); ++i) {
    Clipper642(f, i, deltas[i], &co, &path, &sol);
    const uint32_t r0 = out.polygon_rings[i], r1 = out.polygon_rings[i + 1];
    bool same = sol.size() == r1 - r0;
    for (size_t r = 0; same && r < sol.size(); ++r) {
      const uint32_t p0 = out.ring_offsets[r0 + r], p1 = out.ring_offsets[r0 + r + 1];
      same = sol[r].size() == p1 - p0;
      for (size_t k = 0; same && k < sol[r].size(); ++k) {
        same = static_cast<double>(sol[r][k].X) == out.coords[2 * (p0 + k)] &&
               static_cast<double>(sol[r][k].Y) == out.coords[2 * (p0 + k) + 1];
      }
    }
    bad += same ? 0 : 1;
  }
  return bad;
}

void BM_Clipper642(benchmark::State& state, std::string file, Op op) {
  try {
    const PolygonFile& f = LoadPolygons(file);
    std::vector<double> deltas(f.count());
    for (size_t i = 0; i < f.count(); ++i) deltas[i] = Delta(f, i, op);
    const size_t bad = Mismatches(f, op, deltas);
    ClipperLib::ClipperOffset co(2.0, 0.25);
    ClipperLib::Path path;
    ClipperLib::Paths sol;
    for (auto _ : state) {
      for (size_t i = 0; i < f.count(); ++i) {
        // D is computed inside the timed loop for both engines (ours computes it per polygon too).
        Clipper642(f, i, Delta(f, i, op), &co, &path, &sol);
        benchmark::DoNotOptimize(sol.data());
      }
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.count()));
    state.counters["mismatches"] = static_cast<double>(bad);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}
#endif

}  // namespace

BENCHMARK_CAPTURE(BM_OffsetBatch, sroie_shrink, std::string("sroie.bin"), Op::kShrink);
BENCHMARK_CAPTURE(BM_OffsetBatch, sroie_unclip, std::string("sroie.bin"), Op::kUnclip);
BENCHMARK_CAPTURE(BM_OffsetBatch, rotated_shrink, std::string("rotated.bin"), Op::kShrink);
BENCHMARK_CAPTURE(BM_OffsetBatch, rotated_unclip, std::string("rotated.bin"), Op::kUnclip);
BENCHMARK_CAPTURE(BM_OffsetBatch, curved_shrink, std::string("curved.bin"), Op::kShrink);
BENCHMARK_CAPTURE(BM_OffsetBatch, curved_unclip, std::string("curved.bin"), Op::kUnclip);
BENCHMARK_CAPTURE(BM_OffsetBatchRepeated, curved_shrink_x16, std::string("curved.bin"), Op::kShrink, 16);
BENCHMARK_CAPTURE(BM_OffsetBatchRepeated, curved_unclip_x16, std::string("curved.bin"), Op::kUnclip, 16);
#ifdef OPK_BENCH_CLIPPER642
BENCHMARK_CAPTURE(BM_Clipper642, sroie_shrink, std::string("sroie.bin"), Op::kShrink);
BENCHMARK_CAPTURE(BM_Clipper642, sroie_unclip, std::string("sroie.bin"), Op::kUnclip);
BENCHMARK_CAPTURE(BM_Clipper642, rotated_shrink, std::string("rotated.bin"), Op::kShrink);
BENCHMARK_CAPTURE(BM_Clipper642, rotated_unclip, std::string("rotated.bin"), Op::kUnclip);
BENCHMARK_CAPTURE(BM_Clipper642, curved_shrink, std::string("curved.bin"), Op::kShrink);
BENCHMARK_CAPTURE(BM_Clipper642, curved_unclip, std::string("curved.bin"), Op::kUnclip);
#endif
