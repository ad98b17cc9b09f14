#include "gpu/nvml_source.h"

#include <pthread.h>

#include <cmath>
#include <limits>

#include "gpu/metrics.h"
#include "gpu/pacer.h"

namespace opk::gpu {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr unsigned long long kValueNotAvailable = ~0ull;

enum Group { kGUtil, kGMem, kGTemp, kGPower, kGClockSm, kGClockMem, kGEvents, kGProcs };  // (PCIe: PcieSlot)

std::string DeviceString(nvmlReturn_t (*fn)(nvmlDevice_t, char*, unsigned int), nvmlDevice_t d) {
  if (fn == nullptr) return {};
  char buf[128] = {};
  if (fn(d, buf, sizeof buf) != NVML_SUCCESS) return {};
  buf[sizeof buf - 1] = '\0';
  return buf;
}

std::string DescribeVisible(const std::vector<VisibleEntry>& v) {
  std::string s;
  for (const auto& e : v) {
    if (!s.empty()) s += ",";
    s += e.is_index ? std::to_string(e.index) : e.uuid;
  }
  return s;
}

}  // namespace

NvmlSource::NvmlSource(std::vector<std::string> candidates, std::optional<std::vector<VisibleEntry>> visible,
                       std::vector<DeviceSelector> selectors, unsigned int pid, bool nested_pid_namespace)
    : candidates_(std::move(candidates)),
      visible_(std::move(visible)),
      selectors_(std::move(selectors)),
      pid_(pid),
      nested_pid_namespace_(nested_pid_namespace) {}

NvmlSource::~NvmlSource() { Close(); }

void NvmlSource::Fail(const std::string& why) {
  StopPcie();  // no NVML call may run on the PCIe thread once shutdown starts
  ++generation_;
  available_ = false;
  reason_ = why;
  if (initialized_ && lib_.api().shutdown != nullptr) lib_.api().shutdown();
  initialized_ = false;
}

Status NvmlSource::Open() {
  if (!lib_.Load(candidates_)) {
    available_ = false;
    reason_ = "NVML library not loaded: " + lib_.error();
    return Status::Ok();
  }
  const NvmlApi& a = lib_.api();
  nvmlReturn_t r = a.init();
  if (r != NVML_SUCCESS) {
    available_ = false;
    reason_ = "nvmlInit failed: " + lib_.Describe(r);
    return Status::Ok();
  }
  initialized_ = true;
  unsigned int count = 0;
  r = a.device_count(&count);
  if (r != NVML_SUCCESS) {
    Fail("nvmlDeviceGetCount failed: " + lib_.Describe(r));
    return Status::Ok();
  }
  // All physical devices with their UUIDs, in NVML order.
  std::vector<GpuDeviceInfo> all;
  std::vector<nvmlDevice_t> handles;
  for (unsigned int i = 0; i < count; ++i) {
    nvmlDevice_t h = nullptr;
    r = a.handle_by_index(i, &h);
    if (r != NVML_SUCCESS) {
      Fail("nvmlDeviceGetHandleByIndex(" + std::to_string(i) + ") failed: " + lib_.Describe(r));
      return Status::Ok();
    }
    GpuDeviceInfo info;
    info.nvml_index = i;
    info.uuid = DeviceString(a.uuid, h);
    info.name = DeviceString(a.name, h);
    all.push_back(info);
    handles.push_back(h);
  }
  // The CUDA-visible list, in CUDA order.
  std::vector<size_t> visible;
  if (!visible_.has_value()) {
    for (size_t i = 0; i < all.size(); ++i) visible.push_back(i);
  } else {
    for (const VisibleEntry& e : *visible_) {
      size_t found = all.size();
      if (e.is_index) {
        if (e.index < all.size()) found = e.index;
      } else {
        for (size_t i = 0; i < all.size(); ++i) {
          if (!all[i].uuid.empty() && all[i].uuid.rfind(e.uuid, 0) == 0) {
            found = i;
            break;
          }
        }
      }
      if (found == all.size()) break;  // CUDA stops at the first entry that names no device
      visible.push_back(found);
    }
  }
  const std::string visible_note =
      visible_.has_value() ? " (CUDA_VISIBLE_DEVICES=" + DescribeVisible(*visible_) + ")" : "";
  std::vector<size_t> chosen;
  if (selectors_.empty()) {
    chosen = visible;
  } else {
    for (const DeviceSelector& s : selectors_) {
      size_t pick = all.size();
      if (!s.by_uuid) {
        if (s.index < visible.size()) pick = visible[s.index];
        if (pick == all.size()) {
          Fail("unknown device");
          return Status(StatusCode::kOutOfRange,
                        "device index " + std::to_string(s.index) + " does not exist: " +
                            std::to_string(visible.size()) + " visible device(s)" + visible_note,
                        "ERR_UNKNOWN_DEVICE");
        }
      } else {
        int matches = 0;
        for (size_t v : visible) {
          if (all[v].uuid == s.uuid || (!s.uuid.empty() && all[v].uuid.rfind(s.uuid, 0) == 0)) {
            pick = v;
            ++matches;
            if (all[v].uuid == s.uuid) {
              matches = 1;
              break;
            }
          }
        }
        if (matches != 1) {
          Fail("unknown device");
          return Status(StatusCode::kOutOfRange,
                        (matches == 0 ? "no visible device has UUID '" : "more than one device matches UUID prefix '") +
                            s.uuid + "'" + visible_note,
                        "ERR_UNKNOWN_DEVICE");
        }
      }
      chosen.push_back(pick);
    }
  }
  devs_.clear();
  infos_.clear();
  for (size_t c : chosen) {
    Device d;
    d.handle = handles[c];
    devs_.push_back(d);
    GpuDeviceInfo info = all[c];
    for (size_t v = 0; v < visible.size(); ++v) {
      if (visible[v] == c) info.cuda_ordinal = static_cast<unsigned int>(v);
    }
    infos_.push_back(info);
  }
  procs_.resize(64);
  procs_v1_.resize(64);
  available_ = true;
  reason_ = devs_.empty() ? "no visible GPU" + visible_note : "";
  return Status::Ok();
}

bool NvmlSource::Check(nvmlReturn_t r, size_t dev, int group, const char* fn) {
  if (r == NVML_SUCCESS) return true;
  const std::string where = std::string(fn) + " on device " + std::to_string(infos_[dev].nvml_index);
  if (r == NVML_ERROR_GPU_IS_LOST || r == NVML_ERROR_RESET_REQUIRED) {
    devs_[dev].lost = true;
    devs_[dev].lost_reason = "device lost: " + where + " returned " + lib_.Describe(r);
    ++generation_;
    bool any = false;
    for (const Device& d : devs_) any = any || !d.lost;
    if (!any) Fail("NVML stopped: every device was lost (last: " + where + " returned " + lib_.Describe(r) + ")");
    return false;
  }
  if (IsFatalNvmlError(r)) {
    Fail("NVML stopped: " + where + " returned " + lib_.Describe(r));
    return false;
  }
  if (IsUnsupportedNvmlResult(r)) devs_[dev].unsupported[group] = true;
  return true;
}

std::vector<NvmlSource::DeviceState> NvmlSource::device_states() const {
  std::vector<DeviceState> out(devs_.size());
  for (size_t i = 0; i < devs_.size(); ++i) {
    out[i].available = available_ && !devs_[i].lost;
    out[i].reason = devs_[i].lost ? devs_[i].lost_reason : (available_ ? "" : reason_);
  }
  return out;
}

double NvmlSource::ProcessMemory(size_t dev, bool* fatal) {
  const NvmlApi& a = lib_.api();
  Device& d = devs_[dev];
  double best = kNaN;
  bool matched = false;   // some entry has our PID
  unsigned int listed = 0;  // entries over both lists
  auto scan = [&](auto fn, auto& buf, const char* name) {
    if (fn == nullptr) return;
    for (int attempt = 0; attempt < 3; ++attempt) {
      unsigned int n = static_cast<unsigned int>(buf.size());
      nvmlReturn_t r = fn(d.handle, &n, buf.data());
      if (r == NVML_ERROR_INSUFFICIENT_SIZE && n > buf.size() && n < 65536) {
        buf.resize(n + 16);
        continue;
      }
      if (!Check(r, dev, kGProcs, name)) {
        *fatal = true;
        return;
      }
      if (r != NVML_SUCCESS) return;
      double mine = 0;
      for (unsigned int i = 0; i < n && i < buf.size(); ++i) {
        if (buf[i].pid != pid_) continue;
        if (buf[i].usedGpuMemory == kValueNotAvailable) return;
        mine += static_cast<double>(buf[i].usedGpuMemory);
        matched = true;
      }
      listed += n;
      best = std::isnan(best) ? mine : std::max(best, mine);
      return;
    }
  };
  if (a.compute_procs != nullptr) scan(a.compute_procs, procs_, "nvmlDeviceGetComputeRunningProcesses");
  else scan(a.compute_procs_v1, procs_v1_, "nvmlDeviceGetComputeRunningProcesses");
  if (*fatal) return kNaN;
  if (a.graphics_procs != nullptr) scan(a.graphics_procs, procs_, "nvmlDeviceGetGraphicsRunningProcesses");
  else scan(a.graphics_procs_v1, procs_v1_, "nvmlDeviceGetGraphicsRunningProcesses");
  // In a container NVML lists host PIDs: processes listed but none with our PID may include
  // this one under its host PID, so the value is unknown, not 0. No process listed is 0 anywhere.
  if (nested_pid_namespace_ && !matched && listed > 0) return kNaN;
  return best;
}

void NvmlSource::Sample(double* out) {
  const size_t n = devs_.size() * kGpuMetricCount;
  for (size_t i = 0; i < n; ++i) out[i] = kNaN;
  if (!available_) return;
  for (size_t dev = 0; dev < devs_.size() && available_; ++dev) {
    if (devs_[dev].lost) continue;
    double* o = out + dev * kGpuMetricCount;
    SampleDevice(dev, o);
    if (devs_[dev].lost) {
      for (int m = 0; m < kGpuMetricCount; ++m) o[m] = kNaN;
    }
  }
  if (!available_) {
    for (size_t i = 0; i < n; ++i) out[i] = kNaN;
  }
}

void NvmlSource::SampleDevice(size_t dev, double* o) {
  const NvmlApi& a = lib_.api();
  Device& d = devs_[dev];
  nvmlReturn_t r;
  if (a.utilization != nullptr && !d.unsupported[kGUtil]) {
    nvmlUtilization_t u{};
    r = a.utilization(d.handle, &u);
    if (!Check(r, dev, kGUtil, "nvmlDeviceGetUtilizationRates")) return;
    if (r == NVML_SUCCESS) {
      o[kGpuUtil] = u.gpu;
      o[kGpuMemUtil] = u.memory;
    }
  }
  if (!d.unsupported[kGMem]) {
    if (a.memory_v2 != nullptr && !d.memory_v1) {
      nvmlMemory_v2_t m{};
      m.version = kNvmlMemoryV2Version;
      r = a.memory_v2(d.handle, &m);
      if ((r == NVML_ERROR_ARGUMENT_VERSION_MISMATCH || r == NVML_ERROR_FUNCTION_NOT_FOUND ||
           r == NVML_ERROR_NOT_SUPPORTED) &&
          a.memory_v1 != nullptr) {
        d.memory_v1 = true;  // fall back for this and later samples
      } else {
        if (!Check(r, dev, kGMem, "nvmlDeviceGetMemoryInfo_v2")) return;
        if (r == NVML_SUCCESS) {
          o[kGpuMemUsed] = static_cast<double>(m.used);
          o[kGpuMemTotal] = static_cast<double>(m.total);
        }
      }
    }
    if ((a.memory_v2 == nullptr || d.memory_v1) && a.memory_v1 != nullptr) {
      nvmlMemory_t m{};
      r = a.memory_v1(d.handle, &m);
      if (!Check(r, dev, kGMem, "nvmlDeviceGetMemoryInfo")) return;
      if (r == NVML_SUCCESS) {
        o[kGpuMemUsed] = static_cast<double>(m.used);
        o[kGpuMemTotal] = static_cast<double>(m.total);
      }
    }
  }
  unsigned int v = 0;
  if (a.temperature != nullptr && !d.unsupported[kGTemp]) {
    r = a.temperature(d.handle, NVML_TEMPERATURE_GPU, &v);
    if (!Check(r, dev, kGTemp, "nvmlDeviceGetTemperature")) return;
    if (r == NVML_SUCCESS) o[kGpuTemperature] = v;
  }
  if (a.power != nullptr && !d.unsupported[kGPower]) {
    r = a.power(d.handle, &v);
    if (!Check(r, dev, kGPower, "nvmlDeviceGetPowerUsage")) return;
    if (r == NVML_SUCCESS) o[kGpuPowerWatts] = v / 1000.0;
  }
  if (a.clock != nullptr && !d.unsupported[kGClockSm]) {
    r = a.clock(d.handle, NVML_CLOCK_SM, &v);
    if (!Check(r, dev, kGClockSm, "nvmlDeviceGetClockInfo")) return;
    if (r == NVML_SUCCESS) o[kGpuClockSm] = v;
  }
  if (a.clock != nullptr && !d.unsupported[kGClockMem]) {
    r = a.clock(d.handle, NVML_CLOCK_MEM, &v);
    if (!Check(r, dev, kGClockMem, "nvmlDeviceGetClockInfo")) return;
    if (r == NVML_SUCCESS) o[kGpuClockMem] = v;
  }
  if (pcie_ != nullptr) {
    o[kGpuPcieTx] = pcie_[dev].tx.load(std::memory_order_relaxed);
    o[kGpuPcieRx] = pcie_[dev].rx.load(std::memory_order_relaxed);
  }
  if (a.clock_events != nullptr && !d.unsupported[kGEvents]) {
    unsigned long long reasons = 0;
    r = a.clock_events(d.handle, &reasons);
    if (!Check(r, dev, kGEvents, "nvmlDeviceGetCurrentClocksEventReasons")) return;
    if (r == NVML_SUCCESS) {
      o[kGpuClockEventReasons] = static_cast<double>(reasons);
      o[kGpuThrottled] = (reasons & kThrottleMask) != 0 ? 1.0 : 0.0;
    }
  }
  if (!d.unsupported[kGProcs]) {
    bool fatal = false;
    o[kGpuProcessMemUsed] = ProcessMemory(dev, &fatal);
    if (fatal) return;
  }
}

void NvmlSource::StartPcie(double interval_ms) {
  StopPcie();
  if (!available_ || devs_.empty() || lib_.api().pcie == nullptr || !(interval_ms > 0)) return;
  if (pcie_ == nullptr) pcie_ = std::make_unique<PcieSlot[]>(devs_.size());
  ReadPcie();
  {
    std::lock_guard<std::mutex> lock(pcie_mu_);
    pcie_stop_ = false;
  }
  try {
    pcie_thread_ = std::thread([this, interval_ms] { PcieLoop(interval_ms); });
  } catch (const std::exception&) {
    // No thread: the first reading stays; Sample() goes on without PCIe updates.
  }
}

void NvmlSource::StopPcie() {
  {
    std::lock_guard<std::mutex> lock(pcie_mu_);
    pcie_stop_ = true;
  }
  pcie_cv_.notify_all();
  if (pcie_thread_.joinable()) pcie_thread_.join();
}

void NvmlSource::PcieLoop(double interval_ms) {
  pthread_setname_np(pthread_self(), "opk-nvml-pcie");
  Pacer pace(interval_ms);
  pace.Advance();  // the first reading was taken by StartPcie
  std::unique_lock<std::mutex> lock(pcie_mu_);
  while (!pcie_cv_.wait_until(lock, pace.next, [this] { return pcie_stop_; })) {
    lock.unlock();
    ReadPcie();
    lock.lock();
    pace.Advance();
  }
}

void NvmlSource::ReadPcie() {
  const NvmlApi& a = lib_.api();
  for (size_t dev = 0; dev < devs_.size(); ++dev) {
    PcieSlot& p = pcie_[dev];
    if (p.dead) continue;
    for (int dir = 0; dir < 2; ++dir) {
      bool& off = dir == 0 ? p.tx_off : p.rx_off;
      std::atomic<double>& out = dir == 0 ? p.tx : p.rx;
      if (off) continue;
      unsigned int v = 0;
      const nvmlReturn_t r =
          a.pcie(devs_[dev].handle, dir == 0 ? NVML_PCIE_UTIL_TX_BYTES : NVML_PCIE_UTIL_RX_BYTES, &v);
      if (r == NVML_SUCCESS) {
        out.store(v * 1024.0, std::memory_order_relaxed);  // NVML reports KB/s
        continue;
      }
      out.store(kNaN, std::memory_order_relaxed);
      if (IsUnsupportedNvmlResult(r)) {
        off = true;
      } else if (IsFatalNvmlError(r)) {  // lost device or library error
        p.dead = true;
        p.rx.store(kNaN, std::memory_order_relaxed);
        break;
      }
    }
  }
}

void NvmlSource::Close() {
  StopPcie();
  if (initialized_ && lib_.api().shutdown != nullptr) lib_.api().shutdown();
  initialized_ = false;
}

}  // namespace opk::gpu
