// One-shot NVML probe for `ocr-perfkit doctor`: load, init, list devices, shut down.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "gpu/nvml_source.h"

namespace opk::gpu {

struct NvmlProbe {
  bool loaded = false;       // the library opened and has the required symbols
  bool initialized = false;  // nvmlInit succeeded
  std::string library;       // path that opened
  std::string error;         // why not (load error or init error)
  std::vector<std::pair<std::string, std::string>> symbols;
  std::vector<GpuDeviceInfo> devices;  // every device NVML sees (ignores CUDA_VISIBLE_DEVICES)
};

NvmlProbe ProbeNvml(const std::vector<std::string>& candidates);

}  // namespace opk::gpu
