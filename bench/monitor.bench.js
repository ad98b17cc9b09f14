// Resource monitor overhead: the sampler thread's CPU cost at 100 ms and 10 ms (host + NVML
// path exercised through the fake libnvidia-ml of test/fixtures, 2 devices), and the cost of
// ResourceSampler.latest() from JS next to what a JS-side sampler would call per sample.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ResourceSampler } = require('../dist/monitor');

function compileFakeNvml() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opk-bench-nvml-'));
  const lib = path.join(dir, 'libnvidia-ml.so.1');
  execFileSync('cc', ['-shared', '-fPIC', '-O2', '-o', lib, path.join(__dirname, '..', 'test', 'fixtures', 'fake_nvml.c')]);
  // Like the real driver, the fake's PCIe throughput call blocks for a ~21 ms window.
  fs.writeFileSync(`${lib}.ctl`, 'devices=2\ndelay.pcie=21\n');
  return { dir, lib };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The sampler's threads: `opk-sampler`, and `opk-nvml-pcie` (PCIe throughput is read on its own).
const SAMPLER_THREADS = ['opk-sampler', 'opk-nvml-pcie'];

// CPU nanoseconds per thread name over the whole process (/proc/self/task/*/schedstat).
function cpuByThreadName() {
  const out = new Map();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      const comm = fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const ns = Number(fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      out.set(comm, (out.get(comm) ?? 0) + ns);
    } catch {
      // thread exited meanwhile
    }
  }
  return out;
}

// CPU nanoseconds of the sampler's threads in a cpuByThreadName() snapshot.
const samplerNs = (byName) => SAMPLER_THREADS.reduce((sum, name) => sum + (byName.get(name) ?? 0), 0);

// The threads (other than the sampler's) that used the most CPU between two snapshots.
function otherThreads(before, after) {
  const rows = [];
  for (const [name, ns] of after) {
    if (SAMPLER_THREADS.includes(name)) continue;
    const d = (ns - (before.get(name) ?? 0)) / 1e6;
    if (d >= 0.5) rows.push([name, d]);
  }
  rows.sort((a, b) => b[1] - a[1]);
  return rows.length ? rows.slice(0, 4).map(([n, ms]) => `${n} ${ms.toFixed(1)} ms`).join(', ') : 'none over 0.5 ms';
}

// CPU time (user + system, all threads) of this process over `wallMs` of an idle event loop.
async function cpuOver(wallMs) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await sleep(wallMs);
  const c = process.cpuUsage(c0);
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  return { cpuMs: (c.user + c.system) / 1000, wallMs: wall };
}

// OCR_PERFKIT_BENCH_NVML=system measures against the machine's own libnvidia-ml.so.1 (a GPU
// machine) instead of the fake; any other value is taken as the library's path.
async function nvmlUnderTest() {
  const chosen = process.env.OCR_PERFKIT_BENCH_NVML;
  if (!chosen) return { ...compileFakeNvml(), devices: 2, label: '2 fake NVML devices' };
  const lib = chosen === 'system' ? 'libnvidia-ml.so.1' : chosen;
  const probe = new ResourceSampler({ nvmlLibrary: lib, cudaVisibleDevices: null });
  await probe.start();
  const devices = probe.sources().devices.length;
  await probe.close();
  return { dir: undefined, lib, devices, label: `${devices} real NVML device(s), ${lib}` };
}

module.exports = async function monitorBench(h) {
  const { dir, lib, devices, label } = await nvmlUnderTest();
  const wallMs = h.quick ? 1000 : 5000;
  try {
    // Warm-up (JIT, lazy library loading), then the baseline: the same idle wait, no sampler.
    const warm = new ResourceSampler({ intervalMs: 10, nvmlLibrary: lib, cudaVisibleDevices: null });
    await warm.start();
    await sleep(200);
    warm.latest();
    await warm.summary();
    await warm.close();
    // Let V8's background compile and GC work from the warm-up finish before measuring.
    await sleep(1500);
    const idle = await cpuOver(wallMs);
    for (const intervalMs of [100, 10]) {
      const s = new ResourceSampler({ intervalMs, nvmlLibrary: lib, cudaVisibleDevices: null });
      await s.start();
      if (!s.sources().nvml.available || s.sources().devices.length !== devices || devices === 0) {
        throw new Error(`NVML under test not in use (${label}): ${JSON.stringify(s.sources().nvml)}`);
      }
      await sleep(50);
      const byName0 = cpuByThreadName();
      const on = await cpuOver(wallMs);
      const byName1 = cpuByThreadName();
      const others = otherThreads(byName0, byName1);
      const threadPct = ((samplerNs(byName1) - samplerNs(byName0)) / 1e6 / on.wallMs) * 100;
      const taken = s.counts().taken;
      await s.close();
      h.metric(
        `sampler CPU at ${intervalMs} ms`,
        Number(threadPct.toFixed(3)),
        '% of one core',
        `the sampler's own threads (opk-sampler + opk-nvml-pcie), CPU time from schedstat over ${wallMs} ms: ${((threadPct * on.wallMs) / 100 / taken).toFixed(3)} ms per sample, ${taken} samples (host + ${label}); target < ${intervalMs === 100 ? 1 : 5}%`,
      );
      const pct = ((on.cpuMs / on.wallMs - idle.cpuMs / idle.wallMs) * 100).toFixed(3);
      h.metric(
        `process CPU delta at ${intervalMs} ms (cross-check)`,
        Number(pct),
        '% of one core',
        `whole-process CPU over ${wallMs} ms with the sampler on minus idle (idle ${((idle.cpuMs / idle.wallMs) * 100).toFixed(3)}%); includes whatever else ran meanwhile, here other threads: ${others} (threads named node are Node's and V8's own; tens of ms there come from V8's memory reducer, a GC pass after the warm-up's allocations, gone under node --no-memory-reducer)`,
      );
    }

    const s = new ResourceSampler({ intervalMs: 100, nvmlLibrary: lib, cudaVisibleDevices: null });
    await s.start();
    await sleep(150);
    h.group('ResourceSampler.latest() from JS', {
      unit: 'call',
      note: `latest(): one native copy of the newest row + building the object (host + ${label}); the baseline is what a JS sampler would call per sample (process.memoryUsage() + process.cpuUsage()). Target < 20 µs.`,
    });
    await h.case('process.memoryUsage() + process.cpuUsage()', () => [process.memoryUsage(), process.cpuUsage()], {
      baseline: true,
      peer: 'node',
    });
    await h.case('ResourceSampler.latest()', () => s.latest());
    await s.close();
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
};
