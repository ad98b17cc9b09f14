// Fixed-rate pacing for the monitor's background threads (the sampler, the PCIe reader).
#pragma once

#include <chrono>

namespace opk::gpu {

struct Pacer {
  using Clock = std::chrono::steady_clock;
  explicit Pacer(double interval_ms)
      : interval(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(interval_ms))),
        next(Clock::now()) {}
  // The next tick, one interval on; a thread that fell behind skips ahead rather than bursting.
  void Advance() {
    next += interval;
    const auto now = Clock::now();
    if (next < now) next = now + interval;
  }
  Clock::duration interval;
  Clock::time_point next;
};

}  // namespace opk::gpu
