// N-API glue for the monitor area: the resource sampler. (The CUPTI tracer is in
// monitor_tracer.cc, shared helpers in monitor_common.*.) Options arrive validated by zod in
// src/monitor; this layer re-checks types and ranges and copies them into core structs.
#include <memory>

#include "binding/addon_data.h"
#include "binding/areas.h"
#include "binding/args.h"
#include "binding/errors.h"
#include "binding/monitor_common.h"
#include "gpu/metrics.h"
#include "gpu/sampler.h"
#include "gpu/summary.h"

namespace opk::binding {

namespace {

using gpu::Sampler;

Napi::Array Strings(Napi::Env env, const char* const* names, size_t n) {
  Napi::Array a = Napi::Array::New(env, n);
  for (size_t i = 0; i < n; ++i) a.Set(static_cast<uint32_t>(i), names[i]);
  return a;
}

// monitorMetricNames() -> {host: string[], gpu: string[], leading: 2, summaryStats: 5}
Napi::Value MetricNames(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("host", Strings(env, gpu::kHostMetricNames, gpu::kHostMetricCount));
  o.Set("gpu", Strings(env, gpu::kGpuMetricNames, gpu::kGpuMetricCount));
  o.Set("leading", gpu::kLeadingCols);
  o.Set("summaryStats", gpu::kSummaryStats);
  return o;
}

// samplerCreate({intervalMs, pcieIntervalMs, capacity, host, gpu, nvmlLibrary, devices, cudaVisibleDevices, procRoot})
Napi::Value SamplerCreate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MonitorEnv* menv = EnvOf(info);
  Napi::Object o = RequireObject(info, 0, "options");
  gpu::SamplerConfig c;
  c.interval_ms = OptionalFiniteNumber(o, "intervalMs", 100);
  if (c.interval_ms <= 0) ThrowRange(env, "intervalMs must be > 0, got " + std::to_string(c.interval_ms));
  c.pcie_interval_ms = OptionalFiniteNumber(o, "pcieIntervalMs", 1000);
  c.capacity = static_cast<size_t>(OptionalInteger(o, "capacity", 6000, 1, 10000000));
  c.host = OptionalBoolean(o, "host", true);
  c.gpu = OptionalBoolean(o, "gpu", true);
  c.nvml_candidates = gpu::NvmlCandidates(OptionalString(o, "nvmlLibrary").value_or(""));
  if (auto root = OptionalString(o, "procRoot")) c.proc_root = *root;
  if (HasValue(o, "cudaVisibleDevices")) {
    Napi::Value v = o.Get("cudaVisibleDevices");
    if (!v.IsNull()) {
      std::string s = RequireString(v, "cudaVisibleDevices");
      c.visible = gpu::ParseVisibleDevices(s.c_str());
    }
  }
  if (HasValue(o, "devices")) {
    Napi::Value v = o.Get("devices");
    if (!v.IsArray()) ThrowType(env, "devices must be an array of device indices or UUID strings");
    Napi::Array arr = v.As<Napi::Array>();
    for (uint32_t i = 0; i < arr.Length(); ++i) {
      Napi::Value d = arr.Get(i);
      gpu::DeviceSelector s;
      if (d.IsString()) {
        s.by_uuid = true;
        s.uuid = d.As<Napi::String>().Utf8Value();
        if (s.uuid.empty()) ThrowRange(env, "devices[" + std::to_string(i) + "] is an empty UUID", "ERR_UNKNOWN_DEVICE");
      } else {
        s.index = static_cast<unsigned int>(RequireInteger(d, "devices[i]", 0, 65535));
      }
      c.devices.push_back(std::move(s));
    }
  }
  Status st = Sampler::Validate(c);
  if (!st.ok()) Throw(env, st);
  auto sampler = std::make_shared<Sampler>(std::move(c));
  menv->Add(sampler);
  return MakeHandle(env, std::move(sampler), &kSamplerTag);
}

std::shared_ptr<Sampler> GetSampler(const Napi::CallbackInfo& info) {
  return GetHandle<Sampler>(info, &kSamplerTag, "ResourceSampler");
}

Napi::Value SamplerStart(const Napi::CallbackInfo& info) {
  auto s = GetSampler(info);
  return PromiseWorker::Run(info.Env(), "ocr-perfkit:monitor", [s] { return s->Start(); });
}

// samplerStop(handle, close = false) -> Promise<void>
Napi::Value SamplerStop(const Napi::CallbackInfo& info) {
  auto s = GetSampler(info);
  const bool close = info.Length() > 1 && info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value();
  return PromiseWorker::Run(info.Env(), "ocr-perfkit:monitor", [s, close] {
    if (close) s->Close();
    else s->Stop();
    return Status::Ok();
  });
}

// samplerLatest(handle, out: Float64Array) -> number of values written (0 when no sample yet)
Napi::Value SamplerLatest(const Napi::CallbackInfo& info) {
  auto s = GetSampler(info);
  if (info.Length() < 2) ThrowType(info.Env(), "out must be a Float64Array");
  ArrayView<double> out = RequireFloat64Array(info[1], "out");
  const size_t w = s->width();
  if (out.length < w) {
    ThrowRange(info.Env(), "out must hold " + std::to_string(w) + " values, has " + std::to_string(out.length),
               "ERR_BUFFER_SIZE");
  }
  return Napi::Number::New(info.Env(), s->Latest(out.data, out.length) ? static_cast<double>(w) : 0.0);
}

double SinceArg(const Napi::CallbackInfo& info) {
  if (info.Length() < 2 || info[1].IsUndefined() || info[1].IsNull()) return -1e300;
  return RequireNumber(info[1], "since");
}

Napi::Value ToFloat64Array(Napi::Env env, const std::vector<double>& v) {
  Napi::Float64Array a = Napi::Float64Array::New(env, v.size());
  std::copy(v.begin(), v.end(), a.Data());
  return a;
}

// samplerRows(handle, since?) -> Float64Array (rows of width())
Napi::Value SamplerRows(const Napi::CallbackInfo& info) {
  auto s = GetSampler(info);
  std::vector<double> rows;
  s->Rows(SinceArg(info), &rows);
  return ToFloat64Array(info.Env(), rows);
}

// samplerSummary(handle, since?) -> Promise<Float64Array> (width() * 5: mean, min, max, p95, count)
Napi::Value SamplerSummary(const Napi::CallbackInfo& info) {
  auto s = GetSampler(info);
  auto rows = std::make_shared<std::vector<double>>();
  auto out = std::make_shared<std::vector<double>>();
  const size_t width = s->width();
  s->Rows(SinceArg(info), rows.get());  // one copy under the lock; the sort runs off-thread
  return PromiseWorker::Run(
      info.Env(), "ocr-perfkit:monitor",
      [rows, out, width] {
        gpu::SummarizeRows(rows->data(), width == 0 ? 0 : rows->size() / width, width, out.get());
        return Status::Ok();
      },
      [out](Napi::Env env) { return ToFloat64Array(env, *out); });
}

// samplerSummarySync(handle, since?) -> Float64Array
Napi::Value SamplerSummarySync(const Napi::CallbackInfo& info) {
  auto s = GetSampler(info);
  std::vector<double> rows, out;
  const size_t width = s->width();
  s->Rows(SinceArg(info), &rows);
  gpu::SummarizeRows(rows.data(), width == 0 ? 0 : rows.size() / width, width, &out);
  return ToFloat64Array(info.Env(), out);
}

Napi::Object SourceJs(Napi::Env env, const gpu::SourceState& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("enabled", s.enabled);
  o.Set("available", s.available);
  o.Set("reason", s.reason);
  return o;
}

// samplerState(handle) -> {running, started, host, nvml, devices, width, samples, dropped, taken}
Napi::Value SamplerState(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto s = GetSampler(info);
  gpu::SamplerState st = s->State();
  Napi::Object o = Napi::Object::New(env);
  o.Set("running", st.running);
  o.Set("started", st.started_once);
  o.Set("host", SourceJs(env, st.host));
  Napi::Object nvml = SourceJs(env, st.nvml);
  nvml.Set("library", st.nvml_path);
  Napi::Object syms = Napi::Object::New(env);
  for (const auto& kv : st.nvml_symbols) syms.Set(kv.first, kv.second);
  nvml.Set("symbols", syms);
  o.Set("nvml", nvml);
  Napi::Array devs = Napi::Array::New(env, st.devices.size());
  for (size_t i = 0; i < st.devices.size(); ++i) {
    Napi::Object d = Napi::Object::New(env);
    d.Set("nvmlIndex", st.devices[i].nvml_index);
    d.Set("cudaOrdinal", st.devices[i].cuda_ordinal);
    d.Set("uuid", st.devices[i].uuid);
    d.Set("name", st.devices[i].name);
    d.Set("available", st.device_states[i].available);
    d.Set("reason", st.device_states[i].reason);
    devs.Set(static_cast<uint32_t>(i), d);
  }
  o.Set("devices", devs);
  o.Set("width", static_cast<double>(s->width()));
  o.Set("samples", static_cast<double>(st.samples));
  o.Set("dropped", static_cast<double>(st.dropped));
  o.Set("taken", static_cast<double>(st.taken));
  return o;
}

// monitorNow() -> CLOCK_MONOTONIC ms (the clock of sample timestamps and `since`).
Napi::Value MonitorNow(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), gpu::MonotonicMs()); }

}  // namespace

void InitMonitorSampler(Napi::Env env, Napi::Object exports, MonitorEnv* data) {
  Export<MetricNames>(env, exports, "monitorMetricNames", data);
  Export<MonitorNow>(env, exports, "monitorNow", data);
  Export<SamplerCreate>(env, exports, "samplerCreate", data);
  Export<SamplerStart>(env, exports, "samplerStart", data);
  Export<SamplerStop>(env, exports, "samplerStop", data);
  Export<SamplerLatest>(env, exports, "samplerLatest", data);
  Export<SamplerRows>(env, exports, "samplerRows", data);
  Export<SamplerSummary>(env, exports, "samplerSummary", data);
  Export<SamplerSummarySync>(env, exports, "samplerSummarySync", data);
  Export<SamplerState>(env, exports, "samplerState", data);
}

void InitMonitor(Napi::Env env, Napi::Object exports) {
  auto menv = std::make_shared<MonitorEnv>();
  AddonData::Get(env)->OnCleanup([menv] { menv->CloseAll(); });
  InitMonitorSampler(env, exports, menv.get());
  InitMonitorTracer(env, exports, menv.get());
  InitMonitorProbe(env, exports, menv.get());
}

}  // namespace opk::binding
