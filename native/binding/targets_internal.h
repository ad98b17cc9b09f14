// Internal split of the targets glue across files (targets_*.cc).
#pragma once
#include <napi.h>

namespace opk::binding {
void InitTargetsPostprocess(Napi::Env env, Napi::Object exports);  // targets_postprocess.cc
}  // namespace opk::binding
