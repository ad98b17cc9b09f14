// N-API glue for the monitor area. Owned by the monitor work; exports are added here.
#include "binding/areas.h"

namespace opk::binding {

void InitMonitor(Napi::Env env, Napi::Object exports) {
  (void)env;
  (void)exports;
}

}  // namespace opk::binding
