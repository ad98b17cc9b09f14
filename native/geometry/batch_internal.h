// Pieces of the batch offset shared by the plain loop (batch.cc) and the cached one
// (batch_cached.cc). Not part of the geometry API.
#pragma once

#include <cstddef>
#include <string>

#include "geometry/batch.h"
#include "geometry/clipper2_offset.h"
#include "geometry/offset642.h"

namespace opk::geom {

struct Workspace;  // per-thread buffers (batch.cc)

// Per-call state of one batch: the spec's engine options, built once, and this thread's buffers.
struct OffsetContext {
  explicit OffsetContext(const OffsetSpec& spec);
  const OffsetSpec& spec;
  Workspace* ws;
  Offset642Options o642;
  Clipper2OffsetOptions o2;
};

// Offsets polygon p of `in` (already validated) by value v (a delta or ratio, finite) and appends
// its rings to `out`, closing its polygon_rings entry. Errors name the polygon; so does the output
// limit (OutputLimitError) when these rings take `out` past spec.max_output_points.
Status OffsetOne(OffsetContext& ctx, const BatchView& in, size_t p, double v, BatchOut* out);

// Whether `out` holds more points than spec.max_output_points allows.
inline bool OverOutputLimit(const BatchOut& out, const OffsetSpec& spec) {
  return out.coords.size() / 2 > spec.max_output_points;
}
// The error for polygon p, the first whose rings take the batch result past the limit.
Status OutputLimitError(size_t p, const OffsetSpec& spec);

// OffsetBatch after its checks: `in` validated (ValidateBatch), value_count 1 or the polygon count.
// Clears `out` first.
Status OffsetValidBatch(const BatchView& in, const double* values, size_t value_count, const OffsetSpec& spec,
                        BatchOut* out, cache::Cache* cache);

// OffsetBatch with a cache (batch_cached.cc); `in` is already validated, `out` cleared.
Status OffsetBatchCached(const BatchView& in, const double* values, size_t value_count, const OffsetSpec& spec,
                         BatchOut* out, cache::Cache* cache);

Status PolygonError(StatusCode code, size_t polygon, const std::string& what);

}  // namespace opk::geom
