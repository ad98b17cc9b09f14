// DBNet training targets (shrink map/mask, threshold map/mask), Node-free.
//
// Two modes:
//  * kReference reproduces MhLiao/DB's MakeSegDetectionData + MakeBorderMap (training mode)
//    bit for bit on the binary maps, quirks included (see shared SEMANTICS.md and
//    docs/targets.md);
//  * kExact keeps the same validation (clamping, area test, strict min size, ignore tags) but
//    computes the geometry exactly: true point-to-segment distance, no NaN holes, every shrink
//    piece, and masks and maps derived from the same distance field of the float polygon.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "common/status.h"

namespace opk::targets {

enum class DbMode { kExact, kReference };

struct DbParams {
  int64_t width = 0;
  int64_t height = 0;
  double shrink_ratio = 0.4;
  double min_text_size = 8;
  double thresh_min = 0.3;
  double thresh_max = 0.7;
  DbMode mode = DbMode::kExact;
};

// Polygons as flat interleaved (x, y) float64 coordinates; polygon i uses points
// offsets[i] .. offsets[i+1]-1 (offsets has count + 1 entries, offsets[0] == 0).
struct PolygonSet {
  const double* xy = nullptr;
  const uint32_t* offsets = nullptr;
  size_t count = 0;
  const uint8_t* ignore = nullptr;  // count flags (non-zero = ignore), or null for none
};

// Four row-major height x width float32 maps, fully overwritten, plus count final ignore tags.
struct DbOutput {
  float* shrink_map = nullptr;
  float* shrink_mask = nullptr;
  float* thresh_map = nullptr;
  float* thresh_mask = nullptr;
  uint8_t* ignore_out = nullptr;
};

// Limits checked by ValidateDbInput.
constexpr int64_t kMaxSide = 1 << 16;
constexpr int64_t kMaxPixels = int64_t{1} << 28;
constexpr size_t kMaxPointsPerPolygon = 1 << 20;

// Checks sizes, parameters and coordinates (finite, >= 3 points per polygon). Cheap; called by
// MakeDbTargets too, and by the glue on the main thread so errors are raised synchronously.
Status ValidateDbInput(const DbParams& params, const PolygonSet& polygons, size_t total_points);

// Opaque per-thread scratch memory (reuse one per worker to avoid allocation).
class DbScratch;
struct DbScratchDeleter {
  void operator()(DbScratch* s) const;
};
std::unique_ptr<DbScratch, DbScratchDeleter> NewDbScratch();
// Frees scratch buffers larger than max_bytes (long-lived per-thread scratch after a huge image).
void TrimDbScratch(DbScratch* scratch, size_t max_bytes);

Status MakeDbTargets(const DbParams& params, const PolygonSet& polygons, size_t total_points, const DbOutput& out,
                     DbScratch* scratch);

}  // namespace opk::targets
