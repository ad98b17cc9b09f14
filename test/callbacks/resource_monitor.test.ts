import { type ResourceSummarySource, ResourceMonitorCallback } from '../../src/callbacks/resource_monitor';
import type { EpochEndContext, RunState } from '../../src/callbacks/protocol';
import { MemoryLogger } from '../../src/loggers';
import { EventLoopMonitor, ResourceSampler } from '../../src/monitor';

const st = (mean: number, min = mean, max = mean) => ({ mean, min, max, p95: max, count: 10 });
const MB = 2 ** 20;

function fakeSampler(gpu: { util: number; memUsed: number; throttled: number; procMem?: number }, host = { rssMin: 100, rssMax: 150, used: 0.5 }) {
  const source: ResourceSummarySource = {
    now: () => 0,
    summarySync: () => ({
      samples: 10,
      host: {
        cpuPercent: st(80),
        rssBytes: st(125 * MB, host.rssMin * MB, host.rssMax * MB),
        sysMemUsedBytes: st(host.used * 1000, host.used * 1000, host.used * 1000),
        sysMemTotalBytes: st(1000),
      },
      gpus: [
        {
          slot: 0,
          utilizationGpu: st(gpu.util),
          memoryUsedBytes: st(gpu.memUsed * 1000),
          memoryTotalBytes: st(1000),
          powerWatts: st(250),
          temperatureC: st(60, 55, 70),
          throttled: st(gpu.throttled),
          ...(gpu.procMem === undefined ? {} : { processMemoryBytes: st(gpu.procMem) }),
        },
      ],
    }),
  };
  return source;
}

function run(logger: MemoryLogger): RunState {
  return { source: 'trainer', stage: 'train', epoch: 0, globalStep: 7, maxEpochs: 1, shouldStop: false, logger, startedAt: 0 };
}
const end: EpochEndContext = { stage: 'train', epoch: 0, numBatches: 1, numSamples: 1, durationMs: 1, metrics: {} };

describe('ResourceMonitorCallback', () => {
  it('logs per-epoch figures and no alert when everything is healthy', () => {
    const logger = new MemoryLogger();
    const lines: string[] = [];
    const cb = new ResourceMonitorCallback({ sampler: fakeSampler({ util: 90, memUsed: 0.5, throttled: 0 }), print: (l) => lines.push(l) });
    cb.onTrainEpochStart(run(logger), { stage: 'train', epoch: 0 });
    cb.onTrainEpochEnd(run(logger), end);
    const m = logger.records[0]!.metrics;
    expect(logger.records[0]!.step).toBe(7);
    expect(m['resources/cpu_percent_mean']).toBe(80);
    expect(m['resources/rss_mb_max']).toBe(150);
    expect(m['resources/gpu0/utilization_mean']).toBe(90);
    expect(m['resources/gpu0/temperature_c_max']).toBe(70);
    expect(cb.alerts).toEqual([]);
    expect(lines).toEqual(['[ResourceMonitor] epoch 1: CPU 80% of a core, RSS max 150 MB, GPU0 90%']);
  });

  it('raises each rule once per epoch, logs it and calls onAlert', () => {
    const logger = new MemoryLogger();
    const got: string[] = [];
    const cb = new ResourceMonitorCallback({
      sampler: fakeSampler({ util: 12, memUsed: 0.97, throttled: 0.5 }, { rssMin: 100, rssMax: 900, used: 0.95 }),
      onAlert: (a) => got.push(a.kind),
      verbose: false,
    });
    cb.onTrainEpochStart(run(logger), { stage: 'train', epoch: 0 });
    cb.onTrainEpochEnd(run(logger), end);
    expect(got).toEqual(['host-memory-high', 'rss-growth', 'gpu-underutilized', 'gpu-memory-high', 'gpu-throttled']);
    const m = logger.records[0]!.metrics;
    expect(m['resources/alert/gpu-underutilized/gpu0']).toBe(1);
    expect(m['resources/alert/rss-growth']).toBe(1);
    expect(cb.alerts[1]!.value).toBe(800);
  });

  it('says once that the GPU is unused when this process holds no memory on it, instead of under-utilised', () => {
    const logger = new MemoryLogger();
    const lines: string[] = [];
    const cb = new ResourceMonitorCallback({ sampler: fakeSampler({ util: 0, memUsed: 0.01, throttled: 0, procMem: 0 }), print: (l) => lines.push(l) });
    for (const epoch of [0, 1]) {
      cb.onTrainEpochStart(run(logger), { stage: 'train', epoch });
      cb.onTrainEpochEnd(run(logger), { ...end, epoch });
    }
    expect(cb.alerts.map((a) => [a.kind, a.epoch, a.gpu])).toEqual([['gpu-unused', 0, 0]]);
    expect(logger.records[0]!.metrics['resources/alert/gpu-unused/gpu0']).toBe(1);
    expect(logger.records[0]!.metrics['resources/gpu0/process_memory_mb_max']).toBe(0);
    expect(logger.records[1]!.metrics['resources/alert/gpu-unused/gpu0']).toBeUndefined();
    expect(lines.filter((l) => l.includes('ALERT'))).toEqual([
      "[ResourceMonitor] ALERT gpu-unused: this process holds no memory on GPU 0: training runs elsewhere (tfjs's cpu backend? use @tensorflow/tfjs-node-gpu to train on the GPU)",
    ]);
    // A process that does use the GPU (memory held) gets the under-utilisation alert as before.
    const busy = new ResourceMonitorCallback({ sampler: fakeSampler({ util: 5, memUsed: 0.5, throttled: 0, procMem: 512 * MB }), verbose: false });
    busy.onTrainEpochEnd(run(new MemoryLogger()), end);
    expect(busy.alerts.map((a) => a.kind)).toEqual(['gpu-underutilized']);
  });

  it('thresholds are options; bad ones and a missing sampler are coded errors', () => {
    const cb = new ResourceMonitorCallback({ sampler: fakeSampler({ util: 12, memUsed: 0.5, throttled: 0 }), gpuUtilizationBelow: 0, rssGrowthMbPerEpoch: 0, verbose: false });
    const logger = new MemoryLogger();
    cb.onTrainEpochEnd(run(logger), end);
    expect(cb.alerts).toEqual([]);
    expect(() => new ResourceMonitorCallback({ sampler: fakeSampler({ util: 1, memUsed: 0, throttled: 0 }), hostMemoryAbove: 2 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_CONFIG' }),
    );
    expect(() => new ResourceMonitorCallback({ sampler: {} as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });

  it('works with the real native sampler (host metrics, no GPU here)', async () => {
    const sampler = new ResourceSampler({ intervalMs: 10, gpu: false });
    const source: ResourceSummarySource = sampler; // the real sampler fits the interface
    await sampler.start();
    const logger = new MemoryLogger();
    const cb = new ResourceMonitorCallback({ sampler: source, verbose: false });
    cb.onTrainEpochStart(run(logger), { stage: 'train', epoch: 0 });
    await new Promise((r) => setTimeout(r, 120));
    cb.onTrainEpochEnd(run(logger), end);
    await sampler.close();
    const m = logger.records[0]!.metrics;
    expect(m['resources/samples']).toBeGreaterThan(3);
    expect(m['resources/rss_mb_max']).toBeGreaterThan(10);
    expect(Object.keys(m).some((k) => k.includes('gpu'))).toBe(false);
    // The real sampler's cumulative counters give the epoch's I/O and context switches.
    expect(m['resources/io_read_mb']).toBeGreaterThanOrEqual(0);
    expect(m['resources/io_write_mb']).toBeGreaterThanOrEqual(0);
    expect(m['resources/ctx_switches_voluntary']).toBeGreaterThan(0); // the sampler thread sleeps 10 ms at a time
  });

  it('logs the epoch’s storage I/O and context switches from the cumulative counters', () => {
    const base = fakeSampler({ util: 90, memUsed: 0.5, throttled: 0 });
    const sampler: ResourceSummarySource = {
      now: () => 0,
      summarySync: () => {
        const s = base.summarySync();
        return {
          ...s,
          host: {
            ...s.host,
            ioReadBytes: st(0, 10 * MB, 14 * MB),
            ioWriteBytes: st(0, 1 * MB, 1.5 * MB),
            ctxSwitchesVoluntary: st(0, 1000, 1250),
            ctxSwitchesInvoluntary: st(0, 40, 47),
          },
        };
      },
    };
    const logger = new MemoryLogger();
    const lines: string[] = [];
    const cb = new ResourceMonitorCallback({ sampler, eventLoop: false, print: (l) => lines.push(l) });
    cb.onTrainEpochStart(run(logger), { stage: 'train', epoch: 0 });
    cb.onTrainEpochEnd(run(logger), end);
    const m = logger.records[0]!.metrics;
    expect([m['resources/io_read_mb'], m['resources/io_write_mb']]).toEqual([4, 0.5]);
    expect([m['resources/ctx_switches_voluntary'], m['resources/ctx_switches_involuntary']]).toEqual([250, 7]);
    expect(m['resources/event_loop_delay_p99_ms']).toBeUndefined();
    expect(lines[0]).toBe('[ResourceMonitor] epoch 1: CPU 80% of a core, RSS max 150 MB, I/O 4.0 MB read / 0.5 MB written, GPU0 90%');
  });

  it('measures how long the event loop was held, and raises event-loop-blocked once per run', async () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const block = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until) {}
    };
    const logger = new MemoryLogger();
    const lines: string[] = [];
    const cb = new ResourceMonitorCallback({
      sampler: fakeSampler({ util: 90, memUsed: 0.5, throttled: 0 }),
      eventLoopBlockedAboveMs: 100,
      print: (l) => lines.push(l),
    });
    for (let epoch = 0; epoch < 2; epoch++) {
      cb.onTrainEpochStart(run(logger), { stage: 'train', epoch });
      await sleep(60); // the sampling timer runs
      block(250); // a synchronous "step"
      await sleep(60); // the timer runs again, late
      cb.onTrainEpochEnd(run(logger), { ...end, epoch });
    }
    cb.onTrainEnd(run(logger));
    for (const rec of logger.records) {
      expect(rec.metrics['resources/event_loop_delay_max_ms']).toBeGreaterThanOrEqual(200);
      expect(rec.metrics['resources/event_loop_delay_max_ms']).toBeLessThan(5000);
      expect(rec.metrics['resources/event_loop_delay_p99_ms']).toBeGreaterThanOrEqual(200);
      const u = rec.metrics['resources/event_loop_utilization']!;
      expect(u).toBeGreaterThan(0.2); // 250 of ~370 ms busy (less under load)
      expect(u).toBeLessThanOrEqual(1);
    }
    expect(cb.alerts.map((a) => [a.kind, a.epoch])).toEqual([['event-loop-blocked', 0]]);
    expect(logger.records[0]!.metrics['resources/alert/event-loop-blocked']).toBe(1);
    expect(lines.some((l) => /ALERT event-loop-blocked: the JS thread was held up to 0\.[2-9] s/.test(l))).toBe(true);
    expect(lines[0]).toMatch(/event loop p99 delay \d+ ms \(\d+% busy\)/);
  });
});

describe('EventLoopMonitor', () => {
  it('reads NaN before start and after stop; restarts its window; rejects bad options', () => {
    const mon = new EventLoopMonitor({ resolutionMs: 5 });
    expect(mon.read()).toMatchObject({ samples: 0, delayP99Ms: Number.NaN, utilization: Number.NaN });
    mon.start();
    expect(mon.running).toBe(true);
    mon.stop();
    mon.stop();
    expect(mon.running).toBe(false);
    expect(mon.read().samples).toBe(0);
    expect(() => new EventLoopMonitor({ resolutionMs: 0 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CONFIG' }));
  });

  it('separates windows with read({ reset })', async () => {
    const mon = new EventLoopMonitor({ resolutionMs: 5 });
    mon.start();
    try {
      await new Promise((r) => setTimeout(r, 40));
      const until = performance.now() + 120;
      while (performance.now() < until) {}
      await new Promise((r) => setTimeout(r, 20));
      const peek = mon.read({ reset: false });
      const first = mon.read();
      expect(first.delayMaxMs).toBe(peek.delayMaxMs);
      expect(first.delayMaxMs).toBeGreaterThanOrEqual(100);
      await new Promise((r) => setTimeout(r, 40));
      const second = mon.read();
      expect(second.samples).toBeGreaterThan(0);
      expect(second.delayMaxMs).toBeLessThan(first.delayMaxMs);
    } finally {
      mon.stop();
    }
  });
});
