// N-API glue for DB post-processing (boxesFromBitmap) and detection evaluation.
#include "binding/targets_internal.h"

namespace opk::binding {

void InitTargetsPostprocess(Napi::Env env, Napi::Object exports) {
  (void)env;
  (void)exports;
}

}  // namespace opk::binding
