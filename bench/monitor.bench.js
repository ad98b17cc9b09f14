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
  return { dir, lib };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// CPU nanoseconds of this process's threads named `opk-sampler` (/proc/self/task/*/schedstat).
function samplerThreadNs() {
  let ns = 0;
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      if (fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() !== 'opk-sampler') continue;
      ns += Number(fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // thread exited meanwhile
    }
  }
  return ns;
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

module.exports = async function monitorBench(h) {
  const { dir, lib } = compileFakeNvml();
  const wallMs = h.quick ? 1000 : 5000;
  try {
    // Warm-up (JIT, lazy library loading), then the baseline: the same idle wait, no sampler.
    const warm = new ResourceSampler({ intervalMs: 10, nvmlLibrary: lib, cudaVisibleDevices: null });
    await warm.start();
    await sleep(200);
    warm.latest();
    await warm.summary();
    await warm.close();
    await sleep(200);
    const idle = await cpuOver(wallMs);
    for (const intervalMs of [100, 10]) {
      const s = new ResourceSampler({ intervalMs, nvmlLibrary: lib, cudaVisibleDevices: null });
      await s.start();
      if (!s.sources().nvml.available || s.sources().devices.length !== 2) {
        throw new Error(`fake NVML not in use: ${JSON.stringify(s.sources().nvml)}`);
      }
      await sleep(50);
      const thread0 = samplerThreadNs();
      const on = await cpuOver(wallMs);
      const threadPct = ((samplerThreadNs() - thread0) / 1e6 / on.wallMs) * 100;
      const taken = s.counts().taken;
      await s.close();
      h.metric(
        `sampler thread CPU at ${intervalMs} ms`,
        Number(threadPct.toFixed(3)),
        '% of one core',
        `CPU time of the opk-sampler thread itself (schedstat) over ${wallMs} ms: ${((threadPct * on.wallMs) / 100 / taken).toFixed(3)} ms per sample (host + 2 fake NVML devices)`,
      );
      const pct = ((on.cpuMs / on.wallMs - idle.cpuMs / idle.wallMs) * 100).toFixed(3);
      h.metric(
        `sampler CPU at ${intervalMs} ms`,
        Number(pct),
        '% of one core',
        `host + 2 fake NVML devices, ${taken} samples; process CPU over ${wallMs} ms with the sampler on minus idle (idle ${((idle.cpuMs / idle.wallMs) * 100).toFixed(3)}%); target < ${intervalMs === 100 ? 1 : 5}%`,
      );
    }

    const s = new ResourceSampler({ intervalMs: 100, nvmlLibrary: lib, cudaVisibleDevices: null });
    await s.start();
    await sleep(150);
    h.group('ResourceSampler.latest() from JS', {
      unit: 'call',
      note: 'latest(): one native copy of the newest row + building the object (host + 2 GPUs); the baseline is what a JS sampler would call per sample (process.memoryUsage() + process.cpuUsage()). Target < 20 µs.',
    });
    await h.case('process.memoryUsage() + process.cpuUsage()', () => [process.memoryUsage(), process.cpuUsage()], {
      baseline: true,
      peer: 'node',
    });
    await h.case('ResourceSampler.latest()', () => s.latest());
    await s.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
