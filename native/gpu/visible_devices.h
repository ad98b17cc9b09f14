// CUDA_VISIBLE_DEVICES: which physical GPUs a CUDA program sees, and in which order.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace opk::gpu {

// One entry: an NVML index ("0") or a UUID or UUID prefix ("GPU-8a3f..." / "MIG-...").
struct VisibleEntry {
  bool is_index = false;
  unsigned int index = 0;
  std::string uuid;
};

// Parses the variable's value as CUDA does: comma-separated, whitespace ignored, parsing stops
// at the first invalid entry (later entries are not visible). An unset variable is nullopt
// (every device visible); an empty value means no device is visible.
std::optional<std::vector<VisibleEntry>> ParseVisibleDevices(const char* value);

}  // namespace opk::gpu
