// N-API glue for the targets area. Owned by the targets work; exports are added here.
#include "binding/areas.h"

namespace opk::binding {

void InitTargets(Napi::Env env, Napi::Object exports) {
  (void)env;
  (void)exports;
}

}  // namespace opk::binding
