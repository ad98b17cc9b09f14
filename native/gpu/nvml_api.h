// The slice of the NVML C API the sampler uses, declared here (no nvml.h needed) and resolved
// with dlsym from libnvidia-ml at run time, preferring the newest versioned symbol.
#pragma once

#include <string>
#include <vector>

#include "common/dynamic_library.h"

namespace opk::gpu {

using nvmlReturn_t = int;
using nvmlDevice_t = struct nvmlDevice_st*;

constexpr nvmlReturn_t NVML_SUCCESS = 0;
constexpr nvmlReturn_t NVML_ERROR_UNINITIALIZED = 1;
constexpr nvmlReturn_t NVML_ERROR_NOT_SUPPORTED = 3;
constexpr nvmlReturn_t NVML_ERROR_NO_PERMISSION = 4;
constexpr nvmlReturn_t NVML_ERROR_NOT_FOUND = 6;
constexpr nvmlReturn_t NVML_ERROR_INSUFFICIENT_SIZE = 7;
constexpr nvmlReturn_t NVML_ERROR_DRIVER_NOT_LOADED = 9;
constexpr nvmlReturn_t NVML_ERROR_FUNCTION_NOT_FOUND = 13;
constexpr nvmlReturn_t NVML_ERROR_GPU_IS_LOST = 15;
constexpr nvmlReturn_t NVML_ERROR_RESET_REQUIRED = 16;
constexpr nvmlReturn_t NVML_ERROR_LIB_RM_VERSION_MISMATCH = 18;
constexpr nvmlReturn_t NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25;
constexpr nvmlReturn_t NVML_ERROR_UNKNOWN = 999;

struct nvmlUtilization_t {
  unsigned int gpu;
  unsigned int memory;
};
struct nvmlMemory_t {  // v1
  unsigned long long total, free, used;
};
struct nvmlMemory_v2_t {
  unsigned int version;
  unsigned long long total, reserved, free, used;
};
// NVML_STRUCT_VERSION(Memory, 2)
constexpr unsigned int kNvmlMemoryV2Version = static_cast<unsigned int>(sizeof(nvmlMemory_v2_t) | (2u << 24));

struct nvmlProcessInfo_v1_t {
  unsigned int pid;
  unsigned long long usedGpuMemory;
};
struct nvmlProcessInfo_t {  // v2 and v3 layouts are identical
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
};

constexpr int NVML_TEMPERATURE_GPU = 0;
constexpr int NVML_CLOCK_SM = 1;
constexpr int NVML_CLOCK_MEM = 2;
constexpr int NVML_PCIE_UTIL_TX_BYTES = 0;
constexpr int NVML_PCIE_UTIL_RX_BYTES = 1;
// Clock event reasons that mean "slowed down" (power cap, HW slowdown, thermal, power brake).
constexpr unsigned long long kThrottleMask = 0x4ull | 0x8ull | 0x20ull | 0x40ull | 0x80ull;

// Function pointers, nullptr when the library lacks every candidate name.
struct NvmlApi {
  nvmlReturn_t (*init)() = nullptr;
  nvmlReturn_t (*shutdown)() = nullptr;
  const char* (*error_string)(nvmlReturn_t) = nullptr;
  nvmlReturn_t (*device_count)(unsigned int*) = nullptr;
  nvmlReturn_t (*handle_by_index)(unsigned int, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*handle_by_uuid)(const char*, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*uuid)(nvmlDevice_t, char*, unsigned int) = nullptr;
  nvmlReturn_t (*name)(nvmlDevice_t, char*, unsigned int) = nullptr;
  nvmlReturn_t (*index)(nvmlDevice_t, unsigned int*) = nullptr;
  nvmlReturn_t (*utilization)(nvmlDevice_t, nvmlUtilization_t*) = nullptr;
  nvmlReturn_t (*memory_v1)(nvmlDevice_t, nvmlMemory_t*) = nullptr;
  nvmlReturn_t (*memory_v2)(nvmlDevice_t, nvmlMemory_v2_t*) = nullptr;
  nvmlReturn_t (*temperature)(nvmlDevice_t, int, unsigned int*) = nullptr;
  nvmlReturn_t (*power)(nvmlDevice_t, unsigned int*) = nullptr;
  nvmlReturn_t (*clock)(nvmlDevice_t, int, unsigned int*) = nullptr;
  nvmlReturn_t (*pcie)(nvmlDevice_t, int, unsigned int*) = nullptr;
  nvmlReturn_t (*clock_events)(nvmlDevice_t, unsigned long long*) = nullptr;
  // Running processes: `procs_v2plus` uses nvmlProcessInfo_t, `procs_v1` the v1 struct.
  nvmlReturn_t (*compute_procs)(nvmlDevice_t, unsigned int*, nvmlProcessInfo_t*) = nullptr;
  nvmlReturn_t (*graphics_procs)(nvmlDevice_t, unsigned int*, nvmlProcessInfo_t*) = nullptr;
  nvmlReturn_t (*compute_procs_v1)(nvmlDevice_t, unsigned int*, nvmlProcessInfo_v1_t*) = nullptr;
  nvmlReturn_t (*graphics_procs_v1)(nvmlDevice_t, unsigned int*, nvmlProcessInfo_v1_t*) = nullptr;
};

// A loaded NVML: the library, its resolved functions and the symbol name chosen for each.
class NvmlLibrary {
 public:
  // Opens the first of `candidates` and resolves symbols. False with error() when the
  // library cannot be opened or lacks the required init/count/handle functions.
  bool Load(const std::vector<std::string>& candidates);
  const NvmlApi& api() const { return api_; }
  const std::string& path() const { return lib_.path(); }
  const std::string& error() const { return error_; }
  // "function=symbol" for each resolved function (diagnostics and tests).
  const std::vector<std::pair<std::string, std::string>>& symbols() const { return symbols_; }

  // "NVML_ERROR_X (n): <nvmlErrorString>".
  std::string Describe(nvmlReturn_t r) const;

 private:
  template <typename Fn>
  void Resolve(Fn*& slot, const char* key, std::vector<const char*> names);

  DynamicLibrary lib_;
  NvmlApi api_;
  std::string error_;
  std::vector<std::pair<std::string, std::string>> symbols_;
};

// Default library names, or the override (option, then OCR_PERFKIT_NVML_LIBRARY).
std::vector<std::string> NvmlCandidates(const std::string& override_path);

// True for errors after which the library or device cannot be trusted any more.
bool IsFatalNvmlError(nvmlReturn_t r);
// True for results that say a query will never work on this device (not supported, no
// permission, function missing): the caller stops asking.
bool IsUnsupportedNvmlResult(nvmlReturn_t r);

}  // namespace opk::gpu
