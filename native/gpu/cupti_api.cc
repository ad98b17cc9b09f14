#include "gpu/cupti_api.h"

#include <dlfcn.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

namespace opk::gpu {

namespace {

// Process-wide: CUPTI itself is process-wide, and its libraries are never unloaded.
std::mutex& LibMutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, std::unique_ptr<std::pair<DynamicLibrary, CuptiLibrary>>>& Libs() {
  static auto* libs = new std::map<std::string, std::unique_ptr<std::pair<DynamicLibrary, CuptiLibrary>>>();
  return *libs;
}

template <typename Fn>
void Bind(const DynamicLibrary& lib, Fn*& slot, const char* name) {
  slot = reinterpret_cast<Fn*>(lib.Symbol(name));
}

}  // namespace

Status LoadCupti(const std::vector<std::string>& candidates, const CuptiLibrary** out) {
  std::lock_guard<std::mutex> lock(LibMutex());
  std::string key;
  for (const auto& c : candidates) key += c + "\n";
  auto it = Libs().find(key);
  if (it != Libs().end()) {
    *out = &it->second->second;
    return Status::Ok();
  }
  auto entry = std::make_unique<std::pair<DynamicLibrary, CuptiLibrary>>();
  DynamicLibrary& dl = entry->first;
  if (!dl.Open(candidates)) {
    return Status(StatusCode::kUnavailable,
                  "CUPTI could not be loaded: " + dl.error() +
                      ". Hint: install the CUDA toolkit's CUPTI (libcupti.so) or point the cuptiLibrary option / "
                      "OCR_PERFKIT_CUPTI_LIBRARY at it.",
                  "ERR_CUPTI_UNAVAILABLE");
  }
  CuptiApi& a = entry->second.api;
  Bind(dl, a.register_callbacks, "cuptiActivityRegisterCallbacks");
  Bind(dl, a.enable, "cuptiActivityEnable");
  Bind(dl, a.disable, "cuptiActivityDisable");
  Bind(dl, a.flush_all, "cuptiActivityFlushAll");
  Bind(dl, a.next_record, "cuptiActivityGetNextRecord");
  Bind(dl, a.dropped, "cuptiActivityGetNumDroppedRecords");
  Bind(dl, a.finalize, "cuptiFinalize");
  Bind(dl, a.result_string, "cuptiGetResultString");
  Bind(dl, a.subscribe, "cuptiSubscribe");
  Bind(dl, a.unsubscribe, "cuptiUnsubscribe");
  Bind(dl, a.get_version, "cuptiGetVersion");
  std::string missing;
  if (a.register_callbacks == nullptr) missing += " cuptiActivityRegisterCallbacks";
  if (a.enable == nullptr) missing += " cuptiActivityEnable";
  if (a.disable == nullptr) missing += " cuptiActivityDisable";
  if (a.flush_all == nullptr) missing += " cuptiActivityFlushAll";
  if (a.next_record == nullptr) missing += " cuptiActivityGetNextRecord";
  if (!missing.empty()) {
    return Status(StatusCode::kUnavailable,
                  dl.path() + " is not a usable CUPTI: it lacks" + missing +
                      ". Hint: point the cuptiLibrary option / OCR_PERFKIT_CUPTI_LIBRARY at the libcupti.so of "
                      "your CUDA toolkit.",
                  "ERR_CUPTI_UNAVAILABLE");
  }
  entry->second.path = dl.path();
  if (a.get_version != nullptr) {
    uint32_t v = 0;
    if (a.get_version(&v) == CUPTI_SUCCESS) entry->second.version = v;
  }
  *out = &entry->second;
  Libs().emplace(key, std::move(entry));
  return Status::Ok();
}

std::vector<std::string> CuptiCandidates(const std::string& override_path) {
  if (!override_path.empty()) return {override_path};
  const char* env = std::getenv("OCR_PERFKIT_CUPTI_LIBRARY");
  if (env != nullptr && *env != '\0') return {env};
  std::vector<std::string> names = {"libcupti.so", "libcupti.so.13", "libcupti.so.12", "libcupti.so.11.8"};
  for (const char* var : {"CUDA_HOME", "CUDA_PATH"}) {
    const char* root = std::getenv(var);
    if (root != nullptr && *root != '\0') {
      names.push_back(std::string(root) + "/lib64/libcupti.so");
      names.push_back(std::string(root) + "/extras/CUPTI/lib64/libcupti.so");
    }
  }
  names.push_back("/usr/local/cuda/lib64/libcupti.so");
  names.push_back("/usr/local/cuda/extras/CUPTI/lib64/libcupti.so");
  return names;
}

Status CuptiError(const CuptiLibrary& lib, const char* call, CUptiResult r) {
  const char* text = nullptr;
  if (lib.api.result_string != nullptr) lib.api.result_string(r, &text);
  std::string msg = std::string(call) + " failed: " + (text != nullptr ? text : "CUPTI error") + " (" +
                    std::to_string(r) + ").";
  switch (r) {
    case CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED:
      return Status(StatusCode::kLibraryError,
                    msg + " Hint: another CUPTI client (Nsight Systems/Compute, a framework profiler, another "
                          "CuptiTracer) is attached to this process; stop it first.",
                    "ERR_CUPTI_SUBSCRIBER");
    case CUPTI_ERROR_INSUFFICIENT_PRIVILEGES:
    case CUPTI_ERROR_VIRTUALIZED_DEVICE_INSUFFICIENT_PRIVILEGES:
      return Status(StatusCode::kLibraryError,
                    msg + " Hint: GPU profiling is restricted to administrators on this machine; run as root "
                          "or load the driver with NVreg_RestrictProfilingToAdminUsers=0.",
                    "ERR_CUPTI_PRIVILEGES");
    case CUPTI_ERROR_INVALID_DEVICE:
    case CUPTI_ERROR_NOT_COMPATIBLE:
    case CUPTI_ERROR_NOT_INITIALIZED:
      return Status(StatusCode::kUnavailable,
                    msg + " Hint: no usable CUDA device or driver was found (check nvidia-smi, the driver "
                          "version against this CUPTI, and CUDA_VISIBLE_DEVICES).",
                    "ERR_CUPTI_NO_DEVICE");
    default: {
      // CUPTI says only "unknown error" when it cannot reach the CUDA driver at all.
      if (r == 999) {
        void* cuda = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
        if (cuda == nullptr) cuda = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
        if (cuda == nullptr) {
          return Status(StatusCode::kUnavailable,
                        msg + " Hint: the CUDA driver (libcuda.so.1) is not installed here, so there is no GPU to "
                              "trace; CUPTI needs an NVIDIA driver.",
                        "ERR_CUPTI_NO_DEVICE");
        }
        dlclose(cuda);
      }
      return Status(StatusCode::kLibraryError, msg, "ERR_CUPTI_LIBRARY");
    }
  }
}

}  // namespace opk::gpu
