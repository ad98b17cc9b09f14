import { LoggerGroup } from '../../src/loggers/group';
import { MlflowLogger, mlflowName } from '../../src/loggers/mlflow';
import { type FakeMlflow, startFakeMlflow, validMlflowName } from './mlflow_server';

let server: FakeMlflow;
beforeEach(async () => {
  server = await startFakeMlflow();
});
afterEach(async () => {
  await server.close();
});

describe('MlflowLogger', () => {
  test('creates experiment and run, sends metrics and params in batches, ends the run', async () => {
    const ml = new MlflowLogger({
      trackingUri: `${server.url}/`,
      experimentName: 'dbnet',
      runName: 'r1',
      tags: { team: 'ocr' },
      batchSize: 4,
      flushIntervalMs: 0,
    });
    ml.logParams({ lr: 0.001, model: 'dbnet', skip: undefined });
    ml.logMetrics({ a: 1, b: 2 }, 0);
    ml.logMetrics({ a: Number.NaN, b: Number.POSITIVE_INFINITY, c: Number.NEGATIVE_INFINITY }, 1);
    ml.logMetrics({ a: 3 }, 2);
    await ml.flush();
    await ml.close('finished');
    const run = server.runs.get(ml.runId!)!;
    expect(run.experiment_id).toBe(server.experiments.get('dbnet'));
    expect(run.tags).toEqual({ team: 'ocr', 'mlflow.runName': 'r1' });
    expect(run.run_name).toBe('r1');
    expect(run.params).toEqual({ lr: '0.001', model: 'dbnet' });
    expect(run.metrics.map((m) => [m.key, m.value, m.step])).toEqual([
      ['a', 1, 0],
      ['b', 2, 0],
      ['a', 'NaN', 1],
      ['b', 'Infinity', 1],
      ['c', '-Infinity', 1],
      ['a', 3, 2],
    ]);
    expect(run.status).toBe('FINISHED');
    expect(run.end_time).toBeGreaterThanOrEqual(run.start_time);
    const paths = server.requests.map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual([
      'GET /api/2.0/mlflow/experiments/get-by-name',
      'POST /api/2.0/mlflow/experiments/create',
      'POST /api/2.0/mlflow/runs/create',
      'POST /api/2.0/mlflow/runs/log-batch', // size-triggered: 5 queued >= 4, sent as 4 + 1
      'POST /api/2.0/mlflow/runs/log-batch',
      'POST /api/2.0/mlflow/runs/log-batch', // flush: the last metric
      'POST /api/2.0/mlflow/runs/update',
    ]);
    const firstBatch = server.requests[3]!.body as { metrics: unknown[]; params: unknown[] };
    expect(firstBatch.metrics).toHaveLength(4);
    expect(firstBatch.params).toHaveLength(2);
  });

  test('reuses an existing experiment and splits big batches at the server limit', async () => {
    const a = new MlflowLogger({ trackingUri: server.url, experimentName: 'same', flushIntervalMs: 0, batchSize: 1000 });
    a.logMetrics({ x: 1 }, 0);
    await a.close();
    const b = new MlflowLogger({ trackingUri: server.url, experimentName: 'same', flushIntervalMs: 0, batchSize: 1000 });
    const many: Record<string, number> = {};
    for (let i = 0; i < 1500; i++) many[`m${i}`] = i;
    b.logMetrics(many, 0);
    await b.close('failed');
    expect(server.experiments.size).toBe(1);
    expect(b.experimentId).toBe(a.experimentId);
    const run = server.runs.get(b.runId!)!;
    expect(run.metrics).toHaveLength(1500);
    expect(run.status).toBe('FAILED');
    const batches = server.requests.filter((r) => r.path.endsWith('log-batch') && (r.body as { run_id: string }).run_id === b.runId);
    expect(batches.map((r) => (r.body as { metrics: unknown[] }).metrics.length)).toEqual([1000, 500]);
  });

  test('sends queued metrics on the interval timer', async () => {
    const ml = new MlflowLogger({ trackingUri: server.url, flushIntervalMs: 20, batchSize: 1000 });
    ml.logMetrics({ x: 1 }, 0);
    for (let i = 0; i < 100 && !server.requests.some((r) => r.path.endsWith('log-batch')); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(server.requests.some((r) => r.path.endsWith('log-batch'))).toBe(true);
    await ml.close();
  });

  test('a failing server is reported once and the sink dropped; training goes on', async () => {
    server.failWith = 500;
    const reports: string[] = [];
    const ml = new MlflowLogger({ trackingUri: server.url, flushIntervalMs: 0 });
    const group = new LoggerGroup([ml], (src, err) => reports.push(`${src}: ${(err as Error).message}`));
    group.logMetrics({ x: 1 }, 0);
    await group.flush();
    group.logMetrics({ x: 2 }, 1);
    await group.flush();
    await group.close();
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/^logger mlflow: MLflow GET experiments\/get-by-name.* failed: HTTP 500 INTERNAL_ERROR injected/);
    expect(group.active).toHaveLength(0);
  });

  test('a rejected batch marks the run FAILED on close and reports the error', async () => {
    const ml = new MlflowLogger({ trackingUri: server.url, flushIntervalMs: 0 });
    ml.logMetrics({ ok: 1 }, 0);
    await ml.flush();
    // The fake server rejects param changes, as MLflow does.
    ml.logParams({ p: 'a' });
    await ml.flush();
    ml.logParams({ p: 'b' });
    await expect(ml.flush()).rejects.toThrow(/HTTP 400 INVALID_PARAMETER_VALUE param changed/);
    await expect(ml.close('finished')).rejects.toThrow(/param changed/);
    expect(server.runs.get(ml.runId!)!.status).toBe('FAILED');
  });

  test('no run is created when nothing was logged', async () => {
    const ml = new MlflowLogger({ trackingUri: server.url, flushIntervalMs: 0 });
    await ml.close();
    expect(server.requests).toHaveLength(0);
  });

  test('bad options are rejected with the key named', () => {
    expect(() => new MlflowLogger({ trackingUri: 'not a url' })).toThrow(/loggers\.mlflow\.trackingUri: got "not a url"/);
    expect(() => new MlflowLogger({ trackingUri: server.url, batchSize: 5000 })).toThrow(
      /loggers\.mlflow\.batchSize: got 5000, expected number to be <=1000/,
    );
  });

  test('keys the server would reject (acc@1, a//b, /x, ..) are sent as names it accepts; nothing is lost', async () => {
    const reports: string[] = [];
    const ml = new MlflowLogger({ trackingUri: server.url, tags: { 'team@ocr': 'x' }, batchSize: 100 });
    const g = new LoggerGroup([ml], (s) => reports.push(s));
    g.logParams({ 'lr(init)': 0.1 });
    g.logMetrics({ 'acc@1': 0.5, 'a//b': 2, '/x': 3, '..': 4, 'train/loss': 1 }, 1);
    await g.close();
    expect(reports).toEqual([]);
    const run = [...server.runs.values()][0]!;
    expect(run.status).toBe('FINISHED');
    expect(run.metrics.map((m) => m.key)).toEqual(['acc_1', 'a/b', 'x', '_..', 'train/loss']);
    expect(run.params).toEqual({ lr_init_: '0.1' });
    expect(run.tags.team_ocr).toBe('x');
  });
});

describe('mlflowName', () => {
  // MLflow's own test lists (tests/utils/test_validation.py): good names stay as they are.
  const good = ['a', 'Ab-5_', 'a/b/c', 'a.b.c', '.a', 'b.', 'a..a/._./o_O/.e.', 'a b/c d', 'performance/val_batch_mean'];
  const badNames = ['', '.', '/', '..', '//', 'a//b', 'a/./b', '/a', 'a/', ':', '\\', './', '/./', '..a', 'x'.repeat(300), 'a\nb'];

  test('keeps valid names and turns invalid ones into names the server accepts', () => {
    for (const n of good) {
      expect(validMlflowName(n)).toBe(true);
      expect(mlflowName(n)).toBe(n);
    }
    for (const n of badNames) {
      expect(validMlflowName(n)).toBe(false);
      expect(validMlflowName(mlflowName(n))).toBe(true);
    }
    expect(mlflowName('x'.repeat(300))).toHaveLength(250);
    expect(mlflowName('')).toBe('_');
  });

  test('any string becomes a valid name (2,000 random strings over a hostile alphabet)', () => {
    const alphabet = ['a', 'Z', '0', '_', '-', '.', ' ', '/', '@', ':', '\\', '\n', 'é', '(', '..', '//'];
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let i = 0; i < 2000; i++) {
      const len = Math.floor(rand() * 12);
      let s = '';
      for (let k = 0; k < len; k++) s += alphabet[Math.floor(rand() * alphabet.length)];
      expect([s, validMlflowName(mlflowName(s))]).toEqual([s, true]);
    }
  });
});
