#include "common/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <memory>

namespace opk {

ThreadPool::ThreadPool(size_t workers) {
  threads_.reserve(workers);
  for (size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void ThreadPool::WorkerLoop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (stop_ && queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

void ThreadPool::ParallelFor(size_t count, size_t max_threads, const std::function<void(size_t)>& fn) {
  if (count == 0) return;
  size_t threads = threads_.size() + 1;
  if (max_threads > 0) threads = std::min(threads, max_threads);
  threads = std::min(threads, count);
  if (threads <= 1) {
    for (size_t i = 0; i < count; ++i) fn(i);
    return;
  }
  struct Shared {
    std::atomic<size_t> next{0};
    std::mutex mu;
    std::condition_variable done_cv;
    size_t helpers_left = 0;
  };
  auto shared = std::make_shared<Shared>();
  shared->helpers_left = threads - 1;
  auto drain = [shared, count, &fn] {
    for (size_t i; (i = shared->next.fetch_add(1)) < count;) fn(i);
  };
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t t = 0; t + 1 < threads; ++t) {
      queue_.emplace_back([shared, drain] {
        drain();
        std::lock_guard<std::mutex> l(shared->mu);
        if (--shared->helpers_left == 0) shared->done_cv.notify_all();
      });
    }
  }
  cv_.notify_all();
  drain();
  // `fn` lives on this stack frame: wait until every helper has finished with it.
  std::unique_lock<std::mutex> lock(shared->mu);
  shared->done_cv.wait(lock, [&] { return shared->helpers_left == 0; });
}

ThreadPool& ThreadPool::Shared() {
  static ThreadPool* pool = [] {
    const unsigned hc = std::thread::hardware_concurrency();
    return new ThreadPool(hc > 1 ? hc - 1 : 1);
  }();
  return *pool;
}

}  // namespace opk
