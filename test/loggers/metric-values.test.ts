/**
 * Values that are not numbers, and bad steps, as JavaScript callers pass them: each sink leaves
 * such a value out (warning once per key) instead of writing garbage, and rejects a bad step with a
 * typed error. Found by scripts/api-fuzz.js: the JSONL sink wrote `"-Infinity"` for a string, the
 * Prometheus exposition carried lines no scraper parses, TensorBoard threw a bare TypeError.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConsoleLogger } from '../../src/loggers/console';
import { LoggerGroup } from '../../src/loggers/group';
import { JsonlLogger } from '../../src/loggers/jsonl';
import { MemoryLogger } from '../../src/loggers/memory';
import { NumericMetrics } from '../../src/loggers/metric_values';
import { PrometheusLogger } from '../../src/loggers/prometheus';
import { TensorBoardLogger } from '../../src/loggers/tensorboard/writer';
import type { MetricValues } from '../../src/loggers/types';
import { makeTempDir } from '../tmp-dir';
import { decodeEvent, readRecords } from './tb_reader';

const fakeTensor = { dataSync: () => new Float32Array([3]), shape: [] };
const mixed = { str: 'x', flag: true, t: fakeTensor, obj: { a: 1 }, nil: null, big: 10n, ok: 2.5, nan: Number.NaN } as unknown as MetricValues;

let warnings: string[];
let spy: jest.SpyInstance;
beforeEach(() => {
  warnings = [];
  spy = jest.spyOn(process, 'emitWarning').mockImplementation((w) => {
    warnings.push(String(w));
  });
});
afterEach(() => spy.mockRestore());

describe('NumericMetrics', () => {
  test('keeps numbers (the same object when all are), converts bigints, warns once per dropped key', () => {
    const f = new NumericMetrics('jsonl');
    const clean = { a: 1, b: Number.NaN };
    expect(f.of(clean, 1)).toBe(clean);
    expect(f.of(mixed, 1)).toEqual({ big: 10, ok: 2.5, nan: Number.NaN });
    f.of(mixed, 2);
    expect(warnings).toHaveLength(5);
    expect(warnings).toContain('ocr-perfkit: jsonl logger leaves out metric "str": got "x", expected a number; warned once per key');
    expect(warnings.find((w) => w.includes('"t"'))).toContain('got a tensor, expected a number (read it first');
    expect(() => f.of(null as never, 1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});

describe('sinks given values that are not numbers', () => {
  test('JSONL writes only the numbers', async () => {
    const file = path.join(makeTempDir('mv'), 'm.jsonl');
    const l = new JsonlLogger({ path: file });
    l.logMetrics(mixed, 3);
    await l.close();
    const line = JSON.parse(fs.readFileSync(file, 'utf8').trim());
    expect(line.step).toBe(3);
    expect(line.metrics).toEqual({ big: 10, ok: 2.5, nan: 'NaN' });
  });

  test('TensorBoard writes only the numbers', async () => {
    const tb = new TensorBoardLogger({ logDir: makeTempDir('mv-tb') });
    tb.logMetrics(mixed, 4);
    await tb.close();
    const ev = readRecords(tb.file).map(decodeEvent)[1]!;
    expect(ev.step).toBe(4n);
    expect(ev.values.map((v) => v.tag)).toEqual(['big', 'ok', 'nan']);
    expect(ev.values[1]!.value).toBe(2.5);
  });

  test('Prometheus: every sample line parses; keys that map to one name give one series', async () => {
    const p = new PrometheusLogger({ port: 0 });
    try {
      p.logMetrics(mixed, 5);
      p.logMetrics({ 'a/b': 1, a_b: 2 }, 6);
      const text = p.exposition();
      const samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
      for (const l of samples) expect(l).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*\{run="default"\} (NaN|[+-]Inf|-?\d+(\.\d+)?(e[+-]?\d+)?)$/);
      expect(samples.filter((l) => l.startsWith('ocr_perfkit_a_b{'))).toEqual(['ocr_perfkit_a_b{run="default"} 2']);
      expect(text.match(/# TYPE ocr_perfkit_a_b gauge/g)).toHaveLength(1);
      expect(samples).toContain('ocr_perfkit_step{run="default"} 6');
      expect(samples).not.toContain(expect.stringContaining('ocr_perfkit_str'));
      // HELP text escapes backslashes and newlines (the only escapes it has).
      p.logMetrics({ 'dir\\name\nx': 1 }, 7);
      expect(p.exposition()).toContain('# HELP ocr_perfkit_dir_name_x Last value of dir\\\\name\\nx.\n');
      for (const l of p.exposition().split('\n').filter((x) => x.startsWith('# HELP '))) {
        expect(l).toMatch(/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* (?:[^\\\n]|\\[\\n])*$/);
      }
    } finally {
      await p.close();
    }
  });

  test('console and memory sinks keep only the numbers', () => {
    const lines: string[] = [];
    new ConsoleLogger({ print: (s) => lines.push(s) }).logMetrics(mixed, 1);
    expect(lines).toEqual(['[metrics] step 1: big=10 ok=2.5 nan=NaN']);
    const mem = new MemoryLogger();
    mem.logMetrics(mixed, 1);
    expect(mem.records[0]!.metrics).toEqual({ big: 10, ok: 2.5, nan: Number.NaN });
  });

  test.each([Number.NaN, Number.POSITIVE_INFINITY, '3', undefined, 2 ** 60])('step %p is a typed error; through a group the sink is dropped once', (step) => {
    const mem = new MemoryLogger();
    expect(() => mem.logMetrics({ a: 1 }, step as never)).toThrow(/memory logger: step must be a finite number/);
    const reports: string[] = [];
    const seen: unknown[] = [];
    const plain = { name: 'plain', logMetrics: (_m: MetricValues, s: number) => seen.push(s), close: async () => {} };
    const g = new LoggerGroup([new MemoryLogger(), plain], (s) => reports.push(s));
    g.logMetrics({ a: 1 }, step as never);
    g.logMetrics({ a: 2 }, 2);
    expect(reports).toEqual(['logger memory']);
    expect(seen).toEqual([step, 2]);
  });
});
