#!/usr/bin/env bash
# Stress test of the cache's shared reads (native/test/cache_shared_read_stress.cc): lookups of
# every kind racing stores, deletes, evictions and expiry in the same shards, under
# ThreadSanitizer (data races between readers without the lock and writers) and under UBSan.
# Runs a CLOCK cache and an LRU cache (whose shared hits queue their recency updates for the
# next writer) through that mix, then an LRU cache through a read-mostly mix that fills the
# queues, checking every recency list against its shard after each run.
#   STRESS_OPS  per thread (default 200000; CI runs 20000)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/sanitizer-stress.sh cache_shared_reads \
  "native/test/cache_shared_read_stress.cc native/cache/cache.cc native/cache/cache_batch.cc native/cache/value.cc native/cache/block_heap.cc native/cache/memory.cc native/cache/hash.cc native/common/status.cc" \
  4 "${STRESS_OPS:-200000}"
echo "stress-cache-shared-reads: no error, race or sanitizer report"
