#!/usr/bin/env node
/**
 * GPU proof for the monitor area (needs an NVIDIA GPU + driver; not part of `npm test`).
 *
 *   npx tsc -p tsconfig.build.json && npx cmake-js compile      # or OCR_PERFKIT_ADDON=<.node>
 *   node scripts/gpu-check.js [--kernels 20] [--iterations 2000000] [--device 0] [--json]
 *   node scripts/gpu-check.js --dry-run      # same checks against the fakes of test/fixtures
 *
 * --dry-run compiles the fake libnvidia-ml, libcupti and libcuda (test/fixtures/*.c, needs cc)
 * and points the overrides at them, so the script itself can be checked on a machine without
 * a GPU; its numbers then prove nothing about a GPU.
 *
 * In this process it starts a ResourceSampler (real NVML, 10 ms) and a CuptiTracer (real
 * CUPTI), then launches N copies of a trivial spin kernel through the CUDA driver API (libcuda
 * loaded with dlopen, kernel given as PTX; see native/gpu/cuda_launcher.cc), plus one memset
 * and one device-to-host memcpy. It checks that:
 *   1. the tracer captured exactly N `opk_spin` kernels, with plausible durations
 *      (every one > 0, the sum no larger than the launch wall time, the mean close to wall/N);
 *   2. the tracer saw the memset and the DtoH memcpy;
 *   3. NVML showed non-zero GPU utilization and non-zero process memory while they ran;
 *   4. stopping the tracer finalizes CUPTI (a second tracer can start and stop afterwards), and
 *      the launch cost of tiny kernels is back to its untraced baseline afterwards;
 *   5. the sampler keeps a 10 ms pace, and devices can be chosen by UUID, prefix and
 *      CUDA_VISIBLE_DEVICES.
 * It prints every measured value and PASS/FAIL per check; the exit code is 0 only if all pass.
 * What it measured on an H100 is in docs/monitor.md.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// --dry-run: fake NVML/CUPTI/CUDA from test/fixtures; returns the fake libcuda path.
function setUpDryRun() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opk-gpu-check-'));
  const fixtures = path.join(__dirname, '..', 'test', 'fixtures');
  const build = (src, name) => {
    const out = path.join(dir, name);
    execFileSync('cc', ['-shared', '-fPIC', '-O1', '-o', out, path.join(fixtures, src), '-ldl']);
    return out;
  };
  process.env.OCR_PERFKIT_NVML_LIBRARY = build('fake_nvml.c', 'libnvidia-ml.so.1');
  process.env.OCR_PERFKIT_CUPTI_LIBRARY = build('fake_cupti.c', 'libcupti.so');
  const cuda = build('fake_cuda.c', 'libcuda.so.1');
  fs.writeFileSync(`${cuda}.cupti`, process.env.OCR_PERFKIT_CUPTI_LIBRARY);
  process.env.FAKE_KERNEL_US = '20000';
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return cuda;
}

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : dflt;
}

async function main() {
  const dist = path.join(__dirname, '..', 'dist');
  const { ResourceSampler, CuptiTracer, probeNvml, probeCupti } = require(path.join(dist, 'monitor'));
  const { monitorNative } = require(path.join(dist, 'monitor', 'native'));
  const kernels = arg('kernels', 20);
  const iterations = arg('iterations', 2_000_000);
  const device = arg('device', 0);
  const dryRun = process.argv.includes('--dry-run');
  const libcuda = dryRun ? setUpDryRun() : undefined;
  const results = { config: { kernels, iterations, device, dryRun }, checks: [] };
  const check = (name, ok, detail) => {
    results.checks.push({ name, ok: !!ok, detail });
    if (!process.argv.includes('--json')) process.stdout.write(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${detail}\n`);
  };

  results.nvml = probeNvml();
  results.cupti = probeCupti();
  check('NVML loads and initialises', results.nvml.initialized, `${results.nvml.library || '-'} ${results.nvml.error}`);
  check('CUPTI loads', results.cupti.loaded, `${results.cupti.library || results.cupti.error} v${results.cupti.version}`);

  const sampler = new ResourceSampler({ intervalMs: 10, devices: [device] });
  await sampler.start();
  const tracer = new CuptiTracer({ kernels: true, memcpy: true, memset: true });
  await tracer.start();
  const t0 = sampler.now();
  const launch = await monitorNative().debugCudaLaunch({
    ...(libcuda ? { libcuda } : {}),
    device,
    kernels,
    iterations,
    threads: 256,
    blocks: 1024,
  });
  await new Promise((r) => setTimeout(r, 300)); // let NVML's utilization window catch up
  const t1 = sampler.now();
  await tracer.stop();
  await sampler.stop();
  results.launch = launch;

  const ks = tracer.kernels();
  const spin = ks.find((k) => k.name === 'opk_spin');
  const st = tracer.stats();
  results.kernels = ks;
  results.transfers = { memcpy: st.memcpy, memset: st.memset, droppedRecords: st.droppedRecords };
  check('launched N kernels', launch.launched === kernels, `${launch.launched} on ${launch.deviceName} in ${launch.wallMs.toFixed(1)} ms`);
  check('tracer captured exactly N opk_spin kernels', spin && spin.count === kernels, `count=${spin ? spin.count : 0}`);
  if (spin) {
    const wallNs = launch.wallMs * 1e6;
    check('kernel durations > 0', spin.minNs > 0, `min=${spin.minNs} ns max=${spin.maxNs} ns mean=${spin.meanNs.toFixed(0)} ns`);
    check('sum of kernel time <= launch wall time', spin.totalNs <= wallNs * 1.01, `total=${(spin.totalNs / 1e6).toFixed(2)} ms wall=${launch.wallMs.toFixed(2)} ms`);
    check('mean kernel time ~ wall/N (serial stream)', spin.meanNs > (0.3 * wallNs) / kernels, `mean=${(spin.meanNs / 1e6).toFixed(3)} ms wall/N=${(launch.wallMs / kernels).toFixed(3)} ms`);
    const ev = tracer.events().filter((e) => e.name === 'opk_spin');
    const ordered = ev.every((e, i) => i === 0 || e.startNs >= ev[i - 1].endNs);
    check('kernel events do not overlap on the stream', ordered, `${ev.length} events`);
  }
  check('memset captured', st.memset.count >= 1, `count=${st.memset.count} bytes=${st.memset.bytes}`);
  check('memcpy captured', st.memcpy.count >= 1, `count=${st.memcpy.count} bytes=${st.memcpy.bytes}`);

  const window = sampler.samples(t0).filter((s) => s.t <= t1);
  const util = window.map((s) => s.gpus[0]?.utilizationGpu ?? 0);
  const procMem = window.map((s) => s.gpus[0]?.processMemoryBytes ?? 0);
  results.nvmlWindow = {
    samples: window.length,
    maxUtilizationGpu: Math.max(0, ...util),
    maxProcessMemoryBytes: Math.max(0, ...procMem),
    sources: sampler.sources(),
    summary: await sampler.summary(t0),
  };
  const expected = (t1 - t0) / 10;
  check('sampler keeps its 10 ms pace on real NVML', window.length >= 0.8 * expected, `${window.length} samples in ${(t1 - t0).toFixed(0)} ms (expected ~${expected.toFixed(0)})`);
  check('NVML utilization > 0 while kernels ran', results.nvmlWindow.maxUtilizationGpu > 0, `max ${results.nvmlWindow.maxUtilizationGpu}% over ${window.length} samples`);
  check('NVML process memory > 0 while kernels ran', results.nvmlWindow.maxProcessMemoryBytes > 0, `max ${results.nvmlWindow.maxProcessMemoryBytes} bytes`);
  await sampler.close();

  // Device selection on the real driver: by UUID, by a UUID prefix, and through CUDA_VISIBLE_DEVICES.
  const all = results.nvml.devices; // every device NVML sees
  const uuid = results.nvmlWindow.sources.devices[0]?.uuid;
  if (uuid) {
    const pick = async (opts) => {
      const s = new ResourceSampler({ intervalMs: 50, ...opts });
      await s.start();
      const d = s.sources().devices.map((x) => x.uuid);
      await s.close();
      return d;
    };
    const byUuid = await pick({ devices: [uuid], cudaVisibleDevices: null });
    check('device selected by UUID', byUuid.length === 1 && byUuid[0] === uuid, `${uuid} -> ${byUuid.join(',')}`);
    let n = 8;
    while (n < uuid.length && all.filter((d) => d.uuid.startsWith(uuid.slice(0, n))).length > 1) n++;
    const prefix = uuid.slice(0, n);
    const byPrefix = await pick({ devices: [prefix], cudaVisibleDevices: null });
    check('device selected by UUID prefix', byPrefix.length === 1 && byPrefix[0] === uuid, `${prefix} -> ${byPrefix.join(',')}`);
    const viaEnv = await pick({ cudaVisibleDevices: uuid });
    check('CUDA_VISIBLE_DEVICES=<uuid> honoured', viaEnv.length === 1 && viaEnv[0] === uuid, `-> ${viaEnv.join(',')}`);
    const hidden = await pick({ cudaVisibleDevices: '-1' });
    check('CUDA_VISIBLE_DEVICES=-1 hides every GPU', hidden.length === 0, `${hidden.length} devices`);
    let code = 'none';
    try {
      await pick({ devices: [all.length + 7], cudaVisibleDevices: null });
    } catch (e) {
      code = e.code;
    }
    check('unknown device -> ERR_UNKNOWN_DEVICE', code === 'ERR_UNKNOWN_DEVICE', code);
  } else {
    check('NVML reported a device UUID', false, JSON.stringify(all));
  }

  // After cuptiFinalize a new tracer can attach again.
  const again = new CuptiTracer();
  await again.start();
  await again.stop();
  check('tracer restarts after cuptiFinalize', true, 'start/stop ok');
  await again.close();
  await tracer.close();

  // Tracing cost and teardown: the launch cost of many tiny kernels before tracing, while
  // traced, and after the tracer stopped (cuptiFinalize): it must come back to the baseline.
  const tiny = arg('tiny', dryRun ? 10 : 5000); // the fake's kernels take 20 ms each
  const launchTiny = async () =>
    (
      await monitorNative().debugCudaLaunch({
        ...(libcuda ? { libcuda } : {}),
        device,
        kernels: tiny,
        iterations: 1,
        threads: 32,
        blocks: 1,
      })
    ).wallMs;
  await launchTiny(); // warm-up: context, module
  const before = Math.min(await launchTiny(), await launchTiny());
  const t3 = new CuptiTracer({ kernels: true, memcpy: false, memset: false });
  await t3.start();
  const traced = await launchTiny();
  await t3.stop();
  const tinyStats = t3.kernels().find((k) => k.name === 'opk_spin');
  const dropped = t3.stats().droppedRecords;
  await t3.close();
  const after = Math.min(await launchTiny(), await launchTiny());
  const us = (ms) => `${((ms * 1000) / tiny).toFixed(2)} us/launch`;
  results.tracingCost = { tiny, beforeMs: before, tracedMs: traced, afterMs: after, captured: tinyStats?.count ?? 0, dropped };
  check(`tracer captured all ${tiny} tiny kernels`, tinyStats?.count === tiny && dropped === 0, `count=${tinyStats?.count ?? 0} dropped=${dropped}`);
  check(
    'launch cost back to baseline after the tracer stops',
    after <= before * 1.25 + 2,
    `before ${us(before)}, traced ${us(traced)}, after ${us(after)}`,
  );

  const ok = results.checks.every((c) => c.ok);
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else process.stdout.write(`\n${ok ? 'ALL PASS' : 'SOME CHECKS FAILED'}${dryRun ? ' (dry run against fakes)' : ''}\n`);
  process.exitCode = ok ? 0 : 1;
}

main().catch((err) => {
  process.stderr.write(`gpu-check: ${err?.code ? `${err.code}: ` : ''}${err?.stack ? err.stack : err}\n`);
  if (err?.hint) process.stderr.write(`hint: ${err.hint}\n`);
  process.exitCode = 2;
});
