#!/usr/bin/env bash
# Stress test of the native thread pool (native/test/thread_pool_stress.cc) under ThreadSanitizer
# (races in the wake-up cascade and the affinity hand-off) and under UBSan.
#   STRESS_ROUNDS  ParallelFor calls per caller thread (default 20000; CI runs 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/sanitizer-stress.sh thread_pool "native/test/thread_pool_stress.cc native/common/thread_pool.cc" \
  4 "${STRESS_ROUNDS:-20000}"
echo "stress-thread-pool: no error, race or sanitizer report"
