// A shared library opened at run time with dlopen (NVML, CUPTI, libcuda). Move-only; the
// library is closed when the last owner goes away.
#pragma once

#include <string>
#include <vector>

namespace opk {

class DynamicLibrary {
 public:
  DynamicLibrary() = default;
  ~DynamicLibrary();
  DynamicLibrary(DynamicLibrary&& other) noexcept;
  DynamicLibrary& operator=(DynamicLibrary&& other) noexcept;
  DynamicLibrary(const DynamicLibrary&) = delete;
  DynamicLibrary& operator=(const DynamicLibrary&) = delete;

  // Tries each candidate name in order (RTLD_NOW | RTLD_LOCAL). On failure returns false and
  // leaves the dlerror() text of every attempt in error().
  bool Open(const std::vector<std::string>& candidates);
  bool is_open() const { return handle_ != nullptr; }
  const std::string& path() const { return path_; }      // the candidate that opened
  const std::string& error() const { return error_; }

  // nullptr when absent.
  void* Symbol(const char* name) const;
  // First of `names` that exists (versioned fallbacks: "nvmlDeviceGetMemoryInfo_v2", ...).
  void* FirstSymbol(const std::vector<const char*>& names, const char** found = nullptr) const;

  void Close();

 private:
  void* handle_ = nullptr;
  std::string path_;
  std::string error_;
};

}  // namespace opk
