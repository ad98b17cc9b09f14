// Stress test of opk::ThreadPool (native/common/thread_pool.cc), built by
// scripts/stress-thread-pool.sh under ThreadSanitizer and UBSan.
//
//   thread_pool_stress <caller threads> <rounds per caller>
//
// Several callers run ParallelFor at once on the shared pool and on private pools (created and
// destroyed while others run), with random item counts and thread caps, some items running a
// nested ParallelFor (which must run inline). Every item must run exactly once per call, and
// ParallelFor must not return before all of them ran. Exits 1 on the first wrong count.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "common/thread_pool.h"

namespace {

std::atomic<bool> g_failed{false};

void Fail(const char* what, size_t got, size_t want) {
  if (!g_failed.exchange(true)) std::fprintf(stderr, "thread_pool_stress: %s: %zu, expected %zu\n", what, got, want);
}

// One ParallelFor over `count` items; checks every item ran exactly once before it returned.
void OneCall(opk::ThreadPool& pool, size_t count, size_t max_threads, bool nested) {
  std::vector<std::atomic<int>> hits(count);
  std::atomic<size_t> inner_total{0};
  pool.ParallelFor(count, max_threads, [&](size_t i) {
    hits[i].fetch_add(1, std::memory_order_relaxed);
    if (nested && i % 7 == 0) {
      // On a worker this runs inline; on the caller (a call capped at one thread runs there) it
      // may fan out, so the count is atomic.
      std::atomic<size_t> inner{0};
      pool.ParallelFor(5, 0, [&inner](size_t) { inner.fetch_add(1, std::memory_order_relaxed); });
      inner_total.fetch_add(inner.load(), std::memory_order_relaxed);
    }
  });
  for (size_t i = 0; i < count; ++i) {
    const int h = hits[i].load(std::memory_order_relaxed);
    if (h != 1) Fail("item ran this many times", static_cast<size_t>(h), 1);
  }
  if (nested) {
    const size_t want = 5 * ((count + 6) / 7);
    if (inner_total.load() != want) Fail("nested items", inner_total.load(), want);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int callers = argc > 1 ? std::atoi(argv[1]) : 4;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 2000;
  std::vector<std::thread> threads;
  for (int c = 0; c < callers; ++c) {
    threads.emplace_back([c, rounds] {
      std::mt19937 rng(1234u + static_cast<unsigned>(c));
      for (int r = 0; r < rounds && !g_failed.load(); ++r) {
        const size_t count = rng() % 40;
        const size_t cap = rng() % 4;  // 0 = all workers
        const bool nested = rng() % 4 == 0;
        if (rng() % 50 == 0) {
          opk::ThreadPool own(1 + rng() % 3);  // created, used and destroyed while others run
          OneCall(own, count, cap, nested);
        } else {
          OneCall(opk::ThreadPool::Shared(), count, cap, nested);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  if (g_failed.load()) return 1;
  std::printf("thread_pool_stress: %d callers x %d rounds, every item ran exactly once\n", callers, rounds);
  return 0;
}
