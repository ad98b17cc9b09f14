import * as fs from 'node:fs';
import * as path from 'node:path';
import { PerformanceProfilerCallback } from '../../src/callbacks/performance_profiler';
import { StepProfilerCallback } from '../../src/callbacks/step_profiler';
import { ThroughputMonitorCallback } from '../../src/callbacks/throughput_monitor';
import { buildFromConfig } from '../../src/config/build';
import { applyOverrides, loadTrainConfig, parseOverride } from '../../src/config/load';
import { describeValue } from '../../src/config/validate';
import { OcrPerfkitRangeError } from '../../src/errors';
import { ConsoleLogger } from '../../src/loggers/console';
import { makeTempDir } from '../tmp-dir';

const CONFIGS = path.join(__dirname, '..', '..', 'configs');
const TRAIN = path.join(CONFIGS, 'train.yaml');

function configError(fn: () => unknown): OcrPerfkitRangeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OcrPerfkitRangeError);
    expect((e as OcrPerfkitRangeError).code).toBe('ERR_INVALID_CONFIG');
    return e as OcrPerfkitRangeError;
  }
  throw new Error('expected a config error');
}

function tmpYaml(name: string, text: string): string {
  const dir = makeTempDir('cfg');
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

describe('configs/', () => {
  test('train.yaml loads with its includes and validates', () => {
    const cfg = loadTrainConfig({ file: TRAIN });
    expect(cfg.trainer.maxEpochs).toBe(10);
    expect(cfg.trainer.fastDevRun).toBe(false);
    expect(cfg.data).toEqual({ batchSize: 8, prefetch: 2, workers: 0 });
    expect(cfg.callbacks.performanceProfiler).toEqual({
      enabled: true,
      logInterval: 10,
      profileMemory: true,
      verbose: false,
      prefix: 'performance/',
    });
    expect(cfg.callbacks.throughputMonitor).toMatchObject({ enabled: true, logInterval: 1, trackMemory: true, trackTiming: true });
    expect(cfg.loggers.console?.enabled).toBe(true);
    expect(cfg.loggers.mlflow?.enabled).toBe(false);
  });

  test('every key in every YAML file is commented', () => {
    const files = [TRAIN, ...fs.readdirSync(path.join(CONFIGS, 'callbacks')).map((f) => path.join(CONFIGS, 'callbacks', f))];
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      const lines = fs.readFileSync(f, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (!/^\s*[A-Za-z_][A-Za-z0-9_]*:/.test(line)) return;
        const commented = line.includes('#') || /^\s*#/.test(lines[i - 1] ?? '');
        if (!commented) throw new Error(`${path.basename(f)}:${i + 1} key without a comment: ${line.trim()}`);
      });
    }
  });

  test('each callbacks/*.yaml validates on its own', () => {
    for (const f of fs.readdirSync(path.join(CONFIGS, 'callbacks'))) {
      const cfg = loadTrainConfig({ file: path.join(CONFIGS, 'callbacks', f) });
      expect(Object.keys(cfg.callbacks)).toHaveLength(1);
    }
  });
});

describe('overrides', () => {
  test('dotted overrides with YAML-typed values', () => {
    const cfg = loadTrainConfig({
      file: TRAIN,
      overrides: [
        'trainer.maxEpochs=2',
        'trainer.fastDevRun=true',
        'trainer.limitValBatches=0',
        'callbacks.throughputMonitor.enabled=false',
        'callbacks.performanceProfiler.prefix=perf/',
        'loggers.mlflow.tags.team=ocr',
        'loggers.mlflow.enabled=true',
      ],
    });
    expect(cfg.trainer).toMatchObject({ maxEpochs: 2, fastDevRun: true, limitValBatches: 0 });
    expect(cfg.callbacks.throughputMonitor?.enabled).toBe(false);
    expect(cfg.callbacks.performanceProfiler?.prefix).toBe('perf/');
    expect(cfg.loggers.mlflow?.tags).toEqual({ team: 'ocr' });
    expect(parseOverride('a.b=[1, 2]')).toEqual({ path: ['a', 'b'], value: [1, 2] });
    expect(parseOverride('a=')).toEqual({ path: ['a'], value: '' });
    expect(parseOverride('a=x=y')).toEqual({ path: ['a'], value: 'x=y' });
    expect(applyOverrides({ a: 1 }, ['a.b=2'])).toEqual({ a: { b: 2 } });
  });

  test('errors name the key, the value and the expectation', () => {
    expect(configError(() => loadTrainConfig({ file: TRAIN, overrides: ['trainer.maxEpochs=0'] })).message).toBe(
      'invalid config: trainer.maxEpochs: got 0, expected number to be >=1',
    );
    expect(
      configError(() => loadTrainConfig({ overrides: ['callbacks.throughputMonitor.logInterval=often'] })).message,
    ).toBe('invalid config: callbacks.throughputMonitor.logInterval: got "often", expected number');
    expect(configError(() => loadTrainConfig({ overrides: ['callbacks.performanceProfiler.verbose=yes'] })).message).toBe(
      'invalid config: callbacks.performanceProfiler.verbose: got "yes", expected boolean',
    );
    expect(configError(() => loadTrainConfig({ overrides: ['trainer.maxEpoch=3'] })).message).toBe(
      'invalid config: trainer: unknown key "maxEpoch"',
    );
    expect(
      configError(() => loadTrainConfig({ overrides: ['callbacks.polygonCacheLogger.logInterval=0'] })).message,
    ).toBe('invalid config: callbacks.polygonCacheLogger.logInterval: got 0, expected number to be >=1');
    expect(loadTrainConfig({ overrides: ['callbacks.polygonCacheLogger.cacheName=polygons'] }).callbacks.polygonCacheLogger).toMatchObject({
      enabled: true,
      cacheName: 'polygons',
    });
    expect(configError(() => loadTrainConfig({ overrides: ['callbacks.profiler.enabled=true'] })).message).toBe(
      'invalid config: callbacks: unknown key "profiler"',
    );
    expect(configError(() => loadTrainConfig({ overrides: ['trainer.fastDevRun=0'] })).message).toMatch(
      /^invalid config: trainer\.fastDevRun: got 0, /,
    );
    expect(
      configError(() => loadTrainConfig({ overrides: ['loggers.mlflow.trackingUri=nope', 'loggers.mlflow.batchSize=2000'] }))
        .message,
    ).toMatch(/loggers\.mlflow\.trackingUri: got "nope", .*; loggers\.mlflow\.batchSize: got 2000, expected number to be <=1000/);
    expect(configError(() => parseOverride('=3')).message).toMatch(/override "=3": expected key\.path=value/);
    expect(configError(() => parseOverride('a..b=3')).message).toMatch(/override "a\.\.b=3"/);
    expect(configError(() => parseOverride('novalue')).message).toMatch(/override "novalue"/);
  });

  test('YAML problems name the file; include cycles are rejected', () => {
    const bad = tmpYaml('bad.yaml', 'trainer:\n  maxEpochs: [1,\n');
    expect(configError(() => loadTrainConfig({ file: bad })).message).toContain('bad.yaml');
    const list = tmpYaml('list.yaml', '- 1\n- 2\n');
    expect(configError(() => loadTrainConfig({ file: list })).message).toMatch(/top level must be a mapping/);
    const a = tmpYaml('a.yaml', '');
    fs.writeFileSync(a, `include: [a.yaml]\n`);
    expect(configError(() => loadTrainConfig({ file: a })).message).toMatch(/include cycle/);
    expect(configError(() => loadTrainConfig({ file: '/nonexistent/x.yaml' })).message).toMatch(/cannot read/);
    const empty = tmpYaml('empty.yaml', '');
    expect(loadTrainConfig({ file: empty }).trainer.maxEpochs).toBe(1);
  });
});

describe('buildFromConfig', () => {
  test('builds the enabled callbacks and loggers', () => {
    const lines: string[] = [];
    const cfg = loadTrainConfig({ file: TRAIN, overrides: ['trainer.maxEpochs=3'] });
    const built = buildFromConfig(cfg, { print: (l) => lines.push(l), cache: { stats: () => ({ bytes: 0 }) } });
    expect(built.callbacks.map((c) => c.constructor)).toEqual([PerformanceProfilerCallback, ThroughputMonitorCallback, StepProfilerCallback]);
    expect(built.loggers).toHaveLength(1);
    expect(built.loggers[0]).toBeInstanceOf(ConsoleLogger);
    expect(built.trainerOptions.maxEpochs).toBe(3);
    built.loggers[0]!.logMetrics({ a: 1 }, 0);
    expect(lines).toEqual(['[metrics] step 0: a=1']);
    const none = buildFromConfig(
      loadTrainConfig({ file: TRAIN, overrides: ['callbacks.performanceProfiler.enabled=false', 'loggers.console.enabled=false'] }),
    );
    expect(none.callbacks.map((c) => c.constructor)).toEqual([ThroughputMonitorCallback, StepProfilerCallback]);
    expect(none.loggers).toHaveLength(0);
  });
});

describe('override helpers and value descriptions with the wrong types', () => {
  it('parseOverride and applyOverrides name what they got instead of failing inside', () => {
    for (const bad of [undefined, 5, null, ['a=1']]) {
      expect(() => parseOverride(bad as never)).toThrow(expect.objectContaining({ name: 'OcrPerfkitTypeError', code: 'ERR_INVALID_ARGUMENT' }));
    }
    expect(() => parseOverride(7 as never)).toThrow('an override must be a key.path=value string, got 7');
    expect(() => applyOverrides({}, 'a=1' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: 'applyOverrides: overrides must be an array of strings, got "a=1"' }),
    );
    expect(() => applyOverrides(null as never, [])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => applyOverrides({}, [3 as never])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(applyOverrides({ a: { b: 1 } }, ['a.c=2'])).toEqual({ a: { b: 1, c: 2 } });
  });

  it('describeValue never throws, whatever the value', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const dateLike = Object.create(new Date(0)) as object; // String() of it throws
    expect(describeValue(cyclic)).toBe('[object Object]');
    expect(describeValue(dateLike)).toBe('[object Object]');
    const typedLike = Object.create(new Uint8Array(2)) as object;
    expect(typeof describeValue(typedLike)).toBe('string');
    expect(describeValue(10n)).toBe('10');
    expect(describeValue(Symbol('s'))).toBe('Symbol(s)');
  });
});
