// N-API glue for the CUPTI tracer and the test-only CUDA kernel launcher.
#include <memory>

#include "binding/args.h"
#include "binding/errors.h"
#include "binding/monitor_common.h"
#include "gpu/cuda_launcher.h"
#include "gpu/cupti_tracer.h"

namespace opk::binding {

namespace {

using gpu::CuptiTracer;

// tracerCreate({cuptiLibrary, kernels, memcpy, memset, runtime, bufferBytes, maxEvents, demangle})
Napi::Value TracerCreate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = RequireObject(info, 0, "options");
  gpu::TracerConfig c;
  c.candidates = gpu::CuptiCandidates(OptionalString(o, "cuptiLibrary").value_or(""));
  c.kernels = OptionalBoolean(o, "kernels", true);
  c.memcpy = OptionalBoolean(o, "memcpy", true);
  c.memset = OptionalBoolean(o, "memset", true);
  c.runtime = OptionalBoolean(o, "runtime", false);
  c.demangle = OptionalBoolean(o, "demangle", true);
  c.buffer_bytes = static_cast<size_t>(OptionalInteger(o, "bufferBytes", 8 << 20, 4096, 256 << 20));
  c.max_events = static_cast<size_t>(OptionalInteger(o, "maxEvents", 250000, 0, 100000000));
  Status st = CuptiTracer::Validate(c);
  if (!st.ok()) Throw(env, st);
  auto t = std::make_shared<CuptiTracer>(std::move(c));
  EnvOf(info)->Add(t);
  return MakeHandle(env, std::move(t), &kTracerTag);
}

std::shared_ptr<CuptiTracer> GetTracer(const Napi::CallbackInfo& info) {
  return GetHandle<CuptiTracer>(info, &kTracerTag, "CuptiTracer");
}

Napi::Value TracerStart(const Napi::CallbackInfo& info) {
  auto t = GetTracer(info);
  return PromiseWorker::Run(info.Env(), "ocr-perfkit:monitor", [t] { return t->Start(); });
}

Napi::Value TracerFlush(const Napi::CallbackInfo& info) {
  auto t = GetTracer(info);
  return PromiseWorker::Run(info.Env(), "ocr-perfkit:monitor", [t] { return t->Flush(); });
}

// tracerStop(handle, close = false)
Napi::Value TracerStop(const Napi::CallbackInfo& info) {
  auto t = GetTracer(info);
  const bool close = info.Length() > 1 && info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value();
  return PromiseWorker::Run(info.Env(), "ocr-perfkit:monitor", [t, close] {
    if (close) {
      t->Close();
      return Status::Ok();
    }
    return t->Stop();
  });
}

// tracerKernels(handle) -> [{name, count, totalNs, minNs, maxNs}] (ns as numbers: exact below 2^53)
Napi::Value TracerKernels(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto k = GetTracer(info)->Kernels();
  Napi::Array a = Napi::Array::New(env, k.size());
  uint32_t i = 0;
  for (const auto& [name, agg] : k) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", name);
    o.Set("count", static_cast<double>(agg.count));
    o.Set("totalNs", static_cast<double>(agg.total_ns));
    o.Set("minNs", static_cast<double>(agg.min_ns));
    o.Set("maxNs", static_cast<double>(agg.max_ns));
    a.Set(i++, o);
  }
  return a;
}

Napi::Object TransferJs(Napi::Env env, const gpu::TransferAggregate& t) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("count", static_cast<double>(t.count));
  o.Set("bytes", static_cast<double>(t.bytes));
  o.Set("totalNs", static_cast<double>(t.total_ns));
  return o;
}

// tracerStats(handle) -> {running, records, droppedEvents, droppedRecords, library, version, memcpy, memset}
Napi::Value TracerStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto t = GetTracer(info);
  gpu::TransferAggregate mc, ms;
  t->Transfers(&mc, &ms);
  Napi::Object o = Napi::Object::New(env);
  o.Set("running", t->running());
  o.Set("records", static_cast<double>(t->records()));
  o.Set("droppedEvents", static_cast<double>(t->dropped_events()));
  o.Set("droppedRecords", static_cast<double>(t->dropped_records()));
  o.Set("library", t->library_path());
  o.Set("version", static_cast<double>(t->cupti_version()));
  o.Set("memcpy", TransferJs(env, mc));
  o.Set("memset", TransferJs(env, ms));
  return o;
}

// tracerEvents(handle) -> columns {kind: Uint8Array, copyKind: Uint8Array, name: Int32Array,
//   device, context, stream, correlation: Uint32Array, start, end, bytes: BigUint64Array,
//   grid, block: Uint32Array (3 per event), names: string[]}
Napi::Value TracerEvents(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<std::string> names;
  std::vector<gpu::TraceEvent> ev = GetTracer(info)->Events(&names);
  const size_t n = ev.size();
  auto kind = Napi::Uint8Array::New(env, n);
  auto copy_kind = Napi::Uint8Array::New(env, n);
  auto name = Napi::Int32Array::New(env, n);
  auto device = Napi::Uint32Array::New(env, n);
  auto context = Napi::Uint32Array::New(env, n);
  auto stream = Napi::Uint32Array::New(env, n);
  auto corr = Napi::Uint32Array::New(env, n);
  auto start = Napi::BigUint64Array::New(env, n);
  auto end = Napi::BigUint64Array::New(env, n);
  auto bytes = Napi::BigUint64Array::New(env, n);
  auto grid = Napi::Uint32Array::New(env, n * 3);
  auto block = Napi::Uint32Array::New(env, n * 3);
  for (size_t i = 0; i < n; ++i) {
    const gpu::TraceEvent& e = ev[i];
    kind[i] = static_cast<uint8_t>(e.kind);
    copy_kind[i] = e.copy_kind;
    name[i] = e.name;
    device[i] = e.device;
    context[i] = e.context;
    stream[i] = e.stream;
    corr[i] = e.correlation;
    start[i] = e.start;
    end[i] = e.end;
    bytes[i] = e.bytes;
    for (int k = 0; k < 3; ++k) {
      grid[i * 3 + k] = e.grid[k];
      block[i * 3 + k] = e.block[k];
    }
  }
  Napi::Array names_js = Napi::Array::New(env, names.size());
  for (size_t i = 0; i < names.size(); ++i) names_js.Set(static_cast<uint32_t>(i), names[i]);
  Napi::Object o = Napi::Object::New(env);
  o.Set("kind", kind);
  o.Set("copyKind", copy_kind);
  o.Set("name", name);
  o.Set("device", device);
  o.Set("context", context);
  o.Set("stream", stream);
  o.Set("correlation", corr);
  o.Set("start", start);
  o.Set("end", end);
  o.Set("bytes", bytes);
  o.Set("grid", grid);
  o.Set("block", block);
  o.Set("names", names_js);
  return o;
}

Napi::Value TracerClear(const Napi::CallbackInfo& info) {
  GetTracer(info)->Clear();
  return info.Env().Undefined();
}

// debugCudaLaunch({libcuda, device, kernels, iterations, threads, blocks}) -> Promise<{...}>
// Test-only (scripts/gpu-check.js): see native/gpu/cuda_launcher.h.
Napi::Value DebugCudaLaunch(const Napi::CallbackInfo& info) {
  Napi::Object o = RequireObject(info, 0, "options");
  gpu::LaunchRequest req;
  req.libcuda = OptionalString(o, "libcuda").value_or("");
  req.device = static_cast<int>(OptionalInteger(o, "device", 0, 0, 1024));
  req.kernels = static_cast<int>(OptionalInteger(o, "kernels", 10, 0, 1000000));
  req.iterations = static_cast<unsigned int>(OptionalInteger(o, "iterations", 1 << 20, 0, 1LL << 31));
  req.threads = static_cast<unsigned int>(OptionalInteger(o, "threads", 256, 1, 1024));
  req.blocks = static_cast<unsigned int>(OptionalInteger(o, "blocks", 1024, 1, 1 << 20));
  auto result = std::make_shared<gpu::LaunchResult>();
  return PromiseWorker::Run(
      info.Env(), "ocr-perfkit:monitor", [req, result] { return gpu::LaunchSpinKernels(req, result.get()); },
      [result](Napi::Env env) -> Napi::Value {
        Napi::Object r = Napi::Object::New(env);
        r.Set("launched", result->launched);
        r.Set("wallMs", result->wall_ms);
        r.Set("checksum", result->checksum);
        r.Set("deviceName", result->device_name);
        r.Set("library", result->library);
        return r;
      });
}

}  // namespace

void InitMonitorTracer(Napi::Env env, Napi::Object exports, MonitorEnv* data) {
  Export<TracerCreate>(env, exports, "tracerCreate", data);
  Export<TracerStart>(env, exports, "tracerStart", data);
  Export<TracerFlush>(env, exports, "tracerFlush", data);
  Export<TracerStop>(env, exports, "tracerStop", data);
  Export<TracerKernels>(env, exports, "tracerKernels", data);
  Export<TracerStats>(env, exports, "tracerStats", data);
  Export<TracerEvents>(env, exports, "tracerEvents", data);
  Export<TracerClear>(env, exports, "tracerClear", data);
  Export<DebugCudaLaunch>(env, exports, "debugCudaLaunch", data);
}

}  // namespace opk::binding
