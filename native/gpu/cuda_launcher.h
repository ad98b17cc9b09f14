// Test-only helper for the GPU proof (scripts/gpu-check.js): launches a trivial spin kernel
// N times in this process through the CUDA driver API (libcuda loaded with dlopen, the kernel
// given as PTX), plus one memset and one device-to-host memcpy, so the CuptiTracer must see
// exactly N kernels, 1 memset and 1 memcpy.
#pragma once

#include <string>

#include "common/status.h"

namespace opk::gpu {

struct LaunchRequest {
  std::string libcuda;          // empty: libcuda.so.1, libcuda.so
  int device = 0;               // CUDA ordinal
  int kernels = 10;             // launches
  unsigned int iterations = 1u << 20;  // loop trips per thread (sets the kernel's duration)
  unsigned int threads = 256;   // threads per block
  unsigned int blocks = 1024;   // blocks per launch
};

struct LaunchResult {
  int launched = 0;
  double wall_ms = 0;      // from the first launch to the end of cuCtxSynchronize
  double checksum = 0;     // sum of the first block's outputs (proves the kernel ran)
  std::string device_name;
  std::string library;
};

Status LaunchSpinKernels(const LaunchRequest& req, LaunchResult* out);

}  // namespace opk::gpu
