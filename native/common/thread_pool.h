// A small process-wide worker pool for data-parallel loops over independent items (the images of
// a DB targets batch, chunks of an offset batch); ParallelFor returns when every item is done.
// Callers run it from a libuv worker thread (Napi::AsyncWorker::Execute), never from the JS thread.
//
// Waking workers so that they land on different cores. Left to itself, Linux often queues a
// freshly woken worker on a core that is already busy (its waker's, or its own previous one)
// while another core sits idle: when the cores were busy recently the wake-up path scans for
// an idle core less or not at all, and the idle core only pulls the waiting thread at its next
// balancing tick (up to ~4 ms). On a 2-core machine, a DB targets batch after an idle gap then ran
// on one core in about half the cases (`perf sched timehist`: one core idle for 7-10 ms while the
// woken worker waited behind the other). So:
// - The caller does not take items itself: it wakes one worker and sleeps, leaving its core free.
// - Workers are woken one at a time, each by the previous one once it runs (a cascade), and a
//   worker woken that way is first restricted to the cores no running worker of this pool is on
//   (its own affinity mask minus those cores); it restores its mask as soon as it runs. The
//   kernel then has to start it elsewhere, and can still move it anywhere afterwards.
// On the 2-core machine this took the pool's speed-up for an 8-image batch after a 20 ms gap from
// a median of 0.99-1.62x (lower quartile 0.95-1.52) to 1.83-1.87x (lower quartile 1.79-1.84);
// see docs/targets.md, "The pool after an idle gap", and scripts/pool-idle-gap.js.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace opk {

class ThreadPool {
 public:
  explicit ThreadPool(size_t workers);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Runs fn(i) for i in [0, count) on up to `max_threads` workers (0 means all). Items are handed
  // out one at a time, so uneven items balance themselves. With one thread (or one item), or when
  // called from one of this pool's own workers, the items run on the calling thread.
  void ParallelFor(size_t count, size_t max_threads, const std::function<void(size_t)>& fn);

  // The most threads a ParallelFor runs its items on.
  size_t workers() const { return workers_.size(); }

  // The shared pool: one worker per core this process may use (its affinity mask on Linux, else
  // every hardware thread). Created on first use and intentionally never destroyed (threads may
  // still be parked at process exit).
  static ThreadPool& Shared();

  struct Worker;

 private:
  void WorkerLoop(Worker* w);
  // Pops an idle worker and marks it woken (mu_ held); with `elsewhere`, first restricts it to
  // cores no running worker is on. Returns null when none is idle. Notify it after unlocking.
  Worker* TakeIdle(bool elsewhere);

  std::mutex mu_;
  std::deque<std::function<void()>> queue_;
  std::vector<Worker*> idle_;
  bool stop_ = false;
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace opk
