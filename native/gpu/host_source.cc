#include "gpu/host_source.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "gpu/metrics.h"

namespace opk::gpu {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Value after "key" (e.g. "MemTotal:") in a "key value [unit]" text; NaN when absent.
double FieldAfter(const char* text, const char* key) {
  const char* p = std::strstr(text, key);
  while (p != nullptr && p != text && p[-1] != '\n') p = std::strstr(p + 1, key);
  if (p == nullptr) return kNaN;
  p += std::strlen(key);
  char* end = nullptr;
  unsigned long long v = std::strtoull(p, &end, 10);
  if (end == p) return kNaN;
  return static_cast<double>(v);
}

}  // namespace

long ReadSmallFile(const char* path, char* buf, size_t cap) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t total = 0;
  while (total + 1 < cap) {
    ssize_t n = ::read(fd, buf + total, cap - 1 - total);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return -1;
    }
    if (n == 0) break;
    total += static_cast<size_t>(n);
  }
  ::close(fd);
  buf[total] = '\0';
  return static_cast<long>(total);
}

HostSource::HostSource(std::string proc_root)
    : statm_path_(proc_root + "/self/statm"),
      meminfo_path_(proc_root + "/meminfo"),
      io_path_(proc_root + "/self/io") {
  long ps = sysconf(_SC_PAGESIZE);
  if (ps > 0) page_size_ = static_cast<double>(ps);
}

bool HostSource::Open() {
  double a = 0, b = 0;
  has_statm_ = ReadStatm(&a);
  has_meminfo_ = ReadMeminfo(&a, &b);
  has_io_ = ReadIo(&a, &b);
  available_ = true;  // getrusage always works
  reason_.clear();
  if (!has_io_) reason_ = "disk bytes unavailable (" + io_path_ + " not readable)";
  return true;
}

bool HostSource::ReadStatm(double* rss) const {
  char buf[256];
  if (ReadSmallFile(statm_path_.c_str(), buf, sizeof buf) <= 0) return false;
  char* end = nullptr;
  std::strtoull(buf, &end, 10);  // size
  if (end == buf) return false;
  char* p = end;
  unsigned long long pages = std::strtoull(p, &end, 10);
  if (end == p) return false;
  *rss = static_cast<double>(pages) * page_size_;
  return true;
}

bool HostSource::ReadMeminfo(double* total, double* avail) const {
  char buf[8192];
  if (ReadSmallFile(meminfo_path_.c_str(), buf, sizeof buf) <= 0) return false;
  *total = FieldAfter(buf, "MemTotal:");
  *avail = FieldAfter(buf, "MemAvailable:");
  if (std::isnan(*total)) return false;
  *total *= 1024.0;
  *avail *= 1024.0;  // NaN stays NaN on old kernels without MemAvailable
  return true;
}

bool HostSource::ReadIo(double* rd, double* wr) const {
  char buf[1024];
  if (ReadSmallFile(io_path_.c_str(), buf, sizeof buf) <= 0) return false;
  *rd = FieldAfter(buf, "read_bytes:");
  *wr = FieldAfter(buf, "write_bytes:");
  return !std::isnan(*rd) && !std::isnan(*wr);
}

bool HostSource::Sample(double* out, double mono_ms) {
  for (int i = 0; i < kHostMetricCount; ++i) out[i] = kNaN;
  if (!available_) return false;

  struct rusage ru;
  if (::getrusage(RUSAGE_SELF, &ru) == 0) {
    const double cpu_s = static_cast<double>(ru.ru_utime.tv_sec) + ru.ru_utime.tv_usec * 1e-6 +
                         static_cast<double>(ru.ru_stime.tv_sec) + ru.ru_stime.tv_usec * 1e-6;
    if (last_mono_ms_ >= 0 && mono_ms > last_mono_ms_) {
      out[kHostCpuPercent] = (cpu_s - last_cpu_s_) * 1e5 / (mono_ms - last_mono_ms_);
    }
    last_cpu_s_ = cpu_s;
    last_mono_ms_ = mono_ms;
    out[kHostCtxVoluntary] = static_cast<double>(ru.ru_nvcsw);
    out[kHostCtxInvoluntary] = static_cast<double>(ru.ru_nivcsw);
  }
  if (has_statm_ && !ReadStatm(&out[kHostRssBytes])) {
    Fail("host source stopped: " + statm_path_ + " can no longer be read");
    for (int i = 0; i < kHostMetricCount; ++i) out[i] = kNaN;
    return false;
  }
  if (has_meminfo_) {
    if (!ReadMeminfo(&out[kHostSysMemTotal], &out[kHostSysMemAvailable])) {
      Fail("host source stopped: " + meminfo_path_ + " can no longer be read");
      for (int i = 0; i < kHostMetricCount; ++i) out[i] = kNaN;
      return false;
    }
    out[kHostSysMemUsed] = out[kHostSysMemTotal] - out[kHostSysMemAvailable];
  }
  if (has_io_ && !ReadIo(&out[kHostIoReadBytes], &out[kHostIoWriteBytes])) {
    Fail("host source stopped: " + io_path_ + " can no longer be read");
    for (int i = 0; i < kHostMetricCount; ++i) out[i] = kNaN;
    return false;
  }
  return true;
}

}  // namespace opk::gpu
