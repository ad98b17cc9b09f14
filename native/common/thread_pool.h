// A small process-wide worker pool for data-parallel loops over independent items (the images of
// a DB targets batch, chunks of an offset batch). The calling thread takes part, so a pool of N-1
// workers plus the caller keeps N cores busy; ParallelFor returns when every item is done.
// Callers run it from a libuv worker thread (Napi::AsyncWorker::Execute), never from the JS thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
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

  // Runs fn(i) for i in [0, count) on up to `max_threads` threads (the caller included; 0 means
  // all). Items are handed out one at a time, so uneven items balance themselves.
  void ParallelFor(size_t count, size_t max_threads, const std::function<void(size_t)>& fn);

  size_t workers() const { return threads_.size(); }

  // The shared pool: hardware_concurrency() - 1 workers (at least 1). Created on first use and
  // intentionally never destroyed (threads may still be parked at process exit).
  static ThreadPool& Shared();

 private:
  void WorkerLoop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace opk
