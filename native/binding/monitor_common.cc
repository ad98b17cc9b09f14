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



}  // namespace opk::binding
