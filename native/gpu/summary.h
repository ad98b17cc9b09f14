// Mean/min/max/p95 per column over a set of rows; NaN cells are skipped.
#pragma once

#include <cstddef>
#include <vector>

namespace opk::gpu {

constexpr int kSummaryStats = 5;  // mean, min, max, p95, count

// rows: n rows of `width` doubles, row-major. Writes width * kSummaryStats values into out
// (stats are NaN and count 0 for a column without values). p95 uses linear interpolation
// between closest ranks (numpy's default).
void SummarizeRows(const double* rows, size_t n, size_t width, std::vector<double>* out);

}  // namespace opk::gpu
