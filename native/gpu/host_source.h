// Host metrics of this process and machine: CPU time and context switches from getrusage,
// RSS from <proc>/self/statm, system memory from <proc>/meminfo, disk bytes from
// <proc>/self/io. Runs on the sampler thread only; no allocation per sample.
#pragma once

#include <string>

namespace opk::gpu {

class HostSource {
 public:
  // `proc_root` is normally "/proc" (tests point it at a scratch folder).
  explicit HostSource(std::string proc_root);

  // Checks which files are readable. Returns false (with reason()) when nothing is.
  bool Open();

  // Fills host columns (kHostMetricCount doubles; NaN where unknown). Returns false when a
  // file that was readable at Open() can no longer be read: the source is then unavailable.
  bool Sample(double* out, double mono_ms);

  bool available() const { return available_; }
  const std::string& reason() const { return reason_; }
  void Fail(std::string reason) {
    available_ = false;
    reason_ = std::move(reason);
  }

 private:
  bool ReadStatm(double* rss) const;
  bool ReadMeminfo(double* total, double* avail) const;
  bool ReadIo(double* rd, double* wr) const;

  std::string statm_path_, meminfo_path_, io_path_;
  bool has_statm_ = false, has_meminfo_ = false, has_io_ = false;
  bool available_ = false;
  std::string reason_ = "not started";
  double last_cpu_s_ = -1, last_mono_ms_ = -1;
  double page_size_ = 4096;
};

// Reads a small file into buf (NUL-terminated). Returns bytes read or -1. Exposed for tests.
long ReadSmallFile(const char* path, char* buf, size_t cap);

}  // namespace opk::gpu
