import { Worker } from 'node:worker_threads';
import { getNative } from '../../src/native';
import { CuptiTracer, ResourceSampler } from '../../src/monitor';
import type { MonitorNative } from '../../src/monitor/native';

describe('monitor options', () => {
  it.each([
    [{ intervalMs: 0 }, 'OcrPerfkitRangeError', 'ERR_OUT_OF_RANGE', /intervalMs/],
    [{ intervalMs: -5 }, 'OcrPerfkitRangeError', 'ERR_OUT_OF_RANGE', /intervalMs/],
    [{ intervalMs: 5 }, 'OcrPerfkitRangeError', 'ERR_OUT_OF_RANGE', /intervalMs/],
    [{ intervalMs: Number.NaN }, 'OcrPerfkitRangeError', 'ERR_OUT_OF_RANGE', /intervalMs/],
    [{ intervalMs: '100' }, 'OcrPerfkitTypeError', 'ERR_INVALID_ARGUMENT', /intervalMs/],
    [{ pcieIntervalMs: 50 }, 'OcrPerfkitRangeError', 'ERR_OUT_OF_RANGE', /pcieIntervalMs/],
    [{ pcieIntervalMs: -1 }, 'OcrPerfkitRangeError', 'ERR_OUT_OF_RANGE', /pcieIntervalMs/],
    [{ pcieIntervalMs: Number.POSITIVE_INFINITY }, 'OcrPerfkitRangeError', 'ERR_OUT_OF_RANGE', /pcieIntervalMs/],
    [{ capacity: 0 }, 'OcrPerfkitRangeError', 'ERR_OUT_OF_RANGE', /capacity/],
    [{ capacity: 1.5 }, 'OcrPerfkitRangeError', 'ERR_OUT_OF_RANGE', /capacity/],
    [{ devices: [-1] }, 'OcrPerfkitRangeError', 'ERR_OUT_OF_RANGE', /devices\.0/],
    [{ devices: [''] }, 'OcrPerfkitRangeError', 'ERR_OUT_OF_RANGE', /devices\.0/],
    [{ devices: 0 }, 'OcrPerfkitTypeError', 'ERR_INVALID_ARGUMENT', /devices/],
    [{ intervalMS: 100 }, 'OcrPerfkitTypeError', 'ERR_INVALID_ARGUMENT', /intervalMS/],
  ])('ResourceSampler(%j) throws %s %s', (opts, name, code, msg) => {
    expect(() => new ResourceSampler(opts as never)).toThrow(expect.objectContaining({ name, code, message: expect.stringMatching(msg) }));
  });

  it.each([
    [{ bufferBytes: 100 }, 'ERR_OUT_OF_RANGE'],
    [{ bufferBytes: 4100 }, 'ERR_OUT_OF_RANGE'],
    [{ maxEvents: -1 }, 'ERR_OUT_OF_RANGE'],
    [{ kernels: 'yes' }, 'ERR_INVALID_ARGUMENT'],
    [{ nope: 1 }, 'ERR_INVALID_ARGUMENT'],
  ])('CuptiTracer(%j) throws %s', (opts, code) => {
    expect(() => new CuptiTracer(opts as never)).toThrow(expect.objectContaining({ code }));
  });

  it('rejects a tracer with every kind disabled (native check)', () => {
    expect(() => new CuptiTracer({ kernels: false, memcpy: false, memset: false })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE', message: expect.stringMatching(/at least one/) }),
    );
  });

  it('fills defaults', () => {
    const s = new ResourceSampler();
    expect(s.options).toEqual({ intervalMs: 100, pcieIntervalMs: 1000, capacity: 6000, host: true, gpu: true });
    return s.close();
  });

  it('checks arguments in the native layer too', () => {
    const n = getNative<MonitorNative>();
    expect(() => n.samplerCreate({ intervalMs: 0 } as never)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => n.samplerCreate({ intervalMs: 1e9 } as never)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => n.samplerCreate({ pcieIntervalMs: 50 } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE', message: expect.stringMatching(/pcieIntervalMs must be 0 \(off\) or between 100/) }),
    );
    expect(() => n.samplerCreate({ devices: [1.5] } as never)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => n.samplerCreate({ devices: 'x' } as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => n.samplerCreate(null as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    const tracer = n.tracerCreate({} as never);
    expect(() => n.samplerState(tracer)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: 'expected a ResourceSampler handle' }));
    expect(() => n.tracerKernels({} as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    const h = n.samplerCreate({ gpu: false } as never);
    expect(() => n.samplerLatest(h, new Float32Array(4) as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(n.samplerLatest(h, new Float64Array(11))).toBe(0); // not started: no sample
    expect(n.samplerRows(h).length).toBe(0);
    const stats = n.samplerSummarySync(h); // 11 columns x (mean, min, max, p95, count), no values
    expect(stats.length).toBe(55);
    expect(Array.from(stats).filter((_, i) => i % 5 === 4)).toEqual(new Array(11).fill(0));
  });

  it('stops running samplers when a worker thread exits without closing them', async () => {
    const addon = process.env.OCR_PERFKIT_ADDON ?? require.resolve('../../build/Release/ocr_perfkit.node');
    const code = `
      const { parentPort } = require('node:worker_threads');
      const a = require(${JSON.stringify(addon)});
      const h = a.samplerCreate({ intervalMs: 10, gpu: false });
      a.samplerStart(h).then(() => parentPort.postMessage(a.liveEnvironments()));
    `;
    const before = getNative().liveEnvironments();
    const w = new Worker(code, { eval: true });
    const live = await new Promise<number>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    expect(live).toBe(before + 1);
    await w.terminate();
    // the environment's cleanup hook joined the thread; the process stays healthy
    expect(getNative().liveEnvironments()).toBe(before);
  });
});
