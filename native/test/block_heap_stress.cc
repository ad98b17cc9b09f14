// Stress test of the cache's block heap (native/cache/block_heap.cc), built and run by
// scripts/stress-block-heap.sh under ThreadSanitizer and under UBSan: threads allocate blocks of
// every size class in many arenas, fill them with a pattern, and free them, often on another
// thread than the one that allocated them. Checks: blocks are line-aligned, no block is handed
// out twice (patterns survive until freed), and once everything is freed at most one region
// (the spare) stays committed. A single-thread phase then keeps 32 MiB of blocks of random sizes
// (up to 4 KiB) live with random eviction and checks that the heap holds at most 1.5x that.
//   block_heap_stress [threads=4] [iterations per thread=200000]
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "cache/block_heap.h"

namespace {

using opk::cache::BlockHeapAlloc;
using opk::cache::BlockHeapCommittedBytes;
using opk::cache::BlockHeapFree;

std::atomic<long> g_errors{0};
std::mutex g_mu;
std::vector<std::pair<unsigned char*, size_t>> g_handoff;  // blocks freed by whichever thread comes next

unsigned char PatternOf(const unsigned char* p, size_t size) {
  return static_cast<unsigned char>((reinterpret_cast<uintptr_t>(p) >> 6) ^ size);
}

void CheckAndFree(unsigned char* p, size_t size) {
  const unsigned char want = PatternOf(p, size);
  for (size_t i = 0; i < size; ++i) {
    if (p[i] != want) {
      g_errors.fetch_add(1);
      break;
    }
  }
  BlockHeapFree(p);
}

void Worker(unsigned id, long iterations) {
  std::mt19937_64 rng(id + 1);
  std::vector<std::pair<unsigned char*, size_t>> mine;
  for (long it = 0; it < iterations; ++it) {
    if (mine.size() < 2000 && rng() % 3 != 0) {
      const size_t size = 1 + rng() % opk::cache::kBlockHeapMaxBlock;
      auto* p = static_cast<unsigned char*>(BlockHeapAlloc(size, static_cast<unsigned>(rng() % 70)));
      if (p == nullptr || (reinterpret_cast<uintptr_t>(p) & 63) != 0) {
        g_errors.fetch_add(1);
        continue;
      }
      std::memset(p, PatternOf(p, size), size);
      mine.emplace_back(p, size);
    } else if (!mine.empty()) {
      const size_t k = rng() % mine.size();
      const auto block = mine[k];
      mine[k] = mine.back();
      mine.pop_back();
      if (rng() % 2 == 0) {
        CheckAndFree(block.first, block.second);
      } else {
        std::lock_guard<std::mutex> lock(g_mu);
        g_handoff.push_back(block);
      }
    }
    if (it % 1000 == 0) {
      std::vector<std::pair<unsigned char*, size_t>> take;
      {
        std::lock_guard<std::mutex> lock(g_mu);
        take.swap(g_handoff);
      }
      for (const auto& b : take) CheckAndFree(b.first, b.second);
    }
  }
  for (const auto& b : mine) CheckAndFree(b.first, b.second);
}

}  // namespace

// Random sizes and random eviction at a steady 32 MiB live: returns committed / live.
double FragmentationRatio(long iterations) {
  std::mt19937_64 rng(42);
  std::vector<std::pair<void*, size_t>> live;
  size_t bytes = 0;
  const size_t budget = size_t{32} << 20;
  for (long it = 0; it < iterations; ++it) {
    const size_t size = 1 + rng() % opk::cache::kBlockHeapMaxBlock;
    void* p = BlockHeapAlloc(size, static_cast<unsigned>(rng() % 32));
    if (p == nullptr) return 1e9;
    live.emplace_back(p, size);
    bytes += opk::cache::BlockHeapBlockSize(size);
    while (bytes > budget) {
      const size_t k = rng() % live.size();
      BlockHeapFree(live[k].first);
      bytes -= opk::cache::BlockHeapBlockSize(live[k].second);
      live[k] = live.back();
      live.pop_back();
    }
  }
  const double ratio = static_cast<double>(BlockHeapCommittedBytes()) / static_cast<double>(bytes);
  for (const auto& b : live) BlockHeapFree(b.first);
  return ratio;
}

int main(int argc, char** argv) {
  const unsigned threads = argc > 1 ? static_cast<unsigned>(std::atoi(argv[1])) : 4;
  const long iterations = argc > 2 ? std::atol(argv[2]) : 200000;
  if (BlockHeapAlloc(64) == nullptr) {
    std::printf("block_heap_stress: the block heap is not available in this build or environment\n");
    return 1;
  }
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(Worker, t, iterations);
  for (auto& t : pool) t.join();
  for (const auto& b : g_handoff) CheckAndFree(b.first, b.second);
  const unsigned long long left = BlockHeapCommittedBytes();
  std::printf("block_heap_stress: %u threads x %ld iterations, %ld errors, %llu bytes committed after freeing all\n",
              threads, iterations, g_errors.load(), left);
  // The probe block above is still live: its region plus at most the spare.
  if (g_errors.load() != 0 || left > (size_t{4} << 20)) return 1;
  const double ratio = FragmentationRatio(2 * iterations);
  std::printf("block_heap_stress: 32 MiB of random-size blocks held in %.2fx their size\n", ratio);
  return ratio <= 1.5 ? 0 : 1;
}
