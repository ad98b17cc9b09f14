// The resource sampler: a background thread that reads the host and NVML sources every
// `interval_ms` into a ring buffer of timestamped rows (see metrics.h for the row layout).
// Thread model: Start/Stop/Close may be called from any one thread at a time (the glue calls
// Start/Stop from worker threads, Close from the JS thread at teardown); Latest/Summary/Rows/
// State from any thread.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "gpu/host_source.h"
#include "gpu/nvml_source.h"
#include "gpu/ring_buffer.h"

namespace opk::gpu {

struct SamplerConfig {
  double interval_ms = 100;      // 10 .. 3'600'000
  double pcie_interval_ms = 1000;  // 0 (PCIe off) or 100 .. 3'600'000: see NvmlSource::StartPcie
  size_t capacity = 6000;        // rows kept
  bool host = true;
  bool gpu = true;
  std::vector<std::string> nvml_candidates;                 // see NvmlCandidates()
  std::optional<std::vector<VisibleEntry>> visible;         // parsed CUDA_VISIBLE_DEVICES
  std::vector<DeviceSelector> devices;                      // empty: every visible device
  std::string proc_root = "/proc";
};

struct SourceState {
  bool enabled = false;
  bool available = false;
  std::string reason;
};

struct SamplerState {
  bool running = false;
  bool started_once = false;
  SourceState host, nvml;
  std::string nvml_path;
  std::vector<std::pair<std::string, std::string>> nvml_symbols;
  std::vector<GpuDeviceInfo> devices;
  std::vector<NvmlSource::DeviceState> device_states;  // parallel to devices
  size_t samples = 0;      // rows in the buffer
  size_t dropped = 0;      // rows overwritten
  size_t taken = 0;        // rows ever taken
};

// Monotonic (CLOCK_MONOTONIC, same clock as process.hrtime) and wall-clock milliseconds.
double MonotonicMs();
double WallMs();
// Whether <proc_root>/self/ns/pid names a PID namespace other than the host's (a container).
bool InNestedPidNamespace(const std::string& proc_root);

class Sampler {
 public:
  static Status Validate(const SamplerConfig& config);
  explicit Sampler(SamplerConfig config);
  ~Sampler();
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  // Opens the sources on the first call, then starts the thread (no-op when running).
  Status Start();
  // Stops and joins the thread (no-op when stopped). The buffer is kept.
  void Stop();
  // Stop, release NVML, refuse later starts. Idempotent.
  void Close();

  size_t device_count() const;  // fixed after the first Start
  size_t width() const;
  // Copies the newest row into out (width() doubles). False when there is none yet.
  bool Latest(double* out, size_t cap) const;
  // Rows with t_mono_ms >= since (row-major into out); returns the row count.
  size_t Rows(double since, std::vector<double>* out) const;
  SamplerState State() const;

 private:
  void Loop();
  void TakeSample(double* row);

  SamplerConfig config_;
  HostSource host_;
  NvmlSource nvml_;
  std::mutex ctl_mu_;  // serialises Start/Stop/Close
  mutable std::mutex mu_;  // guards everything below
  std::condition_variable cv_;        // wakes the loop to stop
  std::condition_variable sampled_cv_;  // wakes Start() once the first sample is in
  bool stop_requested_ = false;
  bool running_ = false;
  bool opened_ = false;
  bool closed_ = false;
  size_t devices_ = 0;
  RowRing ring_;
  size_t taken_ = 0;
  SourceState host_state_, nvml_state_;
  std::vector<NvmlSource::DeviceState> device_states_;
  unsigned int published_generation_ = 0;
  std::thread thread_;
  std::vector<double> scratch_;
};

}  // namespace opk::gpu
