#include "gpu/nvml_api.h"

#include <cstdlib>

namespace opk::gpu {

namespace {

const char* NvmlErrorName(nvmlReturn_t r) {
  switch (r) {
    case 0: return "NVML_SUCCESS";
    case 1: return "NVML_ERROR_UNINITIALIZED";
    case 2: return "NVML_ERROR_INVALID_ARGUMENT";
    case 3: return "NVML_ERROR_NOT_SUPPORTED";
    case 4: return "NVML_ERROR_NO_PERMISSION";
    case 5: return "NVML_ERROR_ALREADY_INITIALIZED";
    case 6: return "NVML_ERROR_NOT_FOUND";
    case 7: return "NVML_ERROR_INSUFFICIENT_SIZE";
    case 8: return "NVML_ERROR_INSUFFICIENT_POWER";
    case 9: return "NVML_ERROR_DRIVER_NOT_LOADED";
    case 10: return "NVML_ERROR_TIMEOUT";
    case 11: return "NVML_ERROR_IRQ_ISSUE";
    case 12: return "NVML_ERROR_LIBRARY_NOT_FOUND";
    case 13: return "NVML_ERROR_FUNCTION_NOT_FOUND";
    case 14: return "NVML_ERROR_CORRUPTED_INFOROM";
    case 15: return "NVML_ERROR_GPU_IS_LOST";
    case 16: return "NVML_ERROR_RESET_REQUIRED";
    case 17: return "NVML_ERROR_OPERATING_SYSTEM";
    case 18: return "NVML_ERROR_LIB_RM_VERSION_MISMATCH";
    case 19: return "NVML_ERROR_IN_USE";
    case 20: return "NVML_ERROR_MEMORY";
    case 21: return "NVML_ERROR_NO_DATA";
    case 25: return "NVML_ERROR_ARGUMENT_VERSION_MISMATCH";
    case 26: return "NVML_ERROR_DEPRECATED";
    case 27: return "NVML_ERROR_NOT_READY";
    case 28: return "NVML_ERROR_GPU_NOT_FOUND";
    case 999: return "NVML_ERROR_UNKNOWN";
    default: return "NVML_ERROR";
  }
}

}  // namespace

template <typename Fn>
void NvmlLibrary::Resolve(Fn*& slot, const char* key, std::vector<const char*> names) {
  const char* found = nullptr;
  slot = reinterpret_cast<Fn*>(lib_.FirstSymbol(names, &found));
  if (found != nullptr) symbols_.emplace_back(key, found);
}

bool NvmlLibrary::Load(const std::vector<std::string>& candidates) {
  symbols_.clear();
  api_ = NvmlApi();
  if (!lib_.Open(candidates)) {
    error_ = lib_.error();
    return false;
  }
  NvmlApi& a = api_;
  Resolve(a.init, "init", {"nvmlInit_v2", "nvmlInit"});
  Resolve(a.shutdown, "shutdown", {"nvmlShutdown"});
  Resolve(a.error_string, "errorString", {"nvmlErrorString"});
  Resolve(a.device_count, "deviceCount", {"nvmlDeviceGetCount_v2", "nvmlDeviceGetCount"});
  Resolve(a.handle_by_index, "handleByIndex", {"nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex"});
  Resolve(a.handle_by_uuid, "handleByUuid", {"nvmlDeviceGetHandleByUUID"});
  Resolve(a.uuid, "uuid", {"nvmlDeviceGetUUID"});
  Resolve(a.name, "name", {"nvmlDeviceGetName"});
  Resolve(a.index, "index", {"nvmlDeviceGetIndex"});
  Resolve(a.utilization, "utilization", {"nvmlDeviceGetUtilizationRates"});
  Resolve(a.memory_v2, "memoryInfo", {"nvmlDeviceGetMemoryInfo_v2"});
  if (a.memory_v2 == nullptr) {
    Resolve(a.memory_v1, "memoryInfo", {"nvmlDeviceGetMemoryInfo"});
  } else {
    // Kept for drivers that export the _v2 symbol but reject the v2 struct version.
    a.memory_v1 = reinterpret_cast<decltype(a.memory_v1)>(lib_.Symbol("nvmlDeviceGetMemoryInfo"));
  }
  Resolve(a.temperature, "temperature", {"nvmlDeviceGetTemperature"});
  Resolve(a.power, "power", {"nvmlDeviceGetPowerUsage"});
  Resolve(a.clock, "clockInfo", {"nvmlDeviceGetClockInfo"});
  Resolve(a.pcie, "pcieThroughput", {"nvmlDeviceGetPcieThroughput"});
  Resolve(a.clock_events, "clockEventReasons",
          {"nvmlDeviceGetCurrentClocksEventReasons", "nvmlDeviceGetCurrentClocksThrottleReasons"});
  Resolve(a.compute_procs, "computeProcesses",
          {"nvmlDeviceGetComputeRunningProcesses_v3", "nvmlDeviceGetComputeRunningProcesses_v2"});
  if (a.compute_procs == nullptr) {
    Resolve(a.compute_procs_v1, "computeProcesses", {"nvmlDeviceGetComputeRunningProcesses"});
  }
  Resolve(a.graphics_procs, "graphicsProcesses",
          {"nvmlDeviceGetGraphicsRunningProcesses_v3", "nvmlDeviceGetGraphicsRunningProcesses_v2"});
  if (a.graphics_procs == nullptr) {
    Resolve(a.graphics_procs_v1, "graphicsProcesses", {"nvmlDeviceGetGraphicsRunningProcesses"});
  }
  std::string missing;
  if (a.init == nullptr) missing += " nvmlInit_v2/nvmlInit";
  if (a.device_count == nullptr) missing += " nvmlDeviceGetCount_v2/nvmlDeviceGetCount";
  if (a.handle_by_index == nullptr) missing += " nvmlDeviceGetHandleByIndex_v2/nvmlDeviceGetHandleByIndex";
  if (!missing.empty()) {
    error_ = lib_.path() + " lacks required symbols:" + missing;
    lib_.Close();
    api_ = NvmlApi();
    symbols_.clear();
    return false;
  }
  error_.clear();
  return true;
}

std::string NvmlLibrary::Describe(nvmlReturn_t r) const {
  std::string s = std::string(NvmlErrorName(r)) + " (" + std::to_string(r) + ")";
  if (api_.error_string != nullptr) {
    const char* m = api_.error_string(r);
    if (m != nullptr && *m != '\0') s += std::string(": ") + m;
  }
  return s;
}

std::vector<std::string> NvmlCandidates(const std::string& override_path) {
  if (!override_path.empty()) return {override_path};
  const char* env = std::getenv("OCR_PERFKIT_NVML_LIBRARY");
  if (env != nullptr && *env != '\0') return {env};
  return {"libnvidia-ml.so.1", "libnvidia-ml.so"};
}

bool IsFatalNvmlError(nvmlReturn_t r) {
  return r == NVML_ERROR_UNINITIALIZED || r == NVML_ERROR_DRIVER_NOT_LOADED || r == NVML_ERROR_GPU_IS_LOST ||
         r == NVML_ERROR_RESET_REQUIRED || r == NVML_ERROR_LIB_RM_VERSION_MISMATCH || r == NVML_ERROR_UNKNOWN;
}

bool IsUnsupportedNvmlResult(nvmlReturn_t r) {
  return r == NVML_ERROR_NOT_SUPPORTED || r == NVML_ERROR_NO_PERMISSION || r == NVML_ERROR_FUNCTION_NOT_FOUND;
}

}  // namespace opk::gpu
