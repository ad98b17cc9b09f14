#include "gpu/cupti_tracer.h"

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace opk::gpu {

namespace {

// The tracer the CUPTI callbacks feed (CUPTI is process-wide; so is this).
std::mutex& ActiveMutex() {
  static std::mutex m;
  return m;
}
CuptiTracer*& Active() {
  static CuptiTracer* active = nullptr;
  return active;
}
const CuptiLibrary*& ActiveLib() {
  static const CuptiLibrary* lib = nullptr;
  return lib;
}

template <typename T>
T Field(const uint8_t* r, size_t off) {
  T v;
  std::memcpy(&v, r + off, sizeof v);
  return v;
}

void OnBufferRequested(uint8_t** buffer, size_t* size, size_t* max_records) {
  size_t bytes = 8u << 20;
  {
    std::lock_guard<std::mutex> lock(ActiveMutex());
    if (Active() != nullptr) bytes = Active()->buffer_bytes();
  }
  *buffer = static_cast<uint8_t*>(std::aligned_alloc(8, bytes));
  *size = *buffer != nullptr ? bytes : 0;
  *max_records = 0;  // as many as fit
}

void OnBufferCompleted(CUcontext ctx, uint32_t stream, uint8_t* buffer, size_t size, size_t valid) {
  {
    std::lock_guard<std::mutex> lock(ActiveMutex());
    if (Active() != nullptr && buffer != nullptr) Active()->Ingest(buffer, valid, ctx, stream);
  }
  std::free(buffer);
}

void OnApiCallback(void*, int, uint32_t, const void*) {}

}  // namespace

Status CuptiTracer::Validate(const TracerConfig& c) {
  if (c.buffer_bytes < 4096 || c.buffer_bytes > (256u << 20) || c.buffer_bytes % 8 != 0) {
    return OutOfRange("bufferBytes must be a multiple of 8 between 4096 and 268435456");
  }
  if (!c.kernels && !c.memcpy && !c.memset && !c.runtime) {
    return OutOfRange("at least one of kernels, memcpy, memset, runtime must be enabled");
  }
  return Status::Ok();
}

CuptiTracer::CuptiTracer(TracerConfig config) : config_(std::move(config)) {}

CuptiTracer::~CuptiTracer() { Close(); }

bool CuptiTracer::running() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_;
}

Status CuptiTracer::Start() {
  std::lock_guard<std::mutex> ctl(ctl_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return Status(StatusCode::kClosed, "the tracer was closed", "ERR_CLOSED");
    if (running_) return Status::Ok();
  }
  if (lib_ == nullptr) OPK_RETURN_IF_ERROR(LoadCupti(config_.candidates, &lib_));
  const CuptiApi& a = lib_->api;
  {
    std::lock_guard<std::mutex> lock(ActiveMutex());
    if (Active() != nullptr) {
      return Status(StatusCode::kLibraryError,
                    "another CuptiTracer is already running in this process. Hint: CUPTI is process-wide; stop "
                    "the other tracer first.",
                    "ERR_CUPTI_SUBSCRIBER");
    }
    Active() = this;
    ActiveLib() = lib_;
  }
  auto fail = [&](Status st) {
    Teardown(false);
    return st;
  };
  CUptiResult r;
  if (a.subscribe != nullptr) {
    // Claims CUPTI's single subscriber slot so that a conflicting profiler is reported now.
    r = a.subscribe(&subscriber_, &OnApiCallback, nullptr);
    if (r != CUPTI_SUCCESS) {
      subscriber_ = nullptr;
      return fail(CuptiError(*lib_, "cuptiSubscribe", r));
    }
  }
  r = a.register_callbacks(&OnBufferRequested, &OnBufferCompleted);
  if (r != CUPTI_SUCCESS) return fail(CuptiError(*lib_, "cuptiActivityRegisterCallbacks", r));
  std::vector<int> kinds;
  if (config_.kernels) kinds.push_back(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL);
  if (config_.memcpy) kinds.push_back(CUPTI_ACTIVITY_KIND_MEMCPY);
  if (config_.memset) kinds.push_back(CUPTI_ACTIVITY_KIND_MEMSET);
  if (config_.runtime) kinds.push_back(CUPTI_ACTIVITY_KIND_RUNTIME);
  for (int k : kinds) {
    r = a.enable(k);
    if (r != CUPTI_SUCCESS) {
      return fail(CuptiError(*lib_, ("cuptiActivityEnable(" + std::to_string(k) + ")").c_str(), r));
    }
    enabled_kinds_.push_back(k);
  }
  std::lock_guard<std::mutex> lock(mu_);
  running_ = true;
  return Status::Ok();
}

void CuptiTracer::Teardown(bool finalize) {
  const CuptiApi& a = lib_->api;
  for (int k : enabled_kinds_) a.disable(k);
  enabled_kinds_.clear();
  if (finalize) a.flush_all(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
  if (subscriber_ != nullptr && a.unsubscribe != nullptr) a.unsubscribe(subscriber_);
  subscriber_ = nullptr;
  if (finalize && a.finalize != nullptr) a.finalize();
  std::lock_guard<std::mutex> lock(ActiveMutex());
  if (Active() == this) {
    Active() = nullptr;
    ActiveLib() = nullptr;
  }
}

Status CuptiTracer::Flush() {
  std::lock_guard<std::mutex> ctl(ctl_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return Status::Ok();
  }
  CUptiResult r = lib_->api.flush_all(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
  if (r != CUPTI_SUCCESS) return CuptiError(*lib_, "cuptiActivityFlushAll", r);
  return Status::Ok();
}

Status CuptiTracer::Stop() {
  std::lock_guard<std::mutex> ctl(ctl_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return Status::Ok();
  }
  CUptiResult r = lib_->api.flush_all(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
  Teardown(true);
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_ = false;
  }
  if (r != CUPTI_SUCCESS) return CuptiError(*lib_, "cuptiActivityFlushAll", r);
  return Status::Ok();
}

void CuptiTracer::Close() {
  (void)Stop();
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
}

int32_t CuptiTracer::Intern(const char* raw) {
  std::string key = raw != nullptr ? raw : "<unknown>";
  auto it = name_ids_.find(key);
  if (it != name_ids_.end()) return it->second;
  std::string shown = key;
  if (config_.demangle && key.rfind("_Z", 0) == 0) {
    int status = 0;
    char* d = abi::__cxa_demangle(key.c_str(), nullptr, nullptr, &status);
    if (status == 0 && d != nullptr) shown = d;
    std::free(d);
  }
  const int32_t id = static_cast<int32_t>(names_.size());
  names_.push_back(shown);
  kernel_aggs_.emplace_back();
  name_ids_.emplace(std::move(key), id);
  return id;
}

void CuptiTracer::Parse(const uint8_t* r) {
  const uint32_t kind = Field<uint32_t>(r, rec::kKind);
  TraceEvent e{};
  e.name = -1;
  switch (kind) {
    case CUPTI_ACTIVITY_KIND_KERNEL:
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL: {
      e.kind = EventKind::kKernel;
      e.start = Field<uint64_t>(r, rec::kKernelStart);
      e.end = Field<uint64_t>(r, rec::kKernelEnd);
      e.device = Field<uint32_t>(r, rec::kKernelDevice);
      e.context = Field<uint32_t>(r, rec::kKernelContext);
      e.stream = Field<uint32_t>(r, rec::kKernelStream);
      e.correlation = Field<uint32_t>(r, rec::kKernelCorrelation);
      for (int i = 0; i < 3; ++i) {
        e.grid[i] = Field<uint32_t>(r, rec::kKernelGrid + 4 * i);
        e.block[i] = Field<uint32_t>(r, rec::kKernelBlock + 4 * i);
      }
      e.name = Intern(Field<const char*>(r, rec::kKernelName));
      KernelAggregate& agg = kernel_aggs_[static_cast<size_t>(e.name)];
      const uint64_t d = e.end >= e.start ? e.end - e.start : 0;
      ++agg.count;
      agg.total_ns += d;
      agg.min_ns = std::min(agg.min_ns, d);
      agg.max_ns = std::max(agg.max_ns, d);
      break;
    }
    case CUPTI_ACTIVITY_KIND_MEMCPY:
    case CUPTI_ACTIVITY_KIND_MEMSET: {
      e.kind = kind == CUPTI_ACTIVITY_KIND_MEMCPY ? EventKind::kMemcpy : EventKind::kMemset;
      e.copy_kind = kind == CUPTI_ACTIVITY_KIND_MEMCPY ? Field<uint8_t>(r, rec::kMemCopyKind) : 0;
      e.bytes = Field<uint64_t>(r, rec::kMemBytes);
      e.start = Field<uint64_t>(r, rec::kMemStart);
      e.end = Field<uint64_t>(r, rec::kMemEnd);
      e.device = Field<uint32_t>(r, rec::kMemDevice);
      e.context = Field<uint32_t>(r, rec::kMemContext);
      e.stream = Field<uint32_t>(r, rec::kMemStream);
      e.correlation = Field<uint32_t>(r, rec::kMemCorrelation);
      TransferAggregate& t = kind == CUPTI_ACTIVITY_KIND_MEMCPY ? memcpy_ : memset_;
      ++t.count;
      t.bytes += e.bytes;
      t.total_ns += e.end >= e.start ? e.end - e.start : 0;
      break;
    }
    case CUPTI_ACTIVITY_KIND_RUNTIME:
    case CUPTI_ACTIVITY_KIND_DRIVER: {
      e.kind = EventKind::kRuntime;
      const uint32_t cbid = Field<uint32_t>(r, rec::kApiCbid);
      e.start = Field<uint64_t>(r, rec::kApiStart);
      e.end = Field<uint64_t>(r, rec::kApiEnd);
      e.correlation = Field<uint32_t>(r, rec::kApiCorrelation);
      e.stream = Field<uint32_t>(r, rec::kApiThread);  // the calling thread, in the stream slot
      const std::string label =
          std::string(kind == CUPTI_ACTIVITY_KIND_RUNTIME ? "runtime#" : "driver#") + std::to_string(cbid);
      e.name = Intern(label.c_str());
      break;
    }
    default:
      return;  // a kind we did not enable
  }
  ++records_;
  if (events_.size() < config_.max_events) events_.push_back(e);
  else ++dropped_events_;
}

void CuptiTracer::Ingest(uint8_t* buffer, size_t valid, CUcontext ctx, uint32_t stream) {
  const CuptiApi& a = lib_->api;
  std::lock_guard<std::mutex> lock(mu_);
  void* record = nullptr;
  while (valid > 0 && a.next_record(buffer, valid, &record) == CUPTI_SUCCESS && record != nullptr) {
    Parse(static_cast<const uint8_t*>(record));
  }
  if (a.dropped != nullptr) {
    size_t n = 0;
    if (a.dropped(ctx, stream, &n) == CUPTI_SUCCESS) dropped_records_ += n;
  }
}

std::map<std::string, KernelAggregate> CuptiTracer::Kernels() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, KernelAggregate> out;
  for (size_t i = 0; i < names_.size(); ++i) {
    if (kernel_aggs_[i].count > 0) out[names_[i]] = kernel_aggs_[i];
  }
  return out;
}

void CuptiTracer::Transfers(TransferAggregate* mc, TransferAggregate* ms) const {
  std::lock_guard<std::mutex> lock(mu_);
  *mc = memcpy_;
  *ms = memset_;
}

std::vector<TraceEvent> CuptiTracer::Events(std::vector<std::string>* names) const {
  std::lock_guard<std::mutex> lock(mu_);
  *names = names_;
  return events_;
}

uint64_t CuptiTracer::dropped_events() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_events_;
}
uint64_t CuptiTracer::dropped_records() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_records_;
}
uint64_t CuptiTracer::records() const {
  std::lock_guard<std::mutex> lock(mu_);
  return records_;
}

void CuptiTracer::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& k : kernel_aggs_) k = KernelAggregate();
  memcpy_ = TransferAggregate();
  memset_ = TransferAggregate();
  events_.clear();
  dropped_events_ = dropped_records_ = records_ = 0;
}

std::string CuptiTracer::library_path() const { return lib_ != nullptr ? lib_->path : std::string(); }
uint32_t CuptiTracer::cupti_version() const { return lib_ != nullptr ? lib_->version : 0; }

}  // namespace opk::gpu
