// Per-thread objects for hot loops in the shared addon. A `thread_local` variable in a dlopen()ed
// library is reached through __tls_get_addr, and the compiler may repeat that call wherever it
// re-derives the address (inside loops, after register pressure), which showed up as ~6% of a
// cached batch offset. ThreadLocalRef<T>() returns a plain reference, computed by one
// out-of-line call, that loops then use like any pointer.
#pragma once

namespace opk {

template <typename T>
__attribute__((noinline)) T& ThreadLocalRef() {
  thread_local T object;
  return object;
}

}  // namespace opk
