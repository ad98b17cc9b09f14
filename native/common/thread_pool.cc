#include "common/thread_pool.h"

#include <algorithm>
#include <atomic>

#ifdef __linux__
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#endif

namespace opk {

namespace {
// The pool whose worker this thread is (null on other threads): a ParallelFor from inside an item
// runs inline instead of waiting for workers that may all be waiting themselves.
thread_local const ThreadPool* tls_worker_of = nullptr;

int CurrentCpu() {
#ifdef __linux__
  return sched_getcpu();
#else
  return -1;
#endif
}
}  // namespace

struct ThreadPool::Worker {
  std::thread thread;
  std::condition_variable cv;
  bool woken = false;  // guarded by mu_, like every field below
  int cpu = -1;        // the core it was on when it last started an item; -1 while idle
#ifdef __linux__
  bool restore = false;  // its waker narrowed its affinity; `saved` is the mask to put back
  cpu_set_t saved;
#endif
};

ThreadPool::ThreadPool(size_t workers) {
  // Workers start by taking mu_, so none runs before every Worker (and its thread handle) is set.
  std::lock_guard<std::mutex> lock(mu_);
  workers_.reserve(workers);
  for (size_t i = 0; i < workers; ++i) {
    workers_.push_back(std::make_unique<Worker>());
    Worker* w = workers_.back().get();
    w->thread = std::thread([this, w] { WorkerLoop(w); });
  }
}

ThreadPool::~ThreadPool() {
  std::vector<Worker*> sleeping;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    sleeping.swap(idle_);
    for (Worker* w : sleeping) w->woken = true;
  }
  for (Worker* w : sleeping) w->cv.notify_one();
  for (auto& w : workers_) w->thread.join();
}

ThreadPool::Worker* ThreadPool::TakeIdle(bool elsewhere) {
  if (idle_.empty()) return nullptr;
  Worker* w = idle_.back();
  idle_.pop_back();
  w->woken = true;
#ifdef __linux__
  cpu_set_t mask;
  if (elsewhere && pthread_getaffinity_np(w->thread.native_handle(), sizeof(mask), &mask) == 0) {
    cpu_set_t narrowed = mask;
    for (const auto& o : workers_) {
      if (o->cpu >= 0 && o->cpu < CPU_SETSIZE) CPU_CLR(o->cpu, &narrowed);
    }
    if (CPU_COUNT(&narrowed) > 0 && !CPU_EQUAL(&narrowed, &mask) &&
        pthread_setaffinity_np(w->thread.native_handle(), sizeof(narrowed), &narrowed) == 0) {
      w->saved = mask;
      w->restore = true;
    }
  }
#else
  (void)elsewhere;
#endif
  return w;
}

void ThreadPool::WorkerLoop(Worker* w) {
  tls_worker_of = this;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (queue_.empty()) {
      if (stop_) return;
      w->cpu = -1;
      idle_.push_back(w);
      w->cv.wait(lock, [w] { return w->woken; });
      w->woken = false;
#ifdef __linux__
      if (w->restore) {
        // Running now, on a core its waker left free: let the kernel move it anywhere again. If
        // the saved mask is no longer valid (cores taken offline, cpuset changed), take the main
        // thread's instead, so that the worker never stays narrowed.
        if (pthread_setaffinity_np(pthread_self(), sizeof(w->saved), &w->saved) != 0 &&
            sched_getaffinity(getpid(), sizeof(w->saved), &w->saved) == 0) {
          pthread_setaffinity_np(pthread_self(), sizeof(w->saved), &w->saved);
        }
        w->restore = false;
      }
#endif
      continue;
    }
    std::function<void()> task = std::move(queue_.front());
    queue_.pop_front();
    w->cpu = CurrentCpu();
    // More work queued: wake the next worker from here, now that this one runs (see the header).
    Worker* next = queue_.empty() ? nullptr : TakeIdle(true);
    lock.unlock();
    if (next != nullptr) next->cv.notify_one();
    task();
    task = nullptr;  // its captures go before the lock is taken again
    lock.lock();
  }
}

void ThreadPool::ParallelFor(size_t count, size_t max_threads, const std::function<void(size_t)>& fn) {
  if (count == 0) return;
  size_t threads = workers_.size();
  if (max_threads > 0) threads = std::min(threads, max_threads);
  threads = std::min(threads, count);
  if (threads <= 1 || tls_worker_of == this) {
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
  shared->helpers_left = threads;
  Worker* first = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t t = 0; t < threads; ++t) {
      queue_.emplace_back([shared, count, &fn] {
        for (size_t i; (i = shared->next.fetch_add(1)) < count;) fn(i);
        std::lock_guard<std::mutex> l(shared->mu);
        if (--shared->helpers_left == 0) shared->done_cv.notify_all();
      });
    }
    // This thread sleeps below, so the first worker may take its core; the rest cascade.
    first = TakeIdle(false);
  }
  if (first != nullptr) first->cv.notify_one();
  // `fn` lives on this stack frame: wait until every helper has finished with it.
  std::unique_lock<std::mutex> lock(shared->mu);
  shared->done_cv.wait(lock, [&] { return shared->helpers_left == 0; });
}

ThreadPool& ThreadPool::Shared() {
  static ThreadPool* pool = [] {
    unsigned n = std::thread::hardware_concurrency();
#ifdef __linux__
    // The cores this process may run on (taskset, container cpusets), like Node's
    // os.availableParallelism(), rather than every online core.
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0) n = static_cast<unsigned>(CPU_COUNT(&set));
#endif
    return new ThreadPool(n > 1 ? n : 1);
  }();
  return *pool;
}

}  // namespace opk
