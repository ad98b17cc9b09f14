#include "common/build_info.h"

#define OPK_STR2(x) #x
#define OPK_STR(x) OPK_STR2(x)

#ifndef OPK_VERSION
#define OPK_VERSION "0.1.0"
#endif

namespace opk {

namespace {
bool DetectFmaContraction() {
  // With -ffp-contract=off this computes the rounded product first; a fused multiply-add
  // would keep the exact product and give 2^-104 instead of 0.
  volatile double a = 1.0 + 0x1p-52;
  volatile double b = 1.0 - 0x1p-52;
  double x = a, y = b;
  return (x * y - 1.0) == -0x1p-104;
}
}  // namespace

const BuildInfo& GetBuildInfo() {
  static const BuildInfo info = {
      OPK_VERSION,
#if defined(__clang__)
      "Clang " __clang_version__,
#elif defined(__GNUC__)
      "GCC " OPK_STR(__GNUC__) "." OPK_STR(__GNUC_MINOR__) "." OPK_STR(__GNUC_PATCHLEVEL__),
#else
      "unknown",
#endif
#ifdef NDEBUG
      "release",
#else
      "debug",
#endif
#ifdef OPK_SANITIZE
      true,
#else
      false,
#endif
      DetectFmaContraction(),
  };
  return info;
}

}  // namespace opk
