/**
 * Monitor exercise for scripts/asan-leak-check.js (LeakSanitizer run, plain node): sampler and
 * tracer lifecycles against the fake NVML/CUPTI of test/fixtures, error paths, probes, and a
 * sampler left running for the environment cleanup hook to stop. Usage from that script:
 *   monitor: () => require('../test/monitor/leak-exercise.js')(addon),
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async function monitorLeakExercise(a) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opk-leak-'));
  const fixtures = path.join(__dirname, '..', 'fixtures');
  const nvml = path.join(dir, 'libnvidia-ml.so');
  const cupti = path.join(dir, 'libcupti.so');
  const cuda = path.join(dir, 'libcuda.so.1');
  // The compiler must not inherit the sanitizer preload (LSan would flag gcc's own leaks).
  const env = { ...process.env, LD_PRELOAD: '', ASAN_OPTIONS: '', LSAN_OPTIONS: '' };
  execFileSync('cc', ['-shared', '-fPIC', '-o', nvml, path.join(fixtures, 'fake_nvml.c')], { env });
  execFileSync('cc', ['-shared', '-fPIC', '-o', cupti, path.join(fixtures, 'fake_cupti.c')], { env });
  execFileSync('cc', ['-shared', '-fPIC', '-o', cuda, path.join(fixtures, 'fake_cuda.c'), '-ldl'], { env });
  fs.writeFileSync(`${cuda}.cupti`, cupti);
  fs.writeFileSync(
    `${cupti}.ctl`,
    'kernel=_Z6kernelPfi,100,200,0,7,1\nkernel_repeat=spin,200,50\nmemcpy=10,1,2,1\nmemset=5,3,4\nruntime=5,1,2,3\n',
  );
  const expectCode = async (p, code) => {
    try {
      await p;
    } catch (e) {
      if (e.code === code) return;
      throw e;
    }
    throw new Error(`expected ${code}`);
  };
  for (let round = 0; round < 3; round++) {
    const h = a.samplerCreate({ intervalMs: 10, capacity: 20, nvmlLibrary: nvml, cudaVisibleDevices: null });
    await a.samplerStart(h);
    await new Promise((r) => setTimeout(r, 80));
    a.samplerLatest(h, new Float64Array(a.samplerState(h).width));
    a.samplerRows(h);
    a.samplerSummarySync(h);
    await a.samplerSummary(h);
    await a.samplerStop(h);
    await a.samplerStart(h);
    await a.samplerStop(h, true);
    await expectCode(a.samplerStart(a.samplerCreate({ nvmlLibrary: nvml, devices: [9], cudaVisibleDevices: null })), 'ERR_UNKNOWN_DEVICE');
    // left running: the environment cleanup hook stops it at exit
    await a.samplerStart(a.samplerCreate({ intervalMs: 10, nvmlLibrary: '/nonexistent/libnvidia-ml.so' }));
    const t = a.tracerCreate({ cuptiLibrary: cupti, runtime: true, bufferBytes: 4096, maxEvents: 50 });
    await a.tracerStart(t);
    await a.tracerFlush(t);
    a.tracerKernels(t);
    a.tracerEvents(t);
    a.tracerStats(t);
    await a.tracerStop(t);
    a.tracerClear(t);
    await a.tracerStop(t, true);
    await expectCode(a.tracerStart(a.tracerCreate({ cuptiLibrary: '/nonexistent/libcupti.so' })), 'ERR_CUPTI_UNAVAILABLE');
    a.monitorProbeNvml({ nvmlLibrary: nvml });
    await a.monitorProbeNvmlAsync({});
    a.monitorProbeCupti({ cuptiLibrary: cupti });
    await a.debugCudaLaunch({ libcuda: '/nonexistent/libcuda.so.1' }).catch((e) => {
      if (e.code !== 'ERR_CUDA_UNAVAILABLE') throw e;
    });
    const t2 = a.tracerCreate({ cuptiLibrary: cupti });
    await a.tracerStart(t2);
    const launched = await a.debugCudaLaunch({ libcuda: cuda, kernels: 3, threads: 32, blocks: 1 });
    await a.tracerStop(t2, true);
    const spin = a.tracerKernels(t2).find((x) => x.name === 'opk_spin');
    if (launched.launched !== 3 || !spin || spin.count !== 3) throw new Error('launcher/tracer mismatch');
  }
  // The fake libraries stay loaded (CUPTI is never unloaded); removing their files is fine.
  fs.rmSync(dir, { recursive: true, force: true });
};
