#!/usr/bin/env bash
# Stress test of the polygon cache's block heap (native/test/block_heap_stress.cc) under
# ThreadSanitizer (data races in its locking) and under UBSan. The addon's ASan build uses
# malloc instead of the block heap, so this is where the heap itself runs under sanitizers.
#   STRESS_ITERATIONS  per thread (default 200000; CI runs 20000)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build-stress
src=(native/test/block_heap_stress.cc native/cache/block_heap.cc)
flags=(-std=c++17 -g -O1 -Inative)
iterations="${STRESS_ITERATIONS:-200000}"
g++ "${flags[@]}" -fsanitize=thread "${src[@]}" -o build-stress/block_heap_tsan -lpthread
TSAN_OPTIONS=halt_on_error=1 build-stress/block_heap_tsan 4 "$iterations"
g++ "${flags[@]}" -fsanitize=undefined -fno-sanitize-recover=undefined "${src[@]}" -o build-stress/block_heap_ubsan -lpthread
build-stress/block_heap_ubsan 4 "$iterations"
echo "stress-block-heap: no error, race or sanitizer report"
