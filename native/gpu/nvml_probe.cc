#include "gpu/nvml_probe.h"

namespace opk::gpu {

NvmlProbe ProbeNvml(const std::vector<std::string>& candidates) {
  NvmlProbe p;
  NvmlSource src(candidates, std::nullopt, {}, 0);
  src.Open();
  p.loaded = src.library().api().init != nullptr;
  p.library = src.library().path();
  p.symbols = src.library().symbols();
  p.initialized = src.available();
  if (!p.initialized) p.error = src.reason();
  p.devices = src.devices();
  src.Close();
  return p;
}

}  // namespace opk::gpu
