// The slice of the CUPTI activity API the tracer uses, declared here (no cupti.h needed) and
// resolved with dlsym. Record layouts: only the leading fields the tracer reads, at the offsets
// CUPTI has kept stable across CUpti_ActivityKernel4..10, Memcpy5/6, Memset2..4 and API records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/dynamic_library.h"
#include "common/status.h"

namespace opk::gpu {

using CUptiResult = int;
using CUcontext = void*;
using CuptiBufferRequested = void (*)(uint8_t** buffer, size_t* size, size_t* max_records);
using CuptiBufferCompleted = void (*)(CUcontext ctx, uint32_t stream_id, uint8_t* buffer, size_t size,
                                      size_t valid_size);
using CuptiCallbackFunc = void (*)(void* userdata, int domain, uint32_t cbid, const void* cbdata);

constexpr CUptiResult CUPTI_SUCCESS = 0;
constexpr CUptiResult CUPTI_ERROR_INVALID_DEVICE = 2;
constexpr CUptiResult CUPTI_ERROR_MAX_LIMIT_REACHED = 12;
constexpr CUptiResult CUPTI_ERROR_NOT_COMPATIBLE = 14;
constexpr CUptiResult CUPTI_ERROR_NOT_INITIALIZED = 15;
constexpr CUptiResult CUPTI_ERROR_INSUFFICIENT_PRIVILEGES = 35;
constexpr CUptiResult CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED = 39;
constexpr CUptiResult CUPTI_ERROR_VIRTUALIZED_DEVICE_INSUFFICIENT_PRIVILEGES = 40;

constexpr int CUPTI_ACTIVITY_KIND_MEMCPY = 1;
constexpr int CUPTI_ACTIVITY_KIND_MEMSET = 2;
constexpr int CUPTI_ACTIVITY_KIND_KERNEL = 3;
constexpr int CUPTI_ACTIVITY_KIND_DRIVER = 4;
constexpr int CUPTI_ACTIVITY_KIND_RUNTIME = 5;
constexpr int CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL = 10;
constexpr uint32_t CUPTI_ACTIVITY_FLAG_FLUSH_FORCED = 1;

// Byte offsets inside activity records (checked against CUDA 13's cupti_activity.h).
namespace rec {
constexpr size_t kKind = 0;
// CUpti_ActivityKernel4..10
constexpr size_t kKernelStart = 16, kKernelEnd = 24, kKernelDevice = 40, kKernelContext = 44,
                 kKernelStream = 48, kKernelGrid = 52, kKernelBlock = 64, kKernelCorrelation = 92,
                 kKernelName = 104, kKernelMinSize = 112;
// CUpti_ActivityMemcpy5/6 and CUpti_ActivityMemset2..4
constexpr size_t kMemCopyKind = 4, kMemBytes = 8, kMemStart = 16, kMemEnd = 24, kMemDevice = 32,
                 kMemContext = 36, kMemStream = 40, kMemCorrelation = 44, kMemMinSize = 48;
// CUpti_ActivityAPI (runtime and driver)
constexpr size_t kApiCbid = 4, kApiStart = 8, kApiEnd = 16, kApiThread = 28, kApiCorrelation = 32,
                 kApiMinSize = 40;
}  // namespace rec

struct CuptiApi {
  CUptiResult (*register_callbacks)(CuptiBufferRequested, CuptiBufferCompleted) = nullptr;
  CUptiResult (*enable)(int kind) = nullptr;
  CUptiResult (*disable)(int kind) = nullptr;
  CUptiResult (*flush_all)(uint32_t flag) = nullptr;
  CUptiResult (*next_record)(uint8_t* buffer, size_t valid, void** record) = nullptr;
  CUptiResult (*dropped)(CUcontext ctx, uint32_t stream, size_t* dropped) = nullptr;
  CUptiResult (*finalize)() = nullptr;
  CUptiResult (*result_string)(CUptiResult, const char**) = nullptr;
  CUptiResult (*subscribe)(void** subscriber, CuptiCallbackFunc cb, void* userdata) = nullptr;
  CUptiResult (*unsubscribe)(void* subscriber) = nullptr;
  CUptiResult (*get_version)(uint32_t* version) = nullptr;
};

// A loaded CUPTI. Libraries are opened once per path and kept for the life of the process:
// CUPTI does not support being unloaded while the CUDA driver may still call into it.
struct CuptiLibrary {
  std::string path;
  CuptiApi api;
  uint32_t version = 0;  // cuptiGetVersion, 0 when unknown
};

// Opens (or reuses) the first loadable candidate. Error: ERR_CUPTI_UNAVAILABLE with a hint.
Status LoadCupti(const std::vector<std::string>& candidates, const CuptiLibrary** out);

// Default names (libcupti.so*, CUDA_HOME/CUDA_PATH/usr/local/cuda lib64 and extras/CUPTI),
// or the override (option, then OCR_PERFKIT_CUPTI_LIBRARY).
std::vector<std::string> CuptiCandidates(const std::string& override_path);

// A failed CUPTI call as a Status with a specific code (ERR_CUPTI_SUBSCRIBER,
// ERR_CUPTI_PRIVILEGES, ERR_CUPTI_NO_DEVICE, ERR_CUPTI_LIBRARY) and a hint in the message.
Status CuptiError(const CuptiLibrary& lib, const char* call, CUptiResult r);

}  // namespace opk::gpu
