import { CLOCK_EVENT_REASONS, GPU_METRICS, ResourceSampler, clockEventReasonNames } from '../../src/monitor';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type FakeDir, makeFakeDir, sleep, waitFor } from './fakes';

/** Whether these tests run in the host's PID namespace (not in a container). */
const HOST_PID_NS = fs.readlinkSync('/proc/self/ns/pid') === 'pid:[4026531836]';

let fake: FakeDir;
let modern: string;
let legacy: string;
let broken: string;

beforeAll(() => {
  fake = makeFakeDir('nvml');
  modern = fake.compile('fake_nvml.c', 'libnvidia-ml-modern.so');
  legacy = fake.compile('fake_nvml.c', 'libnvidia-ml-legacy.so', ['FAKE_LEGACY']);
  broken = fake.compile('fake_nvml.c', 'libnvidia-ml-broken.so', ['FAKE_BROKEN']);
});
afterAll(() => fake.cleanup());

const SCRIPT = [
  'devices=2',
  'uuid.0=GPU-aaaa1111-0000-0000-0000-000000000000',
  'uuid.1=GPU-bbbb2222-0000-0000-0000-000000000000',
  'name.0=Fake A100',
  'name.1=Fake H100',
  'util.gpu.0=87',
  'util.mem.0=41',
  'mem.total.0=42949672960',
  'mem.used.0=10737418240',
  'mem.reserved.0=536870912',
  'temp.0=71',
  'power.0=250500',
  'clock.sm.0=1410',
  'clock.mem.0=1593',
  'pcie.tx.0=1500',
  'pcie.rx.0=3000',
  `events.0=${CLOCK_EVENT_REASONS.swPowerCap | CLOCK_EVENT_REASONS.gpuIdle}`,
  'procs.0=self:734003200,999999:5',
  'util.gpu.1=3',
  'events.1=1',
  'procs.1=4242:77',
];

async function started(opts: ConstructorParameters<typeof ResourceSampler>[0]) {
  const s = new ResourceSampler({ intervalMs: 10, cudaVisibleDevices: null, ...opts });
  await s.start();
  await waitFor(() => s.counts().taken >= 2);
  return s;
}

describe('ResourceSampler NVML source (fake libnvidia-ml)', () => {
  const script = (lines: string[]) => {
    for (const lib of [modern, legacy, broken]) fake.control(lib, lines);
  };
  beforeEach(() => script(SCRIPT));

  it('reads every metric of every device through the newest symbols', async () => {
    const s = await started({ nvmlLibrary: modern });
    const src = s.sources();
    expect(src.nvml).toMatchObject({ enabled: true, available: true, reason: '', library: modern });
    expect(src.nvml.symbols).toMatchObject({
      init: 'nvmlInit_v2',
      deviceCount: 'nvmlDeviceGetCount_v2',
      handleByIndex: 'nvmlDeviceGetHandleByIndex_v2',
      memoryInfo: 'nvmlDeviceGetMemoryInfo_v2',
      clockEventReasons: 'nvmlDeviceGetCurrentClocksEventReasons',
      computeProcesses: 'nvmlDeviceGetComputeRunningProcesses_v3',
    });
    expect(src.devices).toEqual([
      {
        slot: 0,
        nvmlIndex: 0,
        cudaOrdinal: 0,
        uuid: 'GPU-aaaa1111-0000-0000-0000-000000000000',
        name: 'Fake A100',
        available: true,
        reason: '',
      },
      {
        slot: 1,
        nvmlIndex: 1,
        cudaOrdinal: 1,
        uuid: 'GPU-bbbb2222-0000-0000-0000-000000000000',
        name: 'Fake H100',
        available: true,
        reason: '',
      },
    ]);
    const g = s.latest()!.gpus;
    expect(g).toHaveLength(2);
    expect(g[0]).toEqual({
      slot: 0,
      uuid: 'GPU-aaaa1111-0000-0000-0000-000000000000',
      utilizationGpu: 87,
      utilizationMemory: 41,
      memoryUsedBytes: 10737418240, // v2: reserved memory not counted as used
      memoryTotalBytes: 42949672960,
      temperatureC: 71,
      powerWatts: 250.5,
      clockSmMHz: 1410,
      clockMemMHz: 1593,
      pcieTxBytesPerSec: 1500 * 1024,
      pcieRxBytesPerSec: 3000 * 1024,
      clockEventReasons: 5,
      throttled: 1,
      processMemoryBytes: 734003200,
    });
    expect(Object.keys(g[0]!).slice(2)).toEqual([...GPU_METRICS]);
    expect(clockEventReasonNames(g[0]!.clockEventReasons!)).toEqual(['gpuIdle', 'swPowerCap']);
    // Device 1 lists only another PID: 0 here; unknown (null) if the tests run in a container.
    expect(g[1]).toMatchObject({ utilizationGpu: 3, clockEventReasons: 1, throttled: 0, processMemoryBytes: HOST_PID_NS ? 0 : null });
    const sum = await s.summary();
    expect(sum.gpus[0]!.utilizationGpu).toEqual({ mean: 87, min: 87, max: 87, p95: 87, count: sum.samples });
    expect(sum.gpus[1]!.temperatureC.mean).toBe(61);
    await s.close();
  });

  it('resolves start() only once the first sample is in, however slow the driver', async () => {
    script([...SCRIPT, 'delay.util=150']); // one sample now takes >= 300 ms (2 devices)
    const s = new ResourceSampler({ nvmlLibrary: modern, cudaVisibleDevices: null, intervalMs: 10, pcieIntervalMs: 0 });
    const t0 = Date.now();
    await s.start();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(s.latest()!.gpus[1]!.utilizationGpu).toBe(3);
    await s.close();
  });

  it('reads PCIe throughput on its own thread, so a blocking NVML call does not slow sampling', async () => {
    // The real nvmlDeviceGetPcieThroughput blocks ~21 ms per call (its measuring window); the
    // fake does the same here. Read inline, 2 devices x 2 directions would stretch every 10 ms
    // sample to > 80 ms.
    script([...SCRIPT, 'delay.pcie=25']);
    const s = new ResourceSampler({ nvmlLibrary: modern, cudaVisibleDevices: null, intervalMs: 10, pcieIntervalMs: 100 });
    await s.start(); // the first PCIe reading is taken before start() resolves
    expect(s.latest()!.gpus[0]).toMatchObject({ pcieTxBytesPerSec: 1500 * 1024, pcieRxBytesPerSec: 3000 * 1024 });
    const t0 = s.now();
    await sleep(600);
    // Median gap between samples: ~10 ms here; inline PCIe reads would make every gap >= 100 ms.
    // (The median, not the mean, so that a loaded machine starving the thread now and then
    // does not fail the test.)
    const t = s.samples(t0).map((x) => x.t);
    const gaps = t.slice(1).map((v, i) => v - t[i]!).sort((a, b) => a - b);
    expect(gaps.length).toBeGreaterThan(5);
    expect(gaps[Math.floor(gaps.length / 2)]!).toBeLessThan(50);
    // A new value shows up within a PCIe interval (plus one reading: 4 x 25 ms).
    script([...SCRIPT, 'delay.pcie=25', 'pcie.tx.0=777']);
    await waitFor(() => s.latest()!.gpus[0]!.pcieTxBytesPerSec === 777 * 1024, 3000);
    expect(s.latest()!.gpus[0]!.utilizationGpu).toBe(87);
    await s.close();
  });

  it('leaves PCIe out with pcieIntervalMs: 0 and stops reading a device whose PCIe calls fail', async () => {
    const off = await started({ nvmlLibrary: modern, pcieIntervalMs: 0 });
    expect(off.latest()!.gpus[0]).toMatchObject({ pcieTxBytesPerSec: null, pcieRxBytesPerSec: null, utilizationGpu: 87 });
    await off.close();
    const s = await started({ nvmlLibrary: modern, pcieIntervalMs: 100 });
    expect(s.latest()!.gpus[1]!.pcieTxBytesPerSec).toBe(1001 * 1024);
    // A library-level error on the PCIe thread blanks that device's PCIe for good; the
    // sampling path keeps everything else (its own calls still succeed).
    script([...SCRIPT, 'err.nvmlDeviceGetPcieThroughput=18']);
    await waitFor(() => s.latest()!.gpus[0]!.pcieTxBytesPerSec === null, 3000);
    script(SCRIPT);
    await sleep(300);
    expect(s.latest()!.gpus[0]).toMatchObject({ pcieTxBytesPerSec: null, pcieRxBytesPerSec: null, utilizationGpu: 87 });
    expect(s.sources().nvml.available).toBe(true);
    await s.close();
  });

  it("leaves this process's GPU memory unknown in a container unless its PID is listed or the list is empty", async () => {
    // A proc root whose ns/pid is not the host's: NVML's PIDs are then the host's, not ours.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'opk-pidns-'));
    fs.mkdirSync(path.join(root, 'self', 'ns'), { recursive: true });
    fs.symlinkSync('pid:[4026532999]', path.join(root, 'self', 'ns', 'pid'));
    try {
      const s = await started({ nvmlLibrary: modern, procRoot: root });
      const g = s.latest()!.gpus;
      expect(g[0]!.processMemoryBytes).toBe(734003200); // our PID is listed (e.g. --pid=host)
      expect(g[1]!.processMemoryBytes).toBeNull(); // only PID 4242: could be us under a host PID
      script([...SCRIPT, 'procs.1=']);
      await waitFor(() => s.latest()!.gpus[1]!.processMemoryBytes === 0); // nobody on the device
      await s.close();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('falls back to the unversioned symbols and the v1 structs', async () => {
    const s = await started({ nvmlLibrary: legacy });
    expect(s.sources().nvml.symbols).toMatchObject({
      init: 'nvmlInit',
      deviceCount: 'nvmlDeviceGetCount',
      handleByIndex: 'nvmlDeviceGetHandleByIndex',
      memoryInfo: 'nvmlDeviceGetMemoryInfo',
      clockEventReasons: 'nvmlDeviceGetCurrentClocksThrottleReasons',
      computeProcesses: 'nvmlDeviceGetComputeRunningProcesses',
    });
    expect(s.sources().nvml.symbols.graphicsProcesses).toBeUndefined();
    const g = s.latest()!.gpus[0]!;
    expect(g.memoryUsedBytes).toBe(10737418240 + 536870912); // v1 counts reserved as used
    expect(g.processMemoryBytes).toBe(734003200); // v1 process struct (16 bytes)
    expect(g.clockEventReasons).toBe(5);
    expect(g.powerWatts).toBe(250.5);
    await s.close();
  });

  it('falls back to the v1 memory struct when the driver rejects the v2 version', async () => {
    script([...SCRIPT, 'err.nvmlDeviceGetMemoryInfo_v2=25']);
    const s = await started({ nvmlLibrary: modern });
    expect(s.sources().nvml.available).toBe(true);
    const g = s.latest()!.gpus[0]!;
    expect(g.memoryUsedBytes).toBe(10737418240 + 536870912);
    expect(g.memoryTotalBytes).toBe(42949672960);
    await s.close();
  });

  it('reports a library without nvmlInit as unavailable', async () => {
    const s = await started({ nvmlLibrary: broken });
    expect(s.sources().nvml.available).toBe(false);
    expect(s.sources().nvml.reason).toMatch(/lacks required symbols: nvmlInit_v2\/nvmlInit/);
    expect(s.latest()!.gpus).toEqual([]);
    expect(s.latest()!.host.rssBytes).toBeGreaterThan(0);
    await s.close();
  });

  it('reports a failing nvmlInit as unavailable with the NVML error', async () => {
    script([...SCRIPT, 'init=9']);
    const s = await started({ nvmlLibrary: modern });
    expect(s.sources().nvml.available).toBe(false);
    expect(s.sources().nvml.reason).toBe('nvmlInit failed: NVML_ERROR_DRIVER_NOT_LOADED (9): Driver Not Loaded');
    await s.close();
  });

  it('takes the library from OCR_PERFKIT_NVML_LIBRARY when no option is given', async () => {
    process.env.OCR_PERFKIT_NVML_LIBRARY = legacy;
    try {
      const s = await started({});
      expect(s.sources().nvml.library).toBe(legacy);
      await s.close();
    } finally {
      delete process.env.OCR_PERFKIT_NVML_LIBRARY;
    }
  });

  it('leaves a metric null when the device does not support it, keeps the rest', async () => {
    script([...SCRIPT, 'err.nvmlDeviceGetPowerUsage=3', 'err.nvmlDeviceGetPcieThroughput=4']);
    const s = await started({ nvmlLibrary: modern });
    const g = s.latest()!.gpus[0]!;
    expect(g.powerWatts).toBeNull();
    expect(g.pcieTxBytesPerSec).toBeNull();
    expect(g.pcieRxBytesPerSec).toBeNull();
    expect(g.utilizationGpu).toBe(87);
    expect(s.sources().nvml.available).toBe(true);
    const sum = await s.summary();
    expect(sum.gpus[0]!.powerWatts).toEqual({ mean: null, min: null, max: null, p95: null, count: 0 });
    await s.close();
  });

  it('stops only the NVML source when the library starts failing mid-run', async () => {
    const s = await started({ nvmlLibrary: modern });
    expect(s.latest()!.gpus[0]!.utilizationGpu).toBe(87);
    // A driver update under a running process: every call fails with a library-level error.
    script([...SCRIPT, 'err.all=18']);
    await waitFor(() => !s.sources().nvml.available);
    expect(s.sources().nvml.reason).toBe(
      'NVML stopped: nvmlDeviceGetUtilizationRates on device 0 returned NVML_ERROR_LIB_RM_VERSION_MISMATCH (18): Fake NVML error',
    );
    const taken = s.counts().taken;
    await waitFor(() => s.counts().taken >= taken + 2);
    const x = s.latest()!;
    expect(x.gpus[0]!.utilizationGpu).toBeNull();
    expect(x.gpus[1]!.temperatureC).toBeNull();
    expect(x.host.rssBytes).toBeGreaterThan(0);
    expect(s.sources().host.available).toBe(true);
    // Recovery of the library does not resurrect the source.
    script(SCRIPT);
    await waitFor(() => s.counts().taken >= taken + 4);
    expect(s.latest()!.gpus[0]!.utilizationGpu).toBeNull();
    await s.close();
  });

  it('turns off a lost device alone, and the source when every device is lost', async () => {
    const s = await started({ nvmlLibrary: modern });
    script([...SCRIPT, 'lost.1=1']);
    await waitFor(() => s.sources().devices[1]!.available === false);
    const dev1 = s.sources().devices[1]!;
    expect(dev1.reason).toBe(
      'device lost: nvmlDeviceGetUtilizationRates on device 1 returned NVML_ERROR_GPU_IS_LOST (15): GPU is lost',
    );
    expect(s.sources().devices[0]!.available).toBe(true);
    expect(s.sources().nvml.available).toBe(true);
    const taken = s.counts().taken;
    await waitFor(() => s.counts().taken >= taken + 2);
    expect(s.latest()!.gpus[0]!.utilizationGpu).toBe(87);
    expect(s.latest()!.gpus[1]!.utilizationGpu).toBeNull();
    script([...SCRIPT, 'lost.1=1', 'lost.0=1']);
    await waitFor(() => !s.sources().nvml.available);
    expect(s.sources().nvml.reason).toMatch(/^NVML stopped: every device was lost \(last: .* on device 0 returned NVML_ERROR_GPU_IS_LOST/);
    expect(s.sources().devices.map((d) => d.available)).toEqual([false, false]);
    expect(s.sources().host.available).toBe(true);
    await s.close();
  });

  it('samples only the requested devices, by CUDA ordinal or UUID (prefix)', async () => {
    const a = await started({ nvmlLibrary: modern, devices: [1] });
    expect(a.sources().devices.map((d) => d.nvmlIndex)).toEqual([1]);
    expect(a.latest()!.gpus[0]!.utilizationGpu).toBe(3);
    await a.close();
    const b = await started({ nvmlLibrary: modern, devices: ['GPU-bbbb2222', 'GPU-aaaa1111-0000-0000-0000-000000000000'] });
    expect(b.sources().devices.map((d) => d.nvmlIndex)).toEqual([1, 0]);
    expect(b.latest()!.gpus.map((x) => x.utilizationGpu)).toEqual([3, 87]);
    await b.close();
  });

  it('respects CUDA_VISIBLE_DEVICES (order, UUIDs, stop at the first invalid entry)', async () => {
    const a = await started({ nvmlLibrary: modern, cudaVisibleDevices: '1,0' });
    expect(a.sources().devices.map((d) => [d.nvmlIndex, d.cudaOrdinal])).toEqual([
      [1, 0],
      [0, 1],
    ]);
    await a.close();
    const b = await started({ nvmlLibrary: modern, cudaVisibleDevices: 'GPU-bbbb2222,7,0' });
    expect(b.sources().devices.map((d) => d.nvmlIndex)).toEqual([1]);
    await b.close();
    const c = await started({ nvmlLibrary: modern, cudaVisibleDevices: '1', devices: [0] });
    expect(c.sources().devices.map((d) => d.nvmlIndex)).toEqual([1]);
    await c.close();
    const d = await started({ nvmlLibrary: modern, cudaVisibleDevices: '' });
    expect(d.sources().devices).toEqual([]);
    expect(d.sources().nvml.reason).toBe('no visible GPU (CUDA_VISIBLE_DEVICES=)');
    await d.close();
    process.env.CUDA_VISIBLE_DEVICES = '1';
    try {
      const e = new ResourceSampler({ nvmlLibrary: modern, intervalMs: 10 });
      await e.start();
      expect(e.sources().devices.map((x) => x.nvmlIndex)).toEqual([1]);
      await e.close();
    } finally {
      delete process.env.CUDA_VISIBLE_DEVICES;
    }
  });

  it('rejects unknown devices with ERR_UNKNOWN_DEVICE', async () => {
    const a = new ResourceSampler({ nvmlLibrary: modern, devices: [2], cudaVisibleDevices: null });
    await expect(a.start()).rejects.toMatchObject({
      name: 'OcrPerfkitRangeError',
      code: 'ERR_UNKNOWN_DEVICE',
      message: 'device index 2 does not exist: 2 visible device(s)',
    });
    const b = new ResourceSampler({ nvmlLibrary: modern, devices: ['GPU-cccc'], cudaVisibleDevices: null });
    await expect(b.start()).rejects.toMatchObject({ code: 'ERR_UNKNOWN_DEVICE', message: "no visible device has UUID 'GPU-cccc'" });
    const c = new ResourceSampler({ nvmlLibrary: modern, devices: ['GPU-'], cudaVisibleDevices: null });
    await expect(c.start()).rejects.toMatchObject({ code: 'ERR_UNKNOWN_DEVICE', message: expect.stringMatching(/more than one/) });
    const d = new ResourceSampler({ nvmlLibrary: modern, devices: [1], cudaVisibleDevices: '0' });
    await expect(d.start()).rejects.toMatchObject({
      code: 'ERR_UNKNOWN_DEVICE',
      message: 'device index 1 does not exist: 1 visible device(s) (CUDA_VISIBLE_DEVICES=0)',
    });
    for (const s of [a, b, c, d]) await s.close();
  });

  it('finds a process in a long process list (grows the buffer)', async () => {
    // 100 entries: more than the sampler's first buffer (64), so it must grow it and retry.
    const many = Array.from({ length: 99 }, (_, i) => `${10000 + i}:1`).join(',');
    script([...SCRIPT, `procs.0=${many},self:42`]);
    const s = await started({ nvmlLibrary: modern });
    expect(s.latest()!.gpus[0]!.processMemoryBytes).toBe(42);
    await s.close();
  });
});
