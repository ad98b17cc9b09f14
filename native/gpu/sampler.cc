#include "gpu/sampler.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <cmath>

#include "gpu/metrics.h"
#include "gpu/pacer.h"

namespace opk::gpu {

namespace {
double ClockMs(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}
}  // namespace

bool InNestedPidNamespace(const std::string& proc_root) {
  // The host's (initial) PID namespace has the fixed inode 0xEFFFFFFC (PROC_PID_INIT_INO).
  char buf[64] = {};
  const std::string link = proc_root + "/self/ns/pid";
  const ssize_t n = readlink(link.c_str(), buf, sizeof buf - 1);
  if (n <= 0) return false;  // unknown: assume the host's (PIDs then match as before)
  return std::string(buf, static_cast<size_t>(n)) != "pid:[4026531836]";
}

double MonotonicMs() { return ClockMs(CLOCK_MONOTONIC); }
double WallMs() { return ClockMs(CLOCK_REALTIME); }

Status Sampler::Validate(const SamplerConfig& c) {
  if (!(c.interval_ms >= 10 && c.interval_ms <= 3600000)) {
    return OutOfRange("intervalMs must be between 10 and 3600000, got " + std::to_string(c.interval_ms));
  }
  if (!(c.pcie_interval_ms == 0 || (c.pcie_interval_ms >= 100 && c.pcie_interval_ms <= 3600000))) {
    return OutOfRange("pcieIntervalMs must be 0 (off) or between 100 and 3600000, got " +
                      std::to_string(c.pcie_interval_ms));
  }
  if (c.capacity < 1 || c.capacity > 10000000) {
    return OutOfRange("capacity must be between 1 and 10000000, got " + std::to_string(c.capacity));
  }
  return Status::Ok();
}

Sampler::Sampler(SamplerConfig config)
    : config_(std::move(config)),
      host_(config_.proc_root),
      nvml_(config_.nvml_candidates, config_.visible, config_.devices, static_cast<unsigned int>(getpid()),
            InNestedPidNamespace(config_.proc_root)),
      ring_(1, 1) {}

Sampler::~Sampler() { Close(); }

Status Sampler::Start() {
  std::lock_guard<std::mutex> ctl(ctl_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return Status(StatusCode::kClosed, "the sampler was closed", "ERR_CLOSED");
    if (running_) return Status::Ok();
  }
  if (!opened_) {
    if (config_.host) {
      host_.Open();
    } else {
      host_.Fail("disabled by options");
    }
    if (config_.gpu) {
      Status st = nvml_.Open();
      if (!st.ok()) {
        nvml_.Close();
        return st;
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    host_state_.enabled = config_.host;
    nvml_state_.enabled = config_.gpu;
    host_state_.available = host_.available();
    host_state_.reason = host_.reason();
    nvml_state_.available = config_.gpu && nvml_.available();
    nvml_state_.reason = config_.gpu ? nvml_.reason() : "disabled by options";
    devices_ = config_.gpu && nvml_.available() ? nvml_.devices().size() : 0;
    if (devices_ > 0) device_states_ = nvml_.device_states();
    published_generation_ = nvml_.generation();
    ring_ = RowRing(config_.capacity, RowWidth(devices_));
    scratch_.assign(RowWidth(devices_), 0.0);
    opened_ = true;
  }
  if (devices_ > 0) nvml_.StartPcie(config_.pcie_interval_ms);
  size_t taken_before;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_requested_ = false;
    running_ = true;
    taken_before = taken_;
  }
  try {
    thread_ = std::thread([this] { Loop(); });
  } catch (const std::exception& e) {
    nvml_.StopPcie();
    std::lock_guard<std::mutex> lock(mu_);
    running_ = false;
    return Status(StatusCode::kInternal, std::string("could not start the sampler thread: ") + e.what());
  }
  // Return once the first sample is in, so that latest() after start() is never empty. Bounded:
  // a driver call that hangs must not hang start() (the sample shows up when the call returns).
  std::unique_lock<std::mutex> lock(mu_);
  sampled_cv_.wait_for(lock, std::chrono::seconds(5), [&] { return taken_ != taken_before; });
  return Status::Ok();
}

void Sampler::TakeSample(double* row) {
  const double mono = MonotonicMs();
  row[kColMono] = mono;
  row[kColWall] = WallMs();
  if (host_.available()) {
    host_.Sample(row + kLeadingCols, mono);
  } else {
    for (int i = 0; i < kHostMetricCount; ++i) row[kLeadingCols + i] = std::nan("");
  }
  if (devices_ > 0) nvml_.Sample(row + kLeadingCols + kHostMetricCount);
}

void Sampler::Loop() {
  // Named so that `top -H` and the benchmark can attribute its CPU time.
  pthread_setname_np(pthread_self(), "opk-sampler");
  Pacer pace(config_.interval_ms);  // first sample at once
  bool first = true;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_requested_) {
    lock.unlock();
    TakeSample(scratch_.data());
    const bool host_ok = host_.available();
    const bool nvml_ok = devices_ == 0 ? nvml_state_.available : nvml_.available();
    std::vector<NvmlSource::DeviceState> states;
    const unsigned int gen = nvml_.generation();
    if (devices_ > 0 && gen != published_generation_) states = nvml_.device_states();
    lock.lock();
    if (devices_ > 0 && gen != published_generation_) {
      device_states_ = std::move(states);
      published_generation_ = gen;
    }
    double* slot = ring_.Next();
    std::copy(scratch_.begin(), scratch_.end(), slot);
    ring_.Commit();
    ++taken_;
    if (first) {
      first = false;
      sampled_cv_.notify_all();
    }
    if (host_state_.available && !host_ok) {
      host_state_.available = false;
      host_state_.reason = host_.reason();
    }
    if (nvml_state_.available && !nvml_ok) {
      nvml_state_.available = false;
      nvml_state_.reason = nvml_.reason();
    }
    pace.Advance();
    cv_.wait_until(lock, pace.next, [this] { return stop_requested_; });
  }
}

void Sampler::Stop() {
  std::lock_guard<std::mutex> ctl(ctl_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return;
    stop_requested_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  nvml_.StopPcie();
  std::lock_guard<std::mutex> lock(mu_);
  running_ = false;
}

void Sampler::Close() {
  Stop();
  std::lock_guard<std::mutex> ctl(ctl_mu_);
  nvml_.Close();
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
}

size_t Sampler::device_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return devices_;
}

size_t Sampler::width() const {
  std::lock_guard<std::mutex> lock(mu_);
  return RowWidth(devices_);
}

bool Sampler::Latest(double* out, size_t cap) const {
  std::lock_guard<std::mutex> lock(mu_);
  const double* row = ring_.Latest();
  if (row == nullptr || !opened_ || cap < ring_.width()) return false;
  std::copy(row, row + ring_.width(), out);
  return true;
}

size_t Sampler::Rows(double since, std::vector<double>* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  out->clear();
  if (!opened_) return 0;
  const size_t n = ring_.size();
  // Rows are in time order: find the first one at or after `since` by binary search.
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (ring_.Row(mid)[kColMono] < since) lo = mid + 1;
    else hi = mid;
  }
  out->reserve((n - lo) * ring_.width());
  for (size_t i = lo; i < n; ++i) out->insert(out->end(), ring_.Row(i), ring_.Row(i) + ring_.width());
  return n - lo;
}

SamplerState Sampler::State() const {
  std::lock_guard<std::mutex> lock(mu_);
  SamplerState s;
  s.running = running_;
  s.started_once = opened_;
  s.host = host_state_;
  s.nvml = nvml_state_;
  if (opened_ && config_.gpu) {
    s.nvml_path = nvml_.library().path();
    s.nvml_symbols = nvml_.library().symbols();
    s.devices = nvml_.devices();
    s.device_states = device_states_;
    s.device_states.resize(s.devices.size());
  }
  s.samples = opened_ ? ring_.size() : 0;
  s.dropped = opened_ ? ring_.dropped() : 0;
  s.taken = taken_;
  return s;
}

}  // namespace opk::gpu
