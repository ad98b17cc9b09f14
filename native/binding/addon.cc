// The addon's export table and nothing else: each area registers its own functions.
#include <napi.h>

#include "binding/addon_data.h"
#include "binding/areas.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new opk::binding::AddonData());
  opk::binding::AddonData::live_environments.fetch_add(1);
  opk::binding::InitCore(env, exports);
  opk::binding::InitGeometry(env, exports);
  opk::binding::InitTargets(env, exports);
  opk::binding::InitCache(env, exports);
  opk::binding::InitMonitor(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(ocr_perfkit, Init)
