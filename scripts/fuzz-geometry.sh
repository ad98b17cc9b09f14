#!/usr/bin/env bash
# Fuzzes the Node-free geometry core (native/test/geometry_fuzz.cc) under ASan/UBSan.
#   with clang:    libFuzzer for FUZZ_SECONDS (default 600)
#   without clang: the same checks on FUZZ_INPUTS random inputs (default 200000), gcc build,
#                  FUZZ_JOBS processes at once (default: one per core)
# CI runs it briefly (.ci/run sets FUZZ_SECONDS=30 FUZZ_INPUTS=3000); run it longer by hand.
# FUZZ_CORE_LIB: the gcc build links the harness against this already sanitized core library
# (CI passes build-asan/libopk_core.a, which `npm run test:asan` has just built with the same
# -fsanitize=address,undefined -fno-sanitize-recover=undefined -O1) instead of compiling the
# geometry, cache and common sources again.
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
  # FUZZ_JOBS compilers, then FUZZ_JOBS drivers with their own seeds sharing FUZZ_INPUTS (default:
  # one per core). Each driver can hold a few GB under ASan on the largest inputs.
  jobs=${FUZZ_JOBS:-$(nproc)}
  san=(-fsanitize=address,undefined -fno-sanitize-recover=undefined)
  waitall() { for pid in $(jobs -p); do wait "$pid"; done; }  # fails (set -e) if any job failed
  mkdir -p build-fuzz/obj
  objs=()
  corelib=()
  if [ -n "${FUZZ_CORE_LIB:-}" ] && [ -f "$FUZZ_CORE_LIB" ]; then
    src=(native/test/geometry_fuzz.cc)
    corelib=("$FUZZ_CORE_LIB")
  fi
  for f in "${src[@]}"; do
    o="build-fuzz/obj/$(echo "$f" | tr / _).o"
    objs+=("$o")
    g++ "${flags[@]}" "${san[@]}" -DOPK_FUZZ_STANDALONE -c "$f" -o "$o" &
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  done
  waitall
  g++ "${san[@]}" "${objs[@]}" "${corelib[@]}" -o build-fuzz/geometry_fuzz -lpthread -ldl
  total=${FUZZ_INPUTS:-200000}
  per=$(( (total + jobs - 1) / jobs ))
  for i in $(seq 1 "$jobs"); do build-fuzz/geometry_fuzz "$per" "$i" & done
  waitall
fi
echo "fuzz-geometry: no crash, leak or sanitizer report"
