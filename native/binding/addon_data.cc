#include "binding/addon_data.h"

namespace opk::binding {

std::atomic<int> AddonData::live_environments{0};

AddonData::~AddonData() {
  for (auto it = cleanups_.rbegin(); it != cleanups_.rend(); ++it) {
    (*it)();
  }
  live_environments.fetch_sub(1);
}

}  // namespace opk::binding
