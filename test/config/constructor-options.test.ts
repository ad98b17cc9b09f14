/**
 * Constructors given something other than an options object (null from a config file, a number,
 * an array) throw ERR_INVALID_CONFIG naming their config key. Those that split functions off
 * their options before validating used to throw a bare TypeError from destructuring on null, and
 * to accept a number or a string as if no options had been given.
 */
import {
  CallbackRunner,
  ConsoleLogger,
  DataLoader,
  LoggerGroup,
  MlflowLogger,
  OcrPerfkitRangeError,
  OcrPerfkitTypeError,
  PerformanceProfilerCallback,
  PolygonCacheLoggerCallback,
  ResourceMonitorCallback,
  StepProfilerCallback,
  ThroughputMonitorCallback,
  Trainer,
} from '../../src';

type Ctor = new (options?: never) => unknown;

const cases: Array<[string, Ctor, string]> = [
  ['PerformanceProfilerCallback', PerformanceProfilerCallback as Ctor, 'callbacks.performanceProfiler'],
  ['ThroughputMonitorCallback', ThroughputMonitorCallback as Ctor, 'callbacks.throughputMonitor'],
  ['StepProfilerCallback', StepProfilerCallback as Ctor, 'callbacks.stepProfiler'],
  ['ResourceMonitorCallback', ResourceMonitorCallback as unknown as Ctor, 'callbacks.resourceMonitor'],
  ['PolygonCacheLoggerCallback', PolygonCacheLoggerCallback as Ctor, 'callbacks.polygonCacheLogger'],
  ['ConsoleLogger', ConsoleLogger as Ctor, 'loggers.console'],
  ['MlflowLogger', MlflowLogger as unknown as Ctor, 'loggers.mlflow'],
  ['Trainer', Trainer as Ctor, 'trainer'],
  ['DataLoader', DataLoader as unknown as Ctor, 'dataLoader'],
];

describe('constructor options that are not an object', () => {
  it.each(cases)('%s: null, a number, a string and an array are ERR_INVALID_CONFIG', (_name, C, where) => {
    for (const [bad, shown] of [
      [null, 'null'],
      [5, '5'],
      ['x', '"x"'],
      [[1], '[1]'],
    ] as const) {
      let caught: unknown;
      try {
        new C(bad as never);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(OcrPerfkitRangeError);
      expect(caught).toMatchObject({ code: 'ERR_INVALID_CONFIG', message: `invalid config: ${where}: got ${shown}, expected object` });
    }
  });

  it('no options at all is still the defaults', () => {
    expect(new StepProfilerCallback().enabled).toBe(true);
    expect(new ThroughputMonitorCallback(undefined).enabled).toBe(true);
    expect(new ConsoleLogger().name).toBe('console');
    // An empty object is checked as before: the missing source is named.
    expect(() => new DataLoader({} as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: 'DataLoader: options.source is required' }),
    );
  });

  it('LoggerGroup and CallbackRunner want arrays: a TypeError with ERR_INVALID_ARGUMENT', () => {
    for (const bad of [null, 5, 'x', {}]) {
      expect(() => new LoggerGroup(bad as never)).toThrow(OcrPerfkitTypeError);
      expect(() => new LoggerGroup(bad as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
      expect(() => new CallbackRunner(bad as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    }
    expect(() => new CallbackRunner([], null as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CONFIG' }));
    expect(new LoggerGroup().active).toEqual([]);
    expect(new CallbackRunner([]).active).toEqual([]);
  });
});
