/**
 * {@link WorkerPool}: runs a CPU-heavy function (e.g. DB target generation for a batch) on
 * `worker_threads`, one task per worker at a time, results in submission order per promise.
 *
 * The function lives in a CommonJS/ESM-compatible module loadable with `require` in the worker:
 * `new WorkerPool({ module: '/abs/path/targets_worker.js', exportName: 'transform' })`. It
 * receives the task input (structured-cloned) and returns the output or a promise of it. Typed
 * arrays in the output (top level, or one level down in an array/object) are transferred, not
 * copied, when they own their whole buffer.
 *
 * A task that throws rejects its promise with an Error carrying the worker's message and stack
 * (`ERR_WORKER_TASK`). A worker that dies mid-task is replaced; its task rejects. A worker that
 * cannot load the module (bad path, missing export) fails the whole pool: every pending and later
 * `run` rejects with `ERR_WORKER_START` (no respawn loop). Idle workers do not keep the process
 * alive.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { describeValue, parseConfig } from '../config/validate';
import { OcrPerfkitError, OcrPerfkitTypeError } from '../errors';

/** Options of {@link WorkerPool}. */
export const workerPoolConfigSchema = z
  .object({
    /** Path of the module holding the function (resolved against the current directory). */
    module: z.string().min(1),
    /** Name of the exported function (`default` means `module.exports` itself or its `default`). */
    exportName: z.string().min(1).default('default'),
    /** Number of workers (default: available parallelism − 1, at least 1). */
    size: z.number().int().min(1).max(256).optional(),
  })
  .strict();

/** Options of {@link WorkerPool}. */
export type WorkerPoolOptions = z.input<typeof workerPoolConfigSchema>;

const BOOTSTRAP = `
const { parentPort, workerData } = require('node:worker_threads');
const mod = require(workerData.module);
const fn = workerData.exportName === 'default'
  ? (typeof mod === 'function' ? mod : mod.default)
  : mod[workerData.exportName];
if (typeof fn !== 'function') throw new Error('export "' + workerData.exportName + '" of ' + workerData.module + ' is not a function');
parentPort.postMessage({ ready: true });
function transferables(v, depth) {
  const out = [];
  const visit = (x, d) => {
    if (x === null || typeof x !== 'object') return;
    if (ArrayBuffer.isView(x)) {
      const b = x.buffer;
      if (b instanceof ArrayBuffer && x.byteOffset === 0 && x.byteLength === b.byteLength && !out.includes(b)) out.push(b);
      return;
    }
    if (d >= 2) return;
    for (const k in x) visit(x[k], d + 1);
  };
  visit(v, depth);
  return out;
}
parentPort.on('message', async (msg) => {
  try {
    const t0 = performance.now();
    const result = await fn(msg.input);
    const execMs = performance.now() - t0;
    parentPort.postMessage({ id: msg.id, ok: true, result, execMs }, transferables(result, 0));
  } catch (err) {
    parentPort.postMessage({ id: msg.id, ok: false, message: err && err.message ? err.message : String(err), stack: err && err.stack });
  }
});
`;

interface Task {
  id: number;
  input: unknown;
  transfer: ArrayBuffer[];
  resolve(v: TimedResult<unknown>): void;
  reject(e: unknown): void;
}

/** A task's result with the time the worker spent on it. */
export interface TimedResult<O> {
  /** What the function returned (or resolved with). */
  value: O;
  /**
   * Milliseconds from the call of the function in the worker to its result: the task's own
   * work, without the wait for a free worker or for the caller's thread to take the result.
   */
  execMs: number;
}

interface Slot {
  worker: Worker;
  task: Task | undefined;
  /** The module loaded and the worker said so. */
  ready: boolean;
}

/** A fixed-size pool of worker threads running one function. */
export class WorkerPool<I = unknown, O = unknown> {
  /** Number of workers. */
  readonly size: number;
  private readonly module: string;
  private readonly exportName: string;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: WorkerPoolOptions) {
    const cfg = parseConfig(workerPoolConfigSchema, options, 'workerPool');
    this.module = path.resolve(cfg.module);
    this.exportName = cfg.exportName;
    const par = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    this.size = cfg.size ?? Math.max(1, par - 1);
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { module: this.module, exportName: this.exportName },
    });
    const slot: Slot = { worker, task: undefined, ready: false };
    worker.unref();
    worker.on('message', (msg: { ready?: boolean; id: number; ok: boolean; result?: unknown; execMs?: number; message?: string; stack?: string }) => {
      if (msg.ready) {
        slot.ready = true;
        return;
      }
      const task = slot.task;
      if (!task || task.id !== msg.id) return;
      slot.task = undefined;
      worker.unref();
      if (msg.ok) task.resolve({ value: msg.result, execMs: msg.execMs ?? Number.NaN });
      else {
        const err = new OcrPerfkitError(`worker task failed: ${msg.message}`, 'ERR_WORKER_TASK');
        if (msg.stack) err.stack = `${err.name}: ${err.message}\n--- in worker ---\n${msg.stack}`;
        task.reject(err);
      }
      this.pump();
    });
    const onDeath = (err: unknown) => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      const task = slot.task;
      slot.task = undefined;
      const why = err instanceof Error ? err.message : String(err);
      if (!slot.ready && !this.closed) {
        // The module itself cannot load: respawning would fail the same way, forever.
        this.fail(new OcrPerfkitError(`worker could not start: ${why}`, 'ERR_WORKER_START'));
        task?.reject(this.fatal);
        return;
      }
      task?.reject(new OcrPerfkitError(`worker died: ${why}`, 'ERR_WORKER_TASK'));
      if (this.closed) return;
      this.slots[i] = this.spawn();
      this.pump();
    };
    worker.on('error', onDeath);
    worker.on('exit', (code) => onDeath(new Error(`exit code ${code}`)));
    return slot;
  }

  /** Set when workers cannot start; every run then rejects with it. */
  private fatal: unknown;

  private fail(err: unknown): void {
    if (this.fatal !== undefined) return;
    this.fatal = err;
    for (const t of this.queue.splice(0)) t.reject(err);
    this.closed = true;
    for (const slot of this.slots) {
      slot.task?.reject(err);
      slot.task = undefined;
      void slot.worker.terminate();
    }
  }

  private pump(): void {
    for (const slot of this.slots) {
      while (!slot.task && this.queue.length > 0) {
        const task = this.queue.shift()!;
        slot.task = task;
        slot.worker.ref();
        try {
          slot.worker.postMessage({ id: task.id, input: task.input }, task.transfer);
        } catch (err) {
          // Not structured-cloneable (a function, a Symbol, a detached or non-transferable
          // buffer): this task fails, the worker takes the next one. pump() also runs inside a
          // worker's message handler, where a throw would be an uncaught exception.
          slot.task = undefined;
          slot.worker.unref();
          const why = err instanceof Error ? err.message : String(err);
          task.reject(new OcrPerfkitTypeError(`WorkerPool: task input cannot be sent to a worker: ${why}`));
        }
      }
      if (this.queue.length === 0) return;
    }
  }

  /**
   * Runs the function on `input` in a free worker (queued when all are busy).
   * @param transfer buffers to move to the worker instead of copying.
   */
  async run(input: I, transfer: ArrayBuffer[] = []): Promise<O> {
    return (await this.runTimed(input, transfer)).value;
  }

  /**
   * {@link run}, also giving the time the worker spent on the task ({@link TimedResult.execMs}).
   * A {@link DataLoader} with this pool uses it for the batch's transform time.
   * @param transfer buffers to move to the worker instead of copying.
   */
  runTimed(input: I, transfer: ArrayBuffer[] = []): Promise<TimedResult<O>> {
    if (this.fatal !== undefined) return Promise.reject(this.fatal);
    if (this.closed) return Promise.reject(new OcrPerfkitError('WorkerPool is closed', 'ERR_CLOSED'));
    if (!Array.isArray(transfer)) {
      return Promise.reject(new OcrPerfkitTypeError(`WorkerPool: transfer must be an array of ArrayBuffers, got ${describeValue(transfer)}`));
    }
    return new Promise<TimedResult<O>>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, input, transfer, resolve: resolve as (v: TimedResult<unknown>) => void, reject });
      this.pump();
    });
  }

  /** Tasks waiting for a worker. */
  get pending(): number {
    return this.queue.length;
  }

  /** Terminates the workers; queued and running tasks reject with `ERR_CLOSED`. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new OcrPerfkitError('WorkerPool closed', 'ERR_CLOSED');
    for (const t of this.queue.splice(0)) t.reject(err);
    await Promise.all(
      this.slots.map(async (slot) => {
        const task = slot.task;
        slot.task = undefined;
        task?.reject(err);
        await slot.worker.terminate();
      }),
    );
  }
}
