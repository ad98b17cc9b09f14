// N-API glue for `ocr-perfkit doctor`: one-shot NVML and CUPTI probes. Both block while the
// library loads (NVML init can take a while on a real driver): `*Async` forms run on the pool.
#include <memory>

#include "binding/args.h"
#include "binding/errors.h"
#include "binding/monitor_common.h"
#include "gpu/cupti_api.h"
#include "gpu/nvml_probe.h"

namespace opk::binding {

namespace {

Napi::Value NvmlProbeJs(Napi::Env env, const gpu::NvmlProbe& p) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("loaded", p.loaded);
  o.Set("initialized", p.initialized);
  o.Set("library", p.library);
  o.Set("error", p.error);
  Napi::Object syms = Napi::Object::New(env);
  for (const auto& kv : p.symbols) syms.Set(kv.first, kv.second);
  o.Set("symbols", syms);
  Napi::Array devs = Napi::Array::New(env, p.devices.size());
  for (size_t i = 0; i < p.devices.size(); ++i) {
    Napi::Object d = Napi::Object::New(env);
    d.Set("nvmlIndex", p.devices[i].nvml_index);
    d.Set("uuid", p.devices[i].uuid);
    d.Set("name", p.devices[i].name);
    devs.Set(static_cast<uint32_t>(i), d);
  }
  o.Set("devices", devs);
  return o;
}

std::vector<std::string> NvmlNames(const Napi::CallbackInfo& info) {
  std::string override_path;
  if (info.Length() > 0 && info[0].IsObject()) {
    override_path = OptionalString(info[0].As<Napi::Object>(), "nvmlLibrary").value_or("");
  }
  return gpu::NvmlCandidates(override_path);
}

// monitorProbeNvml({nvmlLibrary?}) -> {loaded, initialized, library, error, symbols, devices}
Napi::Value ProbeNvml(const Napi::CallbackInfo& info) {
  return NvmlProbeJs(info.Env(), gpu::ProbeNvml(NvmlNames(info)));
}

Napi::Value ProbeNvmlAsync(const Napi::CallbackInfo& info) {
  auto names = NvmlNames(info);
  auto out = std::make_shared<gpu::NvmlProbe>();
  return PromiseWorker::Run(
      info.Env(), "ocr-perfkit:monitor",
      [names, out] {
        *out = gpu::ProbeNvml(names);
        return Status::Ok();
      },
      [out](Napi::Env env) { return NvmlProbeJs(env, *out); });
}

// monitorProbeCupti({cuptiLibrary?}) -> {loaded, library, version, error, code}
// Loads the library only: tracing is not started, so no CUDA context is touched.
Napi::Value ProbeCupti(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string override_path;
  if (info.Length() > 0 && info[0].IsObject()) {
    override_path = OptionalString(info[0].As<Napi::Object>(), "cuptiLibrary").value_or("");
  }
  const gpu::CuptiLibrary* lib = nullptr;
  Status st = gpu::LoadCupti(gpu::CuptiCandidates(override_path), &lib);
  Napi::Object o = Napi::Object::New(env);
  o.Set("loaded", st.ok());
  o.Set("library", st.ok() ? lib->path : std::string());
  o.Set("version", st.ok() ? static_cast<double>(lib->version) : 0.0);
  o.Set("error", st.message());
  o.Set("code", st.ok() ? std::string() : st.code_override());
  return o;
}

}  // namespace

void InitMonitorProbe(Napi::Env env, Napi::Object exports, MonitorEnv* data) {
  Export<ProbeNvml>(env, exports, "monitorProbeNvml", data);
  Export<ProbeNvmlAsync>(env, exports, "monitorProbeNvmlAsync", data);
  Export<ProbeCupti>(env, exports, "monitorProbeCupti", data);
}

}  // namespace opk::binding
