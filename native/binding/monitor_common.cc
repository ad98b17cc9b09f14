#include "binding/monitor_common.h"

#include <algorithm>
#include <exception>
#include <new>

#include "gpu/cupti_tracer.h"
#include "gpu/sampler.h"

namespace opk::binding {

const napi_type_tag kSamplerTag = {0x6f706b5f73616d70ULL, 0x6c65725f76310001ULL};
const napi_type_tag kTracerTag = {0x6f706b5f63757074ULL, 0x695f74726163ULL};

void MonitorEnv::Add(const std::shared_ptr<gpu::Sampler>& s) {
  std::lock_guard<std::mutex> lock(mu);
  samplers.erase(std::remove_if(samplers.begin(), samplers.end(), [](auto& w) { return w.expired(); }),
                 samplers.end());
  samplers.push_back(s);
}

void MonitorEnv::Add(const std::shared_ptr<gpu::CuptiTracer>& t) {
  std::lock_guard<std::mutex> lock(mu);
  tracers.erase(std::remove_if(tracers.begin(), tracers.end(), [](auto& w) { return w.expired(); }), tracers.end());
  tracers.push_back(t);
}

void MonitorEnv::CloseAll() {
  std::vector<std::weak_ptr<gpu::Sampler>> s;
  std::vector<std::weak_ptr<gpu::CuptiTracer>> t;
  {
    std::lock_guard<std::mutex> lock(mu);
    torn_down = true;
    s.swap(samplers);
    t.swap(tracers);
  }
  for (auto& w : s) {
    if (auto p = w.lock()) p->Close();
  }
  for (auto& w : t) {
    if (auto p = w.lock()) p->Close();
  }
}

MonitorEnv* EnvOf(const Napi::CallbackInfo& info) { return static_cast<MonitorEnv*>(info.Data()); }

Napi::Promise StatusWorker::Run(Napi::Env env, Work work, Ok ok) {
  auto* w = new StatusWorker(env, std::move(work), std::move(ok));
  Napi::Promise p = w->deferred_.Promise();
  w->Napi::AsyncWorker::Queue();
  return p;
}

StatusWorker::StatusWorker(Napi::Env env, Work work, Ok ok)
    : Napi::AsyncWorker(env, "ocr-perfkit:monitor"),
      deferred_(Napi::Promise::Deferred::New(env)),
      work_(std::move(work)),
      ok_(std::move(ok)) {}

void StatusWorker::Execute() {
  try {
    status_ = work_();
  } catch (const std::bad_alloc&) {
    status_ = Status(StatusCode::kOutOfMemory, "out of memory");
  } catch (const std::exception& e) {
    status_ = Internal(e.what());
  }
}

void StatusWorker::OnOK() {
  Napi::Env env = Env();
  try {
    if (!status_.ok()) {
      deferred_.Reject(MakeError(env, status_).Value());
    } else {
      deferred_.Resolve(ok_ ? ok_(env) : env.Undefined());
    }
  } catch (const Napi::Error& e) {
    deferred_.Reject(e.Value());
  } catch (const std::exception& e) {
    deferred_.Reject(MakeError(env, Internal(e.what())).Value());
  }
}

void StatusWorker::OnError(const Napi::Error& e) { deferred_.Reject(e.Value()); }

}  // namespace opk::binding
