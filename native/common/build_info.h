// Facts about how the core was compiled, reported by `ocr-perfkit doctor`.
#pragma once

namespace opk {

struct BuildInfo {
  const char* version;      // package version the core was built for
  const char* compiler;     // e.g. "GCC 12.2.0"
  const char* build_type;   // "release" or "debug"
  bool sanitizers;          // built with -fsanitize=address,undefined
  bool fma_contraction;     // whether a*b+c may be fused (must be false for DB reference mode)
};

const BuildInfo& GetBuildInfo();

}  // namespace opk
