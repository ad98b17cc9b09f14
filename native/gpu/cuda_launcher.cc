#include "gpu/cuda_launcher.h"

#include <chrono>
#include <vector>

#include "common/dynamic_library.h"

namespace opk::gpu {

namespace {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st*;
using CUmodule = struct CUmod_st*;
using CUfunction = struct CUfunc_st*;
using CUstream = struct CUstream_st*;

// opk_spin(float* out, unsigned iters): each thread runs `iters` dependent FMAs and stores the
// result at out[threadIdx.x]. PTX for sm_52+, JIT-compiled by the driver for the actual GPU.
const char kSpinPtx[] = R"PTX(
.version 7.0
.target sm_52
.address_size 64

.visible .entry opk_spin(
	.param .u64 opk_spin_out,
	.param .u32 opk_spin_iters
)
{
	.reg .pred 	%p<2>;
	.reg .b32 	%r<5>;
	.reg .f32 	%f<3>;
	.reg .b64 	%rd<5>;

	ld.param.u64 	%rd1, [opk_spin_out];
	ld.param.u32 	%r1, [opk_spin_iters];
	cvta.to.global.u64 	%rd2, %rd1;
	mov.u32 	%r2, %tid.x;
	cvt.rn.f32.u32 	%f1, %r2;
	mov.u32 	%r3, 0;
LOOP:
	setp.ge.u32 	%p1, %r3, %r1;
	@%p1 bra 	DONE;
	fma.rn.f32 	%f1, %f1, 0f3F7FFF58, 0f3F800000;
	add.u32 	%r3, %r3, 1;
	bra.uni 	LOOP;
DONE:
	mul.wide.u32 	%rd3, %r2, 4;
	add.s64 	%rd4, %rd2, %rd3;
	st.global.f32 	[%rd4], %f1;
	ret;
}
)PTX";

struct Driver {
  CUresult (*init)(unsigned int);
  CUresult (*device_get)(CUdevice*, int);
  CUresult (*device_name)(char*, int, CUdevice);
  CUresult (*ctx_retain)(CUcontext*, CUdevice);
  CUresult (*ctx_release)(CUdevice);
  CUresult (*ctx_set)(CUcontext);
  CUresult (*module_load)(CUmodule*, const void*);
  CUresult (*module_unload)(CUmodule);
  CUresult (*get_function)(CUfunction*, CUmodule, const char*);
  CUresult (*mem_alloc)(CUdeviceptr*, size_t);
  CUresult (*mem_free)(CUdeviceptr);
  CUresult (*memset_d32)(CUdeviceptr, unsigned int, size_t);
  CUresult (*memcpy_dtoh)(void*, CUdeviceptr, size_t);
  CUresult (*launch)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, CUstream,
                     void**, void**);
  CUresult (*sync)();
  CUresult (*error_string)(CUresult, const char**);
};

template <typename Fn>
bool Bind(const DynamicLibrary& lib, Fn*& slot, std::vector<const char*> names, std::string* missing) {
  slot = reinterpret_cast<Fn*>(lib.FirstSymbol(names));
  if (slot == nullptr) *missing += std::string(" ") + names.front();
  return slot != nullptr;
}

}  // namespace

Status LaunchSpinKernels(const LaunchRequest& req, LaunchResult* out) {
  DynamicLibrary lib;
  std::vector<std::string> names = req.libcuda.empty() ? std::vector<std::string>{"libcuda.so.1", "libcuda.so"}
                                                       : std::vector<std::string>{req.libcuda};
  if (!lib.Open(names)) {
    return Status(StatusCode::kUnavailable, "the CUDA driver could not be loaded: " + lib.error(),
                  "ERR_CUDA_UNAVAILABLE");
  }
  Driver d{};
  std::string missing;
  Bind(lib, d.init, {"cuInit"}, &missing);
  Bind(lib, d.device_get, {"cuDeviceGet"}, &missing);
  Bind(lib, d.device_name, {"cuDeviceGetName"}, &missing);
  Bind(lib, d.ctx_retain, {"cuDevicePrimaryCtxRetain"}, &missing);
  Bind(lib, d.ctx_release, {"cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease"}, &missing);
  Bind(lib, d.ctx_set, {"cuCtxSetCurrent"}, &missing);
  Bind(lib, d.module_load, {"cuModuleLoadData"}, &missing);
  Bind(lib, d.module_unload, {"cuModuleUnload"}, &missing);
  Bind(lib, d.get_function, {"cuModuleGetFunction"}, &missing);
  Bind(lib, d.mem_alloc, {"cuMemAlloc_v2"}, &missing);
  Bind(lib, d.mem_free, {"cuMemFree_v2"}, &missing);
  Bind(lib, d.memset_d32, {"cuMemsetD32_v2"}, &missing);
  Bind(lib, d.memcpy_dtoh, {"cuMemcpyDtoH_v2"}, &missing);
  Bind(lib, d.launch, {"cuLaunchKernel"}, &missing);
  Bind(lib, d.sync, {"cuCtxSynchronize"}, &missing);
  Bind(lib, d.error_string, {"cuGetErrorString"}, &missing);
  if (!missing.empty()) {
    return Status(StatusCode::kUnavailable, lib.path() + " lacks" + missing, "ERR_CUDA_UNAVAILABLE");
  }
  auto err = [&](const char* call, CUresult r) {
    const char* s = nullptr;
    d.error_string(r, &s);
    return Status(StatusCode::kLibraryError,
                  std::string(call) + " failed: " + (s != nullptr ? s : "CUDA error") + " (" + std::to_string(r) + ")",
                  "ERR_CUDA");
  };
  CUresult r = d.init(0);
  if (r != 0) return err("cuInit", r);
  CUdevice dev = 0;
  if ((r = d.device_get(&dev, req.device)) != 0) return err("cuDeviceGet", r);
  char name[256] = {};
  d.device_name(name, sizeof name - 1, dev);
  CUcontext ctx = nullptr;
  if ((r = d.ctx_retain(&ctx, dev)) != 0) return err("cuDevicePrimaryCtxRetain", r);
  Status result;
  CUmodule mod = nullptr;
  CUdeviceptr buf = 0;
  const size_t n = req.threads;
  do {
    if ((r = d.ctx_set(ctx)) != 0) { result = err("cuCtxSetCurrent", r); break; }
    if ((r = d.module_load(&mod, kSpinPtx)) != 0) { result = err("cuModuleLoadData", r); break; }
    CUfunction fn = nullptr;
    if ((r = d.get_function(&fn, mod, "opk_spin")) != 0) { result = err("cuModuleGetFunction", r); break; }
    if ((r = d.mem_alloc(&buf, n * sizeof(float))) != 0) { result = err("cuMemAlloc", r); break; }
    if ((r = d.memset_d32(buf, 0, n)) != 0) { result = err("cuMemsetD32", r); break; }
    unsigned int iters = req.iterations;
    void* params[] = {&buf, &iters};
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < req.kernels; ++i) {
      if ((r = d.launch(fn, req.blocks, 1, 1, req.threads, 1, 1, 0, nullptr, params, nullptr)) != 0) break;
      ++out->launched;
    }
    if (r != 0) { result = err("cuLaunchKernel", r); break; }
    if ((r = d.sync()) != 0) { result = err("cuCtxSynchronize", r); break; }
    out->wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::vector<float> host(n);
    if ((r = d.memcpy_dtoh(host.data(), buf, n * sizeof(float))) != 0) { result = err("cuMemcpyDtoH", r); break; }
    double sum = 0;
    for (float v : host) sum += v;
    out->checksum = sum;
  } while (false);
  if (buf != 0) d.mem_free(buf);
  if (mod != nullptr) d.module_unload(mod);
  d.sync();
  d.ctx_release(dev);
  out->device_name = name;
  out->library = lib.path();
  // Keep libcuda loaded: CUPTI and the driver's own threads may still refer to it.
  static DynamicLibrary* keep_alive = new DynamicLibrary();
  if (!keep_alive->is_open()) *keep_alive = std::move(lib);
  return result;
}

}  // namespace opk::gpu
