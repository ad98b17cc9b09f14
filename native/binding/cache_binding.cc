// N-API glue for the cache area. Owned by the cache work; exports are added here.
#include "binding/areas.h"

namespace opk::binding {

void InitCache(Napi::Env env, Napi::Object exports) {
  (void)env;
  (void)exports;
}

}  // namespace opk::binding
