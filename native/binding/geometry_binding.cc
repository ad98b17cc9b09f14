// N-API glue for the geometry area. Owned by the geometry work; exports are added here.
#include "binding/areas.h"

namespace opk::binding {

void InitGeometry(Napi::Env env, Napi::Object exports) {
  (void)env;
  (void)exports;
}

}  // namespace opk::binding
