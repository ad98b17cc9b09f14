#!/usr/bin/env bash
# Stress test of the native thread pool (native/test/thread_pool_stress.cc) under ThreadSanitizer
# (races in the wake-up cascade and the affinity hand-off) and under UBSan.
#   STRESS_ROUNDS  ParallelFor calls per caller thread (default 20000; CI runs 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build-stress
src=(native/test/thread_pool_stress.cc native/common/thread_pool.cc)
flags=(-std=c++17 -g -O1 -Inative)
rounds="${STRESS_ROUNDS:-20000}"
g++ "${flags[@]}" -fsanitize=thread "${src[@]}" -o build-stress/thread_pool_tsan -lpthread
TSAN_OPTIONS=halt_on_error=1 build-stress/thread_pool_tsan 4 "$rounds"
g++ "${flags[@]}" -fsanitize=undefined -fno-sanitize-recover=undefined "${src[@]}" -o build-stress/thread_pool_ubsan -lpthread
build-stress/thread_pool_ubsan 4 "$rounds"
echo "stress-thread-pool: no error, race or sanitizer report"
