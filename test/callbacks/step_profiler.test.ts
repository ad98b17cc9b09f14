import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StepProfilerCallback } from '../../src/callbacks/step_profiler';
import type { BatchEndContext, RunState } from '../../src/callbacks/protocol';
import { MemoryLogger } from '../../src/loggers';
import { DataLoader } from '../../src/trainer/data_loader';
import { Trainer } from '../../src/trainer/trainer';
import { fakeRun as run } from './helpers';

function batch(stage: 'train' | 'validate', i: number, wait: number, step: number): BatchEndContext {
  return {
    stage,
    epoch: 0,
    batchIdx: i,
    size: 4,
    batch: undefined,
    outputs: undefined,
    timing: { dataWaitMs: wait, loadMs: 1, transformMs: 2, transformWallMs: 3, loadStartMs: Number.NaN, transformStartMs: Number.NaN, stepMs: step },
  };
}

function drive(cb: StepProfilerCallback, r: RunState, train: Array<[number, number]>, val: Array<[number, number]> = []) {
  cb.onTrainStart();
  for (const [i, [w, s]] of train.entries()) cb.onTrainBatchEnd(r, batch('train', i, w, s));
  cb.onValidationEpochStart();
  for (const [i, [w, s]] of val.entries()) cb.onValidationBatchEnd(r, batch('validate', i, w, s));
  cb.onValidationEpochEnd();
  cb.onTrainEnd(r);
}

describe('StepProfilerCallback', () => {
  it('compute-bound when the step dominates; shares from the recorded steps after warm-up', () => {
    const lines: string[] = [];
    const logger = new MemoryLogger();
    const cb = new StepProfilerCallback({ warmupSteps: 1, print: (l) => lines.push(l) });
    // The first (warm-up) batch waits 1000 ms and must not count.
    drive(cb, run(logger), [[1000, 50], [1, 9], [1, 9], [2, 8]]);
    const p = cb.profile!;
    expect(p.recordedTrainSteps).toBe(3);
    expect(p.dataWaitShare).toBeCloseTo(4 / 30, 12);
    expect(p.verdicts.map((v) => v.kind)).toEqual(['compute-bound']);
    expect(lines[0]).toMatch(/^\[StepProfiler\] compute-bound: the step takes 86\.7%/);
    const m = logger.records.at(-1)!.metrics;
    expect(m['profiler/data_wait_share']).toBeCloseTo(4 / 30, 12);
    expect(m['profiler/recorded_steps']).toBe(3);
  });

  it('input-bound, unstable steps, and activeSteps limits recording', () => {
    const cb = new StepProfilerCallback({ warmupSteps: 0, activeSteps: 10, verbose: false });
    const slowTail: Array<[number, number]> = [...Array(9).fill([30, 10]), [30, 100], [0, 1], [0, 1]];
    drive(cb, run(), slowTail);
    const p = cb.profile!;
    expect(p.recordedTrainSteps).toBe(10);
    expect(p.dataWaitShare).toBeCloseTo(300 / 490, 12);
    expect(p.stepP50Ms).toBe(10);
    expect(p.verdicts.map((v) => v.kind)).toEqual(['input-bound', 'unstable-steps']);
    expect(p.verdicts[1]!.value).toBeGreaterThanOrEqual(3);
  });

  it('no unstable-steps verdict from fewer than 10 recorded steps, no validation-heavy one without a validation batch', () => {
    const cb = new StepProfilerCallback({ warmupSteps: 0, verbose: false, validationHeavyShare: 0.01 });
    // Nine steps, one ten times the others: one outlier, not a tail.
    drive(cb, run(), [...Array(8).fill([0, 10]), [0, 100]]);
    expect(cb.profile!.stepP99Ms / cb.profile!.stepP50Ms).toBeGreaterThan(3);
    expect(cb.profile!.verdicts.map((v) => v.kind)).toEqual(['compute-bound']);
    // An empty run with an empty validation epoch: its hooks' time is no "validation" share.
    drive(cb, run(), [], []);
    expect(cb.profile!.verdicts).toEqual([]);
    // One validation batch is enough for that verdict.
    drive(cb, run(), [[0, 1]], [[0, 1]]);
    expect(cb.profile!.verdicts.map((v) => v.kind)).toContain('validation-heavy');
  });

  it('writes a Chrome trace with data-wait and step spans per batch, and merges GPU events', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opk-trace-'));
    const traceFile = path.join(dir, 'sub', 'trace.json');
    const gpu = { toChromeTrace: () => [{ name: 'kernel', ph: 'X', pid: 2, tid: 1, ts: 5, dur: 3 }] };
    // validationHeavyShare near 1: the validation share here is wall-clock time of the test itself.
    const cb = new StepProfilerCallback({ warmupSteps: 0, traceFile, gpuTrace: gpu, verbose: false, validationHeavyShare: 0.999 });
    drive(cb, run(), [[2, 5], [0, 5]], [[1, 3]]);
    const trace = JSON.parse(fs.readFileSync(traceFile, 'utf8')) as {
      traceEvents: Array<{ name: string; ph: string; tid: number; ts: number; dur: number; args?: { batch?: number } }>;
      otherData: { verdicts: unknown[] };
    };
    const spans = trace.traceEvents.filter((e) => e.ph === 'X');
    expect(spans.map((e) => e.name)).toEqual(['data wait', 'train step', 'train step', 'data wait', 'validate step', 'kernel']);
    const [wait, step] = spans;
    expect(wait!.dur).toBe(2000);
    expect(step!.dur).toBe(5000);
    expect(Math.abs(wait!.ts + wait!.dur - step!.ts)).toBeLessThanOrEqual(1); // the wait ends where the step starts (µs rounding)
    expect(spans[4]!.tid).toBe(2);
    expect(trace.otherData.verdicts).toHaveLength(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('puts the DataLoader load and transform spans on a data-loader track, overlapping the steps they were prefetched beside', async () => {
    const cb = new StepProfilerCallback({ warmupSteps: 0, verbose: false });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const loader = new DataLoader({
      source: [1, 2, 3, 4],
      prefetch: 2,
      transform: async (x: number, work) => {
        await sleep(20); // waiting (e.g. for native threads), not work
        work.add(1.5);
        return x;
      },
    });
    await new Trainer({ maxEpochs: 1, callbacks: [cb], tidy: false, disposeBatches: false }).fit({
      trainData: loader,
      trainStep: (x: number) => {
        const until = performance.now() + 30; // a synchronous 30 ms step
        while (performance.now() < until) {}
        return x;
      },
    });
    const events = cb.chromeTraceEvents() as Array<{ name: string; ph: string; tid: number; ts: number; dur: number; args: Record<string, unknown> }>;
    expect(events.some((e) => e.ph === 'M' && e.tid === 3 && (e.args as { name: string }).name === 'data loader')).toBe(true);
    const transforms = events.filter((e) => e.name === 'transform');
    const loads = events.filter((e) => e.name === 'load');
    const steps = events.filter((e) => e.name === 'train step');
    expect([transforms.length, loads.length, steps.length]).toEqual([4, 4, 4]);
    for (const t of transforms) {
      expect(t.tid).toBe(3);
      expect(t.dur).toBeGreaterThanOrEqual(15_000); // µs: the wall time, waiting included
      expect(t.args.ownWorkMs).toBe(1.5);
    }
    // Each batch's transform starts after its load started.
    for (let i = 0; i < 4; i++) expect(transforms[i]!.ts).toBeGreaterThanOrEqual(loads[i]!.ts);
    // Prefetch: some later batch's transform runs while an earlier step runs.
    const overlaps = transforms.slice(1).some((t) => steps.some((s) => t.ts < s.ts + s.dur && s.ts < t.ts + t.dur));
    expect(overlaps).toBe(true);
  });

  it('is off with enabled: false and rejects bad options with a coded error', () => {
    expect(new StepProfilerCallback({ enabled: false }).enabled).toBe(false);
    expect(() => new StepProfilerCallback({ inputBoundShare: 2 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_CONFIG', message: expect.stringContaining('callbacks.stepProfiler.inputBoundShare') }),
    );
  });

  it('an empty run gives no verdicts and NaN figures, not a crash', () => {
    const logger = new MemoryLogger();
    const cb = new StepProfilerCallback({ verbose: false });
    drive(cb, run(logger), []);
    expect(cb.profile!.verdicts).toEqual([]);
    expect(cb.profile!.dataWaitShare).toBeNaN();
    // Figures without data are left out of the logged metrics, not logged as NaN.
    const m = logger.records.at(-1)!.metrics;
    expect(Object.keys(m).sort()).toEqual(['profiler/recorded_steps', 'profiler/validation_share']);
    expect(m['profiler/recorded_steps']).toBe(0);
  });
});
