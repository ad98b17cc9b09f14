/**
 * {@link MlflowLogger}: MLflow tracking over its REST API (`/api/2.0/mlflow/...`) with the global
 * `fetch` (Node ≥ 18). On first use it finds or creates the experiment
 * (`experiments/get-by-name`, `experiments/create`), creates a run (`runs/create`), then sends
 * metrics and params in batches (`runs/log-batch`, at most 1000 metrics and 100 params per
 * request, as the server allows) and marks the run terminated on close (`runs/update` with
 * `FINISHED`/`FAILED`/`KILLED` and `end_time`).
 *
 * `logMetrics` only queues; requests go out when `batchSize` metrics are queued, every
 * `flushIntervalMs`, on `flush()` and on `close()`, one at a time and in order. Non-finite values
 * are sent as the proto3 JSON strings `"NaN"`, `"Infinity"`, `"-Infinity"`. The first failed
 * request is remembered and thrown from the next call, so the owning group reports it and drops
 * the sink; training is never blocked by the server.
 */
import { z } from 'zod';
import { OcrPerfkitError } from '../errors';
import { configObject, parseConfig } from '../config/validate';
import { jsonNumber } from './json_values';
import type { MetricsLogger, MetricValues, ParamValues, RunStatus } from './types';
import { NumericMetrics } from './metric_values';

/** Options of {@link MlflowLogger} that can live in a config file. */
export const mlflowLoggerConfigSchema = z
  .object({
    /** Tracking server base URL, e.g. `http://127.0.0.1:5000` (no trailing `/api`). */
    trackingUri: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
    /** Experiment name; created when missing. */
    experimentName: z.string().min(1).default('ocr-perfkit'),
    /** Run name shown in the UI (`mlflow.runName` tag). */
    runName: z.string().min(1).optional(),
    /** Extra run tags. */
    tags: z.record(z.string(), z.string()).default({}),
    /** Metrics per `log-batch` request (the server accepts at most 1000). */
    batchSize: z.number().int().min(1).max(1000).default(500),
    /** Send queued metrics at least this often (ms); 0 = only on size, flush and close. */
    flushIntervalMs: z.number().int().min(0).default(5000),
    /** Per-request timeout (ms). */
    timeoutMs: z.number().int().min(1).default(10000),
    /** Extra HTTP headers (e.g. `Authorization`). */
    headers: z.record(z.string(), z.string()).default({}),
  })
  .strict();

/** Options of {@link MlflowLogger}. */
export interface MlflowLoggerOptions extends z.input<typeof mlflowLoggerConfigSchema> {
  /** `fetch` to use (default: the global one). */
  fetch?: typeof fetch;
}

interface MetricEntry {
  key: string;
  value: number | string;
  timestamp: number;
  step: number;
}

/** The longest metric, param or tag key the MLflow server stores. */
const MAX_KEY_LENGTH = 250;

/**
 * `key` as a name the MLflow server accepts for a metric, param or tag. The server rejects the
 * whole log-batch request for one bad name (characters outside alphanumerics, `_ - . /` and
 * space, or a name that `posixpath.normpath` would change: `a//b`, `/a`, `a/`, `./a`, `..`), so a
 * key such as `acc@1` or `loss(val)` would otherwise lose every metric of its batch and then the
 * sink. Other characters become `_`; empty, `.` and leading-`..` path segments are dropped or
 * escaped; the result is cut to 250 characters. Keys that differ only there share one name.
 */
export function mlflowName(key: string): string {
  let s = key.replace(/[^A-Za-z0-9_\-. /]/g, '_');
  if (s.includes('/') || s.startsWith('.')) {
    s = s
      .split('/')
      .filter((seg) => seg !== '' && seg !== '.')
      .map((seg) => (seg.startsWith('..') ? `_${seg}` : seg))
      .join('/');
  }
  if (s.length > MAX_KEY_LENGTH) s = s.slice(0, MAX_KEY_LENGTH).replace(/\/+$/, '');
  return s === '' ? '_' : s;
}

const STATUS: Record<RunStatus, string> = { finished: 'FINISHED', failed: 'FAILED', killed: 'KILLED' };
const MAX_PARAMS = 100;

/** MLflow REST sink. */
export class MlflowLogger implements MetricsLogger {
  readonly name = 'mlflow';
  private readonly cfg: z.output<typeof mlflowLoggerConfigSchema>;
  private readonly fetchFn: typeof fetch;
  private readonly base: string;
  private readonly numeric = new NumericMetrics('mlflow');
  private metrics: MetricEntry[] = [];
  private params: Array<{ key: string; value: string }> = [];
  private chain: Promise<void> = Promise.resolve();
  private runPromise: Promise<string> | undefined;
  private error: unknown;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  /** Run id once created (for linking to the UI). */
  runId: string | undefined;
  /** Experiment id once known. */
  experimentId: string | undefined;

  constructor(options: MlflowLoggerOptions) {
    const { fetch: fetchOpt, ...rest } = configObject(options, 'loggers.mlflow');
    this.cfg = parseConfig(mlflowLoggerConfigSchema, rest, 'loggers.mlflow');
    const f = fetchOpt ?? (globalThis as { fetch?: typeof fetch }).fetch;
    if (typeof f !== 'function') {
      throw new OcrPerfkitError('MlflowLogger needs a global fetch (Node >= 18) or options.fetch', 'ERR_UNAVAILABLE');
    }
    this.fetchFn = f;
    this.base = this.cfg.trackingUri.replace(/\/+$/, '');
    if (this.cfg.flushIntervalMs > 0) {
      this.timer = setInterval(() => {
        if (this.metrics.length > 0 || this.params.length > 0) this.enqueueSend();
      }, this.cfg.flushIntervalMs);
      this.timer.unref();
    }
  }

  private async request(method: 'GET' | 'POST', endpoint: string, body?: object): Promise<unknown> {
    const url = `${this.base}/api/2.0/mlflow/${endpoint}`;
    const res = await this.fetchFn(url, {
      method,
      headers: { 'content-type': 'application/json', ...this.cfg.headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.cfg.timeoutMs),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text.length > 0 ? JSON.parse(text) : {};
    } catch {
      json = { message: text };
    }
    if (!res.ok) {
      const e = json as { error_code?: string; message?: string };
      const err = new OcrPerfkitError(
        `MLflow ${method} ${endpoint} failed: HTTP ${res.status} ${e.error_code ?? ''} ${e.message ?? ''}`.trim(),
        'ERR_MLFLOW',
      );
      (err as { status?: number }).status = res.status;
      (err as { errorCode?: string }).errorCode = e.error_code;
      throw err;
    }
    return json;
  }

  private async experiment(): Promise<string> {
    const name = this.cfg.experimentName;
    try {
      const r = (await this.request(
        'GET',
        `experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`,
      )) as { experiment?: { experiment_id?: string } };
      if (r.experiment?.experiment_id) return r.experiment.experiment_id;
    } catch (err) {
      const code = (err as { errorCode?: string }).errorCode;
      const status = (err as { status?: number }).status;
      if (code !== 'RESOURCE_DOES_NOT_EXIST' && status !== 404) throw err;
    }
    const c = (await this.request('POST', 'experiments/create', { name })) as { experiment_id?: string };
    if (!c.experiment_id) throw new OcrPerfkitError('MLflow experiments/create returned no experiment_id', 'ERR_MLFLOW');
    return c.experiment_id;
  }

  /** Creates the run on first use; resolves to its id. */
  private ensureRun(): Promise<string> {
    this.runPromise ??= (async () => {
      this.experimentId = await this.experiment();
      const tags = Object.entries(this.cfg.tags).map(([key, value]) => ({ key: mlflowName(key), value }));
      if (this.cfg.runName) tags.push({ key: 'mlflow.runName', value: this.cfg.runName });
      const body: Record<string, unknown> = { experiment_id: this.experimentId, start_time: Date.now(), tags };
      if (this.cfg.runName) body.run_name = this.cfg.runName;
      const r = (await this.request('POST', 'runs/create', body)) as { run?: { info?: { run_id?: string } } };
      const id = r.run?.info?.run_id;
      if (!id) throw new OcrPerfkitError('MLflow runs/create returned no run_id', 'ERR_MLFLOW');
      this.runId = id;
      return id;
    })();
    return this.runPromise;
  }

  private check(): void {
    if (this.error !== undefined) throw this.error;
  }

  /** Queues one send of everything queued now, after earlier sends. */
  private enqueueSend(): Promise<void> {
    const metrics = this.metrics;
    const params = this.params;
    if (metrics.length === 0 && params.length === 0) return this.chain;
    this.metrics = [];
    this.params = [];
    this.chain = this.chain.then(async () => {
      if (this.error !== undefined) return;
      try {
        const runId = await this.ensureRun();
        let mi = 0;
        let pi = 0;
        while (mi < metrics.length || pi < params.length) {
          const p = params.slice(pi, pi + MAX_PARAMS);
          pi += p.length;
          const m = metrics.slice(mi, mi + this.cfg.batchSize);
          mi += m.length;
          await this.request('POST', 'runs/log-batch', { run_id: runId, metrics: m, params: p, tags: [] });
        }
      } catch (err) {
        this.error ??= err;
      }
    });
    return this.chain;
  }

  logMetrics(metrics: MetricValues, step: number): void {
    this.check();
    if (this.closed) return;
    const timestamp = Date.now();
    const values = this.numeric.of(metrics, step);
    const s = Math.trunc(step);
    for (const key in values) this.metrics.push({ key: mlflowName(key), value: jsonNumber(values[key] as number), timestamp, step: s });
    if (this.metrics.length >= this.cfg.batchSize) void this.enqueueSend();
  }

  logParams(params: ParamValues): void {
    this.check();
    if (this.closed) return;
    for (const [key, v] of Object.entries(params)) {
      if (v === undefined) continue;
      this.params.push({ key: mlflowName(key), value: String(v).slice(0, 6000) });
    }
  }

  async flush(): Promise<void> {
    this.check();
    if (this.closed) return;
    await this.enqueueSend();
    this.check();
  }

  async close(status: RunStatus = 'finished'): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.error === undefined) await this.enqueueSend();
    if (this.runPromise === undefined) {
      this.check();
      return; // nothing was ever logged: no run to end
    }
    let runId: string | undefined;
    try {
      runId = await this.runPromise;
    } catch {
      // the run was never created; the error is already recorded
    }
    if (runId !== undefined) {
      // After an earlier failure, still try to end the run (as FAILED) so it does not stay RUNNING.
      const final = this.error === undefined ? status : 'failed';
      try {
        await this.request('POST', 'runs/update', { run_id: runId, status: STATUS[final], end_time: Date.now() });
      } catch (err) {
        this.error ??= err;
      }
    }
    this.check();
  }
}
