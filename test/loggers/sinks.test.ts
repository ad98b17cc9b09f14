import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConsoleLogger, formatValue } from '../../src/loggers/console';
import { LoggerGroup } from '../../src/loggers/group';
import { parseJsonNumber } from '../../src/loggers/json_values';
import { JsonlLogger } from '../../src/loggers/jsonl';
import { MemoryLogger } from '../../src/loggers/memory';
import { defaultFailureReporter, type MetricsLogger } from '../../src/loggers/types';
import { makeTempDir } from '../tmp-dir';

describe('ConsoleLogger', () => {
  test('prints one line per call with non-finite values as such', () => {
    const lines: string[] = [];
    const c = new ConsoleLogger({ print: (l) => lines.push(l), every: 2 });
    c.logMetrics({ loss: 0.123456, n: 3, bad: Number.NaN, up: Number.POSITIVE_INFINITY }, 5);
    c.logMetrics({ loss: 1 }, 6);
    c.logMetrics({ tiny: 1.5e-7 }, 7);
    c.logParams({ lr: 0.01 });
    c.logParams({});
    expect(lines).toEqual([
      '[metrics] step 5: loss=0.1235 n=3 bad=NaN up=Infinity',
      '[metrics] step 7: tiny=1.500e-7',
      '[metrics] params: lr=0.01',
    ]);
    expect(formatValue(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
    expect(formatValue(12345678.9)).toBe('1.235e+7');
  });
});

describe('JsonlLogger', () => {
  test('appends JSON lines with NaN/Infinity as strings', async () => {
    const dir = makeTempDir('jsonl');
    const file = path.join(dir, 'sub', 'm.jsonl');
    const j = new JsonlLogger({ path: file });
    j.logParams({ lr: 0.1 });
    j.logMetrics({ a: 1, b: Number.NaN, c: Number.NEGATIVE_INFINITY }, 3);
    await j.flush();
    expect(fs.readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
    await j.close();
    await j.close();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].params).toEqual({ lr: 0.1 });
    expect(lines[1].step).toBe(3);
    expect(lines[1].metrics).toEqual({ a: 1, b: 'NaN', c: '-Infinity' });
    expect(parseJsonNumber(lines[1].metrics.b)).toBeNaN();
    expect(parseJsonNumber(lines[1].metrics.c)).toBe(Number.NEGATIVE_INFINITY);
    expect(typeof lines[1].time).toBe('number');
  });

  test('buffered lines reach the file on the interval timer and at 64 KiB without flush()', async () => {
    const dir = makeTempDir('jsonl');
    const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');
    const timed = new JsonlLogger({ path: path.join(dir, 't.jsonl'), flushIntervalMs: 10 });
    timed.logMetrics({ a: 1 }, 0);
    expect(read(timed.path)).toBe('');
    for (let i = 0; i < 100 && read(timed.path) === ''; i++) await new Promise((r) => setTimeout(r, 10));
    expect(read(timed.path)).toContain('"step":0');
    await timed.close();

    const sized = new JsonlLogger({ path: path.join(dir, 's.jsonl'), flushIntervalMs: 0 });
    const big: Record<string, number> = {};
    for (let i = 0; i < 5000; i++) big[`metric_${i}`] = i;
    sized.logMetrics(big, 1); // > 64 KiB: written without flush
    for (let i = 0; i < 200 && !read(sized.path).endsWith('\n'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(JSON.parse(read(sized.path)).metrics.metric_4999).toBe(4999);
    await sized.close();
  });

  test('a write error drops the sink once through the group', async () => {
    const dir = makeTempDir('jsonl');
    // A directory where the file should be: opening fails asynchronously.
    const target = path.join(dir, 'is-a-dir');
    fs.mkdirSync(target);
    const reports: string[] = [];
    const mem = new MemoryLogger();
    const g = new LoggerGroup([new JsonlLogger({ path: target }), mem], (s) => reports.push(s));
    g.logMetrics({ a: 1 }, 0);
    await g.flush();
    g.logMetrics({ a: 2 }, 1);
    await g.close();
    expect(reports).toEqual(['logger jsonl']);
    expect(mem.series('a')).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });
});

describe('LoggerGroup', () => {
  test('a sink that throws is reported once and dropped; others keep receiving', async () => {
    let calls = 0;
    const broken: MetricsLogger = {
      name: 'broken',
      logMetrics() {
        calls++;
        throw new Error('disk full');
      },
      async close() {},
    };
    const mem = new MemoryLogger();
    const reports: Array<[string, string]> = [];
    const g = new LoggerGroup([broken, mem], (s, e) => reports.push([s, (e as Error).message]));
    for (let i = 0; i < 3; i++) g.logMetrics({ x: i }, i);
    g.logParams({ a: 1 });
    await g.close('killed');
    expect(calls).toBe(1);
    expect(reports).toEqual([['logger broken', 'disk full']]);
    expect(mem.records.map((r) => r.metrics.x)).toEqual([0, 1, 2]);
    expect(mem.params).toEqual({ a: 1 });
    expect(mem.status).toBe('killed');
    expect(mem.last('x')).toBe(2);
    expect(mem.last('nope')).toBeUndefined();
  });

  test('an async sink whose logMetrics or logParams rejects is dropped and reported, not left unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (const method of ['logMetrics', 'logParams'] as const) {
        let calls = 0;
        const asyncSink = {
          name: `async-${method}`,
          logMetrics() {},
          async close() {},
          [method]: async () => {
            calls++;
            throw new Error('server down');
          },
        } as MetricsLogger;
        const mem = new MemoryLogger();
        const reports: Array<[string, string]> = [];
        const g = new LoggerGroup([asyncSink, mem], (s, e) => reports.push([s, (e as Error).message]));
        g.logParams({ a: 1 });
        g.logMetrics({ x: 1 }, 1);
        await new Promise((r) => setImmediate(r));
        g.logMetrics({ x: 2 }, 2);
        g.logParams({ a: 2 });
        await g.close();
        expect(calls).toBe(1);
        expect(reports).toEqual([[`logger async-${method}`, 'server down']]);
        expect(g.active).toEqual([mem]);
        expect(mem.records.map((r) => r.metrics.x)).toEqual([1, 2]);
      }
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('the default reporter describes any thrown value, even one String() rejects', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const odd = Object.assign(Object.create(null), { why: 'no prototype' });
      defaultFailureReporter('logger odd', odd);
      defaultFailureReporter('callback c.onTrainEnd', Symbol('s'));
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
        'ocr-perfkit: logger odd failed and was disabled: {"why":"no prototype"}',
        'ocr-perfkit: callback c.onTrainEnd failed and was disabled: Symbol(s)',
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});
