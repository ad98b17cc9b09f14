import * as fs from 'node:fs';
import { CuptiTracer } from '../../src/monitor';
import { type FakeDir, makeFakeDir } from './fakes';

let fake: FakeDir;
let cupti: string;
let cupti2: string;
let notCupti: string;

beforeAll(() => {
  fake = makeFakeDir('cupti');
  cupti = fake.compile('fake_cupti.c', 'libcupti-a.so');
  cupti2 = fake.compile('fake_cupti.c', 'libcupti-b.so');
  notCupti = fake.compile('fake_nvml.c', 'libnot-cupti.so');
});
afterAll(() => fake.cleanup());

const log = (lib: string) => (fs.existsSync(`${lib}.log`) ? fs.readFileSync(`${lib}.log`, 'utf8').trim().split('\n') : []);
const resetLog = (lib: string) => fs.rmSync(`${lib}.log`, { force: true });

const RECORDS = [
  'kernel=_Z6kernelPfi,1000,1100,0,7,1',
  'kernel=_Z6kernelPfi,2000,2300,0,7,2',
  'kernel=_Z6kernelPfi,3000,3200,1,8,3',
  'kernel=plain_c_kernel,4000,4050,0,7,4',
  'memcpy=4096,5000,5100,1',
  'memcpy=1024,5200,5250,2',
  'memset=64,6000,6010',
];

describe('CuptiTracer (fake libcupti)', () => {
  beforeEach(() => {
    resetLog(cupti);
    fake.control(cupti, RECORDS);
  });

  it('enables kernel/memcpy/memset activity, aggregates kernels and finalizes at stop', async () => {
    const t = new CuptiTracer({ cuptiLibrary: cupti });
    await t.start();
    expect(t.running).toBe(true);
    await t.flush();
    expect(t.kernels()).toEqual([
      { name: 'kernel(float*, int)', count: 3, totalNs: 600, meanNs: 200, minNs: 100, maxNs: 300 },
      { name: 'plain_c_kernel', count: 1, totalNs: 50, meanNs: 50, minNs: 50, maxNs: 50 },
    ]);
    const st = t.stats();
    expect(st).toMatchObject({
      memcpy: { count: 2, bytes: 5120, totalNs: 150 },
      memset: { count: 1, bytes: 64, totalNs: 10 },
      records: 7,
      droppedEvents: 0,
      droppedRecords: 0,
      library: cupti,
      version: 130001,
    });
    await t.stop();
    expect(t.running).toBe(false);
    expect(log(cupti)).toEqual([
      'cuptiSubscribe',
      'cuptiActivityRegisterCallbacks',
      'cuptiActivityEnable 10',
      'cuptiActivityEnable 1',
      'cuptiActivityEnable 2',
      'cuptiActivityFlushAll 1',
      'cuptiActivityFlushAll 1',
      'cuptiActivityDisable 10',
      'cuptiActivityDisable 1',
      'cuptiActivityDisable 2',
      'cuptiActivityFlushAll 1',
      'cuptiUnsubscribe',
      'cuptiFinalize',
    ]);
    // results stay readable after stop; a second stop is a no-op
    expect(t.kernels()).toHaveLength(2);
    await t.stop();
    await t.close();
  });

  it('returns raw events for trace export', async () => {
    const t = new CuptiTracer({ cuptiLibrary: cupti, demangle: false });
    await t.start();
    await t.stop(); // stop flushes
    const ev = t.events();
    expect(ev).toHaveLength(7);
    expect(ev[0]).toEqual({
      kind: 'kernel',
      name: '_Z6kernelPfi',
      startNs: 1000n,
      endNs: 1100n,
      durationNs: 100,
      device: 0,
      context: 1,
      stream: 7,
      correlation: 1,
      bytes: 0,
      copyKind: 0,
      grid: [128, 1, 1],
      block: [256, 1, 1],
    });
    expect(ev[2]).toMatchObject({ device: 1, stream: 8 });
    expect(ev[4]).toMatchObject({ kind: 'memcpy', name: '', bytes: 4096, copyKind: 1, durationNs: 100 });
    expect(ev[6]).toMatchObject({ kind: 'memset', bytes: 64, durationNs: 10 });
    const trace = t.toChromeTrace();
    expect(trace[0]).toEqual({
      name: '_Z6kernelPfi',
      cat: 'kernel',
      ph: 'X',
      ts: 0,
      dur: 0.1,
      pid: 0,
      tid: 7,
      args: { correlation: 1 },
    });
    expect(trace[4]).toMatchObject({ name: 'memcpy', ts: 4, args: { bytes: 4096 } });
    t.clear();
    expect(t.events()).toEqual([]);
    expect(t.kernels()).toEqual([]);
    expect(t.stats().records).toBe(0);
    await t.close();
  });

  it('enables only the requested kinds', async () => {
    fake.control(cupti, [...RECORDS, 'runtime=211,900,990,1']);
    const t = new CuptiTracer({ cuptiLibrary: cupti, memcpy: false, memset: false, runtime: true });
    await t.start();
    await t.stop();
    const rt = t.events().filter((e) => e.kind === 'runtime');
    expect(rt).toEqual([
      expect.objectContaining({ name: 'runtime#211', startNs: 900n, endNs: 990n, durationNs: 90, stream: 99, correlation: 1 }),
    ]);
    expect(log(cupti).filter((l) => l.startsWith('cuptiActivityEnable'))).toEqual([
      'cuptiActivityEnable 10',
      'cuptiActivityEnable 5',
    ]);
    expect(t.stats().memcpy.count).toBe(0);
    expect(t.kernels().reduce((a, k) => a + k.count, 0)).toBe(4);
    await t.close();
  });

  it('spreads many records over several buffers, caps raw events, counts CUPTI drops', async () => {
    fake.control(cupti, ['kernel_repeat=spin,1000,500', 'dropped=5']);
    const t = new CuptiTracer({ cuptiLibrary: cupti, bufferBytes: 4096, maxEvents: 100 });
    await t.start();
    await t.flush();
    expect(t.kernels()).toEqual([{ name: 'spin', count: 1000, totalNs: 500000, meanNs: 500, minNs: 500, maxNs: 500 }]);
    expect(t.events()).toHaveLength(100);
    expect(t.stats()).toMatchObject({ records: 1000, droppedEvents: 900 });
    expect(t.stats().droppedRecords).toBeGreaterThanOrEqual(5);
    // 1000 records of 216 bytes in 4 KiB buffers: 18 per buffer
    await t.close();
  });

  it('maps CUPTI errors to typed errors with a hint', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['err.cuptiSubscribe=39', 'ERR_CUPTI_SUBSCRIBER', /another CUPTI client/],
      ['err.cuptiActivityEnable=35', 'ERR_CUPTI_PRIVILEGES', /NVreg_RestrictProfilingToAdminUsers=0/],
      ['err.cuptiActivityRegisterCallbacks=15', 'ERR_CUPTI_NO_DEVICE', /no usable CUDA device/],
      ['err.cuptiActivityEnable=7', 'ERR_CUPTI_LIBRARY', /.*/],
    ];
    for (const [line, code, hint] of cases) {
      fake.control(cupti, [line]);
      const t = new CuptiTracer({ cuptiLibrary: cupti });
      const err = await t.start().then(
        () => null,
        (e: unknown) => e as Error & { code: string; hint?: string },
      );
      expect(err).toMatchObject({ name: 'OcrPerfkitError', code });
      if (code !== 'ERR_CUPTI_LIBRARY') expect(err!.hint).toMatch(hint);
      expect(err!.stack).toMatch(/--- called from ---/);
      expect(t.running).toBe(false);
      await t.close();
    }
    // after a failed start, nothing stays enabled or subscribed, and a new tracer works
    fake.control(cupti, RECORDS);
    const ok = new CuptiTracer({ cuptiLibrary: cupti });
    await ok.start();
    await ok.stop();
    expect(ok.kernels()).toHaveLength(2);
    await ok.close();
  });

  it('allows one running tracer per process (ERR_CUPTI_SUBSCRIBER)', async () => {
    fake.control(cupti2, []);
    const a = new CuptiTracer({ cuptiLibrary: cupti });
    const b = new CuptiTracer({ cuptiLibrary: cupti2 });
    await a.start();
    await expect(b.start()).rejects.toMatchObject({ code: 'ERR_CUPTI_SUBSCRIBER', hint: expect.stringMatching(/stop the other/) });
    await a.stop();
    await b.start();
    await b.close();
    await a.close();
    await expect(a.start()).rejects.toMatchObject({ code: 'ERR_CLOSED' });
  });

  it('reports a missing or wrong library as ERR_CUPTI_UNAVAILABLE', async () => {
    const missing = new CuptiTracer({ cuptiLibrary: '/nonexistent/libcupti.so' });
    await expect(missing.start()).rejects.toMatchObject({
      code: 'ERR_CUPTI_UNAVAILABLE',
      message: expect.stringMatching(/nonexistent\/libcupti.so/),
      hint: expect.stringMatching(/OCR_PERFKIT_CUPTI_LIBRARY/),
    });
    const wrong = new CuptiTracer({ cuptiLibrary: notCupti });
    await expect(wrong.start()).rejects.toMatchObject({
      code: 'ERR_CUPTI_UNAVAILABLE',
      message: expect.stringMatching(/lacks cuptiActivityRegisterCallbacks/),
    });
  });

  it('takes the library from OCR_PERFKIT_CUPTI_LIBRARY', async () => {
    process.env.OCR_PERFKIT_CUPTI_LIBRARY = cupti;
    try {
      const t = new CuptiTracer();
      await t.start();
      expect(t.stats().library).toBe(cupti);
      await t.close();
    } finally {
      delete process.env.OCR_PERFKIT_CUPTI_LIBRARY;
    }
  });
});
