// GPU metrics through NVML for a chosen set of devices. Open() runs once (off the JS thread),
// Sample() on the sampler thread. A library-level NVML error during Sample() (uninitialized,
// driver gone, version mismatch, unknown) turns the source off (available() false, reason()
// says why) without touching the other sources; a lost device (GPU_IS_LOST, RESET_REQUIRED)
// turns off that device only, and the source when every device is lost.
#pragma once

#include <atomic>
#include <condition_variable>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "gpu/nvml_api.h"
#include "gpu/visible_devices.h"

namespace opk::gpu {

// A device the user asked for: a CUDA ordinal (index among the visible devices) or a UUID
// (or unique UUID prefix).
struct DeviceSelector {
  bool by_uuid = false;
  unsigned int index = 0;
  std::string uuid;
};

struct GpuDeviceInfo {
  unsigned int nvml_index = 0;   // NVML's own index (PCI order)
  unsigned int cuda_ordinal = 0; // position among the CUDA-visible devices
  std::string uuid;
  std::string name;
};

class NvmlSource {
 public:
  // nested_pid_namespace: this process runs in a PID namespace other than the host's (a
  // container), so the PIDs NVML reports (the host's) cannot be matched with `pid`; see
  // ProcessMemory.
  NvmlSource(std::vector<std::string> candidates, std::optional<std::vector<VisibleEntry>> visible,
             std::vector<DeviceSelector> selectors, unsigned int pid, bool nested_pid_namespace = false);
  ~NvmlSource();
  NvmlSource(const NvmlSource&) = delete;
  NvmlSource& operator=(const NvmlSource&) = delete;

  // Loads and initialises NVML and resolves the devices. A missing library or a failing
  // nvmlInit is not an error (the source is just unavailable); an unknown device is
  // (OutOfRange, ERR_UNKNOWN_DEVICE), as is a CUDA_VISIBLE_DEVICES that hides every device
  // while devices were requested.
  Status Open();
  // Writes devices().size() * kGpuMetricCount values (NaN where unknown). The PCIe columns
  // are the newest values of the PCIe thread (StartPcie), NaN when it is off.
  void Sample(double* out);
  // Stops the PCIe thread and shuts NVML down. Idempotent.
  void Close();

  // nvmlDeviceGetPcieThroughput measures over a 20 ms window and blocks for it (seen on an H100
  // with driver 580: 20.8 ms wall, 0.7 ms CPU per call, two calls per device), so it cannot sit
  // on the sampling path: a thread of its own reads it every `interval_ms` and Sample() copies
  // the newest values. The first reading is taken before StartPcie returns. No-op when the
  // source is unavailable, the symbol is missing or interval_ms is 0. StopPcie joins the thread.
  void StartPcie(double interval_ms);
  void StopPcie();

  bool available() const { return available_; }
  const std::string& reason() const { return reason_; }
  const std::vector<GpuDeviceInfo>& devices() const { return infos_; }
  const NvmlLibrary& library() const { return lib_; }

  // Per-device state, changed by Sample() (sampler thread). generation() increments on every
  // change so the sampler republishes only then.
  struct DeviceState {
    bool available = true;
    std::string reason;
  };
  unsigned int generation() const { return generation_; }
  std::vector<DeviceState> device_states() const;

 private:
  struct Device {
    nvmlDevice_t handle = nullptr;
    bool unsupported[16] = {};  // per GpuMetric group, set after NOT_SUPPORTED/NO_PERMISSION
    bool memory_v1 = false;     // the driver rejected the v2 memory struct: use v1
    bool lost = false;          // GPU_IS_LOST / RESET_REQUIRED: skipped from then on
    std::string lost_reason;
  };
  void SampleDevice(size_t dev, double* o);
  // Returns false after a fatal error (source turned off).
  bool Check(nvmlReturn_t r, size_t dev, int group, const char* fn);
  double ProcessMemory(size_t dev, bool* fatal);
  void Fail(const std::string& why);
  void PcieLoop(double interval_ms);
  void ReadPcie();

  // Newest PCIe readings per device (bytes/s, NaN when unknown), written by the PCIe thread.
  // Its own flags: a direction the device does not support, or a device whose calls fail
  // (lost device, library error: the sampling path turns the device or the source off itself).
  struct PcieSlot {
    std::atomic<double> tx{std::numeric_limits<double>::quiet_NaN()};
    std::atomic<double> rx{std::numeric_limits<double>::quiet_NaN()};
    bool tx_off = false, rx_off = false, dead = false;
  };
  std::unique_ptr<PcieSlot[]> pcie_;
  std::thread pcie_thread_;
  std::mutex pcie_mu_;
  std::condition_variable pcie_cv_;
  bool pcie_stop_ = false;

  std::vector<std::string> candidates_;
  std::optional<std::vector<VisibleEntry>> visible_;
  std::vector<DeviceSelector> selectors_;
  unsigned int pid_;
  bool nested_pid_namespace_;
  NvmlLibrary lib_;
  bool initialized_ = false;
  bool available_ = false;
  std::string reason_ = "not started";
  std::vector<Device> devs_;
  std::vector<GpuDeviceInfo> infos_;
  std::vector<nvmlProcessInfo_t> procs_;
  std::vector<nvmlProcessInfo_v1_t> procs_v1_;
  unsigned int generation_ = 0;
};

}  // namespace opk::gpu
