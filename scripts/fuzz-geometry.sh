#!/usr/bin/env bash
# Fuzzes the Node-free geometry core (native/test/geometry_fuzz.cc) under ASan/UBSan.
#   with clang:    libFuzzer for FUZZ_SECONDS (default 600)
#   without clang: the same checks on FUZZ_INPUTS random inputs (default 200000), gcc build
# CI runs it briefly (.ci/run sets FUZZ_SECONDS=30 FUZZ_INPUTS=3000); run it longer by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build-fuzz
src=(native/test/geometry_fuzz.cc native/geometry/*.cc native/cache/*.cc native/common/*.cc)
flags=(-std=c++17 -g -O1 -Inative -ffp-contract=off)
if command -v clang++ >/dev/null 2>&1; then
  clang++ "${flags[@]}" -fsanitize=fuzzer,address,undefined "${src[@]}" -o build-fuzz/geometry_fuzz -lpthread -ldl
  # -timeout: an input that runs for over 120 s is a hang (the gcc driver below has the same watchdog;
  # the slowest legitimate inputs, offsets near the 5e7-vertex limit, take ~10-20 s under ASan).
  build-fuzz/geometry_fuzz -max_total_time="${FUZZ_SECONDS:-600}" -timeout=120
else
  g++ "${flags[@]}" -fsanitize=address,undefined -fno-sanitize-recover=undefined -DOPK_FUZZ_STANDALONE \
    "${src[@]}" -o build-fuzz/geometry_fuzz -lpthread -ldl
  build-fuzz/geometry_fuzz "${FUZZ_INPUTS:-200000}"
fi
echo "fuzz-geometry: no crash, leak or sanitizer report"
