#!/usr/bin/env bash
# Stress test of the polygon cache's block heap (native/test/block_heap_stress.cc) under
# ThreadSanitizer (data races in its locking) and under UBSan. The addon's ASan build uses
# malloc instead of the block heap, so this is where the heap itself runs under sanitizers.
#   STRESS_ITERATIONS  per thread (default 200000; CI runs 20000)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/sanitizer-stress.sh block_heap "native/test/block_heap_stress.cc native/cache/block_heap.cc" \
  4 "${STRESS_ITERATIONS:-200000}"
echo "stress-block-heap: no error, race or sanitizer report"
