/**
 * The main job end to end, at a size that runs in seconds on the pure-JS backend: every callback
 * and sink on, the report written, evaluation numbers in range, logs readable.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTrainJob } from '../../src/demo/train_job';
import { parseTrainArgs } from '../../src/cli/train';
import { makeSyntheticReceipt } from '../../src/demo/synthetic_receipts';

describe('synthetic receipts', () => {
  it('are deterministic per seed, in [0, 1], with word boxes inside the page', () => {
    const a = makeSyntheticReceipt({ width: 96, height: 128, seed: 5 });
    const b = makeSyntheticReceipt({ width: 96, height: 128, seed: 5 });
    const c = makeSyntheticReceipt({ width: 96, height: 128, seed: 6 });
    expect(Buffer.from(a.image.buffer).equals(Buffer.from(b.image.buffer))).toBe(true);
    expect(Buffer.from(a.image.buffer).equals(Buffer.from(c.image.buffer))).toBe(false);
    expect(a.words.length).toBeGreaterThan(3);
    for (const v of a.image) expect(v >= 0 && v <= 1).toBe(true);
    for (const w of a.words) {
      expect(w.points).toHaveLength(4);
      for (const [x, y] of w.points) {
        expect(x).toBeGreaterThan(-2);
        expect(x).toBeLessThan(98);
        expect(y).toBeGreaterThan(-2);
        expect(y).toBeLessThan(130);
      }
    }
    // Ink is darker than paper inside word boxes.
    const w0 = a.words[0]!;
    const xs = w0.points.map((p) => p[0]);
    const ys = w0.points.map((p) => p[1]);
    let min = 1;
    for (let y = Math.ceil(Math.min(...ys)); y < Math.max(...ys); y++) {
      for (let x = Math.ceil(Math.min(...xs)); x < Math.max(...xs); x++) min = Math.min(min, a.image[y * 96 + x]!);
    }
    expect(min).toBeLessThan(0.5);
  });
});

describe('ocr-perfkit train', () => {
  it('parses --config, job.* keys and config overrides', () => {
    const p = parseTrainArgs(['--config', 'x.yaml', 'job.width=64', 'trainer.maxEpochs=2']);
    expect(p).toEqual({ configFile: 'x.yaml', job: { width: 64 }, overrides: ['trainer.maxEpochs=2'] });
    expect(() => parseTrainArgs(['oops'])).toThrow(/unexpected argument 'oops'/);
    expect(parseTrainArgs([]).configFile).toMatch(/configs[/\\]train\.yaml$/);
  });

  it('rejects bad job options with a coded error naming the key', async () => {
    await expect(runTrainJob({ job: { width: 33 }, print: () => {} })).rejects.toMatchObject({
      code: 'ERR_INVALID_CONFIG',
      message: expect.stringContaining('job.width'),
    });
  });

  it('trains, evaluates and writes the report, metrics and TensorBoard files', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opk-train-'));
    const lines: string[] = [];
    try {
      const r = await runTrainJob({
        job: {
          outDir,
          width: 32,
          height: 48,
          trainPages: 4,
          valPages: 2,
          baseChannels: 2,
          examplePages: 1,
          tfjsPackage: '@tensorflow/tfjs',
        },
        overrides: ['trainer.maxEpochs=2', 'data.batchSize=2', 'loggers.console.enabled=false'],
        print: (l) => lines.push(l),
      });
      expect(r.epochs).toBe(2);
      for (const v of [r.evaluation.precision, r.evaluation.recall, r.evaluation.hmean]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(r.evaluation.groundTruth).toBeGreaterThan(0);
      const html = fs.readFileSync(r.reportPath, 'utf8');
      expect(html).toContain('tiny DBNet on synthetic receipts');
      expect(html).toContain('Polygon cache:');
      expect(html).not.toContain('NaN');
      // Every callback reported through the loggers.
      const metrics = fs
        .readFileSync(path.join(outDir, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { metrics?: Record<string, unknown> });
      const keys = new Set(metrics.flatMap((m) => Object.keys(m.metrics ?? {})));
      for (const k of ['train/loss_epoch', 'val/loss', 'performance/val_batch_mean', 'throughput/samples_per_second']) {
        expect(keys).toContain(k);
      }
      expect([...keys].some((k) => k.startsWith('polygon_cache/'))).toBe(true);
      expect(keys).toContain('profiler/data_wait_share');
      expect(keys).toContain('resources/cpu_percent_mean');
      const trace = JSON.parse(fs.readFileSync(path.join(outDir, 'trace.json'), 'utf8')) as { traceEvents: unknown[] };
      expect(trace.traceEvents.length).toBeGreaterThan(3);
      expect(html).toMatch(/(Compute|Input)-bound/);
      const tb = fs.readdirSync(path.join(outDir, 'tb'));
      expect(tb.some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);
      expect(lines.some((l) => l.startsWith('report: '))).toBe(true);
      expect(html).toMatch(/Data transform \(DB targets and packing, its own work\): [0-9.]+ ms per batch in epoch 1, [0-9.]+ ms in later epochs/);
      // Epoch 2 reuses epoch 1's targets from the shared cache.
      expect(html).toMatch(/Polygon cache: 50% of DB target lookups were hits/);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });

  it('Ctrl-C stops training after the batch, still evaluates and writes the report, and exits 130', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opk-train-int-'));
    const cli = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
    const child = spawn(
      process.execPath,
      [cli, 'train', `job.outDir=${outDir}`, 'job.width=32', 'job.height=48', 'job.trainPages=40', 'job.valPages=2',
        'job.baseChannels=2', 'job.examplePages=1', 'job.tfjsPackage=@tensorflow/tfjs', 'trainer.maxEpochs=100', 'data.batchSize=2'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      out += String(d);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // Training is under way once the first epoch has been logged.
      const deadline = Date.now() + 45000;
      while (!out.includes('[Throughput] Epoch 1')) {
        if (Date.now() > deadline) throw new Error(`no epoch within 45 s:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGINT');
      const guard = setTimeout(() => child.kill('SIGKILL'), 45000);
      const code = await exited;
      clearTimeout(guard);
      expect(code).toBe(130);
      expect(out).toMatch(/report of the run so far: .*report\.html/);
      expect(out).toMatch(/ocr-perfkit train: training interrupted by SIGINT after \d+ steps\n/);
      const html = fs.readFileSync(path.join(outDir, 'report.html'), 'utf8');
      expect(html).toMatch(/Training interrupted by SIGINT after \d+ steps; the figures are for the model as it was then\./);
      expect(html).toContain('hmean');
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
});
