/**
 * Ctrl-C during Trainer.fit, in a child process (test/trainer/fixtures/interrupted_fit.js, which
 * loads the built package from dist/): the first SIGINT stops the loop after the current batch,
 * runs onException (ERR_INTERRUPTED) and onTrainEnd, closes the loggers as killed (their
 * buffered lines written), then ends the process by the signal, or, when the program listens for
 * SIGINT itself, rejects fit with ERR_INTERRUPTED.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir } from '../tmp-dir';

const fixture = path.join(__dirname, 'fixtures', 'interrupted_fit.js');

type Mode = 'default' | 'listener' | 'off' | 'noyield' | 'adapter' | 'adapter-listener' | 'validate' | 'validate-listener';

async function interrupt(mode: Mode) {
  const dir = makeTempDir(`sig-${mode}`);
  const events = path.join(dir, 'events.txt');
  const child = spawn(process.execPath, [fixture, dir, mode], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + 30000;
  while (!(fs.existsSync(events) && fs.readFileSync(events, 'utf8').includes('ready'))) {
    if (Date.now() > deadline) throw new Error(`the child never got to batch 3: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGINT');
  const killedAt = Date.now();
  // A child that never hears the signal would train for minutes: end it, and say so.
  const guard = setTimeout(() => child.kill('SIGKILL'), 20000);
  const exit = await exited;
  const stopMs = Date.now() - killedAt;
  clearTimeout(guard);
  if (exit.signal === 'SIGKILL') throw new Error(`${mode}: the child did not stop within 20 s of SIGINT: ${stderr}`);
  const lines = fs.readFileSync(events, 'utf8').trim().split('\n');
  const jsonl = fs.existsSync(path.join(dir, 'metrics.jsonl')) ? fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8') : '';
  return { exit, lines, jsonl, stderr, stopMs };
}

describe('Trainer.fit and SIGINT', () => {
  test('stops after the batch, reports ERR_INTERRUPTED, closes the loggers as killed, then the signal ends the process', async () => {
    const { exit, lines, jsonl, stderr } = await interrupt('default');
    expect(exit).toEqual({ code: null, signal: 'SIGINT' });
    expect(lines).toEqual(['ready', 'onException ERR_INTERRUPTED', 'onTrainEnd', 'logger closed killed']);
    expect(stderr).toContain('SIGINT received, stopping after the current batch');
    // The per-step lines buffered in the JSONL sink reached the file when it was closed.
    const steps = jsonl.trim().split('\n').map((l) => JSON.parse(l).step);
    expect(steps.length).toBeGreaterThanOrEqual(3);
    expect(steps.slice(0, 3)).toEqual([1, 2, 3]);
  });

  test("with a SIGINT listener of the program's own, fit rejects with ERR_INTERRUPTED and the program goes on", async () => {
    const { exit, lines, stderr } = await interrupt('listener');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(lines[0]).toBe('ready');
    expect(lines).toContain('program SIGINT listener');
    expect(stderr).not.toContain('stopping after the current batch'); // the program speaks for itself
    expect(lines.slice(-4)).toEqual([
      'onTrainEnd',
      'logger closed killed',
      expect.stringMatching(/^fit rejected ERR_INTERRUPTED: training interrupted by SIGINT after \d+ steps$/),
      'after fit',
    ]);
  });

  test.each(['noyield', 'adapter'] as const)(
    'heard even where nothing turns the event loop (%s): the loop turns it every 100 ms while listening',
    async (mode) => {
      const { exit, lines, jsonl, stopMs } = await interrupt(mode);
      expect(exit).toEqual({ code: null, signal: 'SIGINT' });
      // Heard within a batch or a poll, not at the end of an epoch (the adapter's is ~10 s long).
      expect(stopMs).toBeLessThan(4000);
      expect(lines).toEqual(['ready', 'onException ERR_INTERRUPTED', 'onTrainEnd', 'logger closed killed']);
      if (mode === 'noyield') expect(jsonl.trim().split('\n').length).toBeGreaterThanOrEqual(3);
    },
  );

  test("the adapter with a SIGINT listener of the program's own: watch() rejects with ERR_INTERRUPTED and the program goes on", async () => {
    const { exit, lines, stderr } = await interrupt('adapter-listener');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(lines).toContain('program SIGINT listener');
    expect(stderr).not.toContain('stopping after the current batch');
    expect(lines.slice(-5)).toEqual([
      'onException ERR_INTERRUPTED',
      'onTrainEnd',
      'logger closed killed',
      expect.stringMatching(/^fit rejected ERR_INTERRUPTED: training interrupted by SIGINT after \d+ steps$/),
      'after fit',
    ]);
  });

  test('gracefulSignals: false leaves SIGINT alone: the process ends at once and the buffered lines are lost', async () => {
    const { exit, lines, jsonl } = await interrupt('off');
    expect(exit).toEqual({ code: null, signal: 'SIGINT' });
    expect(lines).toEqual(['ready']);
    expect(jsonl).toBe('');
  });
});

describe('Trainer.validate and SIGINT', () => {
  test('stops after the batch, reports ERR_INTERRUPTED, closes the loggers as killed, then the signal ends the process', async () => {
    const { exit, lines, stderr } = await interrupt('validate');
    expect(exit).toEqual({ code: null, signal: 'SIGINT' });
    expect(lines).toEqual(['ready', 'onException ERR_INTERRUPTED', 'logger closed killed']);
    expect(stderr).toContain('Trainer.validate: SIGINT received, stopping after the current batch');
  });

  test("with a SIGINT listener of the program's own, validate rejects with ERR_INTERRUPTED and the program goes on", async () => {
    const { exit, lines } = await interrupt('validate-listener');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(lines.slice(-4)).toEqual([
      'onException ERR_INTERRUPTED',
      'logger closed killed',
      expect.stringMatching(/^validate rejected ERR_INTERRUPTED: validation interrupted by SIGINT after \d+ batches$/),
      'after validate',
    ]);
  });
});
