// OffsetBatch split over the shared worker pool (common/thread_pool.h): the polygons are cut
// into chunks of consecutive polygons, each chunk offset by OffsetBatch on a pool thread, and the
// chunks' outputs concatenated in order. The result is the one OffsetBatch gives for the whole
// batch, element for element; so is the error (a failing batch is re-run by OffsetBatch on the
// calling thread, so that the error names the same polygon index with the same message).
#pragma once

#include <cstddef>

#include "geometry/batch.h"

namespace opk::geom {

// Polygons per chunk at the least: smaller batches run on the calling thread alone.
constexpr size_t kMinParallelChunk = 256;

// `max_threads`: most threads to use, the calling thread included (0 = the whole pool).
Status OffsetBatchParallel(const BatchView& in, const double* values, size_t value_count, const OffsetSpec& spec,
                           BatchOut* out, cache::Cache* cache, size_t max_threads);

}  // namespace opk::geom
