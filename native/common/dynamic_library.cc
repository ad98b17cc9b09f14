#include "common/dynamic_library.h"

#include <dlfcn.h>

#include <utility>

namespace opk {

DynamicLibrary::~DynamicLibrary() { Close(); }

DynamicLibrary::DynamicLibrary(DynamicLibrary&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)), path_(std::move(other.path_)), error_(std::move(other.error_)) {}

DynamicLibrary& DynamicLibrary::operator=(DynamicLibrary&& other) noexcept {
  if (this != &other) {
    Close();
    handle_ = std::exchange(other.handle_, nullptr);
    path_ = std::move(other.path_);
    error_ = std::move(other.error_);
  }
  return *this;
}

bool DynamicLibrary::Open(const std::vector<std::string>& candidates) {
  Close();
  error_.clear();
  for (const std::string& name : candidates) {
    dlerror();
    void* h = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (h != nullptr) {
      handle_ = h;
      path_ = name;
      error_.clear();
      return true;
    }
    const char* e = dlerror();
    if (!error_.empty()) error_ += "; ";
    error_ += e != nullptr ? e : (name + ": unknown dlopen error");
  }
  if (candidates.empty()) error_ = "no library names given";
  return false;
}

void* DynamicLibrary::Symbol(const char* name) const {
  if (handle_ == nullptr) return nullptr;
  return dlsym(handle_, name);
}

void* DynamicLibrary::FirstSymbol(const std::vector<const char*>& names, const char** found) const {
  for (const char* n : names) {
    if (void* p = Symbol(n)) {
      if (found != nullptr) *found = n;
      return p;
    }
  }
  if (found != nullptr) *found = nullptr;
  return nullptr;
}

void DynamicLibrary::Close() {
  if (handle_ != nullptr) {
    dlclose(handle_);
    handle_ = nullptr;
  }
  path_.clear();
}

}  // namespace opk
