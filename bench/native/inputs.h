// Polygon sets for the native micro-benchmarks, read from the binary files that
// bench/native/export-inputs.js writes (the same inputs as the JS benchmarks).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "geometry/batch.h"

namespace opk::bench {

struct PolygonFile {
  std::vector<uint32_t> offsets;  // n + 1 point indices
  std::vector<uint8_t> ignore;    // n flags, or empty
  std::vector<double> xy;         // interleaved x, y
  size_t count() const { return offsets.empty() ? 0 : offsets.size() - 1; }
};

// The folder holding the files: $OPK_BENCH_INPUTS (scripts/bench-native.js sets it).
std::string InputFolder();

// Reads `<InputFolder()>/<name>`; throws std::runtime_error naming the file when it is missing or
// malformed (the benchmark then reports the error instead of running).
const PolygonFile& LoadPolygons(const std::string& name);

// The file's polygons as a batch-offset input (one ring per polygon).
inline geom::BatchView BatchViewOf(const PolygonFile& f) {
  geom::BatchView in;
  in.coords = f.xy.data();
  in.coord_count = f.xy.size();
  in.ring_offsets = f.offsets.data();
  in.ring_offset_count = f.offsets.size();
  return in;
}

}  // namespace opk::bench
