// CUPTI activity tracer: kernels (concurrent), memcpy, memset and optionally runtime API
// records, collected through CUPTI's buffer callbacks into per-kernel aggregates and a capped
// list of raw events. CUPTI is process-wide, so at most one tracer runs per process; the
// buffer callbacks find it through a process-wide pointer.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "gpu/cupti_api.h"

namespace opk::gpu {

struct TracerConfig {
  std::vector<std::string> candidates;  // see CuptiCandidates()
  bool kernels = true, memcpy = true, memset = true, runtime = false;
  size_t buffer_bytes = 8u << 20;       // size of each activity buffer handed to CUPTI
  size_t max_events = 250000;           // raw events kept, ~80 bytes each (aggregates continue past it)
  bool demangle = true;                 // kernel names through abi::__cxa_demangle
};

enum class EventKind : uint8_t { kKernel = 0, kMemcpy = 1, kMemset = 2, kRuntime = 3 };

struct TraceEvent {
  EventKind kind;
  uint8_t copy_kind;      // memcpy direction (CUpti_ActivityMemcpyKind), 0 otherwise
  int32_t name;           // index into names() for kernels and runtime calls, -1 otherwise
  uint32_t device, context, stream, correlation;
  uint64_t start, end;    // ns, CUPTI timestamps
  uint64_t bytes;         // memcpy/memset size, 0 otherwise
  uint32_t grid[3], block[3];
};

struct KernelAggregate {
  uint64_t count = 0;
  uint64_t total_ns = 0, min_ns = UINT64_MAX, max_ns = 0;
};

struct TransferAggregate {
  uint64_t count = 0, bytes = 0, total_ns = 0;
};

class CuptiTracer {
 public:
  static Status Validate(const TracerConfig& config);
  explicit CuptiTracer(TracerConfig config);
  ~CuptiTracer();
  CuptiTracer(const CuptiTracer&) = delete;
  CuptiTracer& operator=(const CuptiTracer&) = delete;

  Status Start();
  Status Flush();
  // Flushes, disables activity, unsubscribes and calls cuptiFinalize. No-op when stopped.
  Status Stop();
  void Close();  // Stop (errors ignored) and refuse later starts
  bool running() const;

  // Copies, safe while running.
  std::map<std::string, KernelAggregate> Kernels() const;
  void Transfers(TransferAggregate* memcpy, TransferAggregate* memset) const;
  std::vector<TraceEvent> Events(std::vector<std::string>* names) const;
  uint64_t dropped_events() const;   // raw events not kept (max_events)
  uint64_t dropped_records() const;  // records CUPTI reported as dropped
  uint64_t records() const;          // records parsed
  void Clear();
  std::string library_path() const;
  uint32_t cupti_version() const;

  // Called by the static CUPTI callbacks.
  void Ingest(uint8_t* buffer, size_t valid, CUcontext ctx, uint32_t stream);
  size_t buffer_bytes() const { return config_.buffer_bytes; }

 private:
  int32_t Intern(const char* raw);
  void Parse(const uint8_t* r);
  void Teardown(bool finalize);

  TracerConfig config_;
  const CuptiLibrary* lib_ = nullptr;
  std::mutex ctl_mu_;
  mutable std::mutex mu_;
  bool running_ = false, closed_ = false;
  void* subscriber_ = nullptr;
  std::vector<int> enabled_kinds_;
  std::unordered_map<std::string, int32_t> name_ids_;
  std::vector<std::string> names_;
  std::vector<KernelAggregate> kernel_aggs_;  // by name id
  TransferAggregate memcpy_, memset_;
  std::vector<TraceEvent> events_;
  uint64_t dropped_events_ = 0, dropped_records_ = 0, records_ = 0;
};

}  // namespace opk::gpu
