/**
 * {@link PrometheusLogger}: serves the latest value of every metric on an HTTP `/metrics`
 * endpoint in the Prometheus text exposition format (version 0.0.4), for a Prometheus server to
 * scrape while training runs (point a Grafana panel at `ocr_perfkit_train_loss`, ...).
 *
 * Metric names are sanitized (`train/loss` → `ocr_perfkit_train_loss`: characters outside
 * `[a-zA-Z0-9_:]` become `_`, the `namePrefix` is prepended); every metric is a gauge holding its
 * last logged value, with the `run` label. `ocr_perfkit_step` holds the last step. Non-finite
 * values are written as Prometheus does (`NaN`, `+Inf`, `-Inf`). `logMetrics` only updates a map;
 * the text is built per scrape. The server binds to `host:port` (default 127.0.0.1:9464, the
 * port OpenTelemetry's Prometheus exporter uses; `port: 0` picks a free one, see `address()`).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { parseConfig } from '../config/validate';
import type { MetricsLogger, MetricValues, ParamValues } from './types';
import { NumericMetrics } from './metric_values';

/** Options of {@link PrometheusLogger}. */
export const prometheusLoggerConfigSchema = z
  .object({
    /** Interface to listen on (keep it on loopback unless you mean to expose it). */
    host: z.string().min(1).default('127.0.0.1'),
    /** Port; 0 = any free port. */
    port: z.number().int().min(0).max(65535).default(9464),
    /** Prepended to every metric name. */
    namePrefix: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/).default('ocr_perfkit_'),
    /** Value of the `run` label on every sample. */
    runLabel: z.string().default('default'),
  })
  .strict();

/** Options of {@link PrometheusLogger}. */
export type PrometheusLoggerOptions = z.input<typeof prometheusLoggerConfigSchema>;

/** `train/loss` → `train_loss` (Prometheus metric-name alphabet). */
export function prometheusName(key: string): string {
  const s = key.replace(/[^a-zA-Z0-9_:]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

/** A number in the exposition format. */
export function prometheusValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

/** HELP text: only `\\` and `\n` are escapes there, so a raw backslash must be doubled. */
function helpText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function labelValue(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Scrape endpoint sink. */
export class PrometheusLogger implements MetricsLogger {
  readonly name = 'prometheus';
  readonly config: z.output<typeof prometheusLoggerConfigSchema>;
  /** Last value per exposition name, with the key it was logged under (for HELP). */
  private readonly values = new Map<string, { key: string; value: number }>();
  private readonly numeric = new NumericMetrics('prometheus');
  private step = Number.NaN;
  private readonly server: http.Server;
  private readonly listening: Promise<void>;
  private closed = false;
  private listenError: unknown;

  constructor(options: PrometheusLoggerOptions = {}) {
    this.config = parseConfig(prometheusLoggerConfigSchema, options, 'loggers.prometheus');
    this.server = http.createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: scrape /metrics\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(this.exposition());
    });
    this.listening = new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.port, this.config.host, () => resolve());
    });
    // A listen failure (port in use) surfaces from the next logMetrics call, so the group drops us.
    this.listening.catch((err: unknown) => {
      this.listenError = err;
    });
    this.server.unref();
  }

  /** Resolves with the bound address once listening (rejects when the port could not be bound). */
  async address(): Promise<AddressInfo> {
    await this.listening;
    return this.server.address() as AddressInfo;
  }

  /** The current exposition text (what a scrape returns). */
  exposition(): string {
    const p = this.config.namePrefix;
    const label = `{run="${labelValue(this.config.runLabel)}"}`;
    const lines: string[] = [];
    const emit = (name: string, v: number, help: string) => {
      lines.push(`# HELP ${name} ${helpText(help)}`, `# TYPE ${name} gauge`, `${name}${label} ${prometheusValue(v)}`);
    };
    emit(`${p}step`, this.step, 'Step of the last logged metrics.');
    for (const [name, { key, value }] of this.values) emit(`${p}${name}`, value, `Last value of ${key}.`);
    return `${lines.join('\n')}\n`;
  }

  logMetrics(metrics: MetricValues, step: number): void {
    if (this.listenError) throw this.listenError;
    if (this.closed) return;
    const values = this.numeric.of(metrics, step);
    this.step = step;
    // Keys that differ only outside the name alphabet (`a/b`, `a_b`) share one series, the last
    // logged: two families of one name would make the whole scrape fail to parse.
    for (const k in values) this.values.set(prometheusName(k), { key: k, value: values[k]! });
  }

  logParams(_params: ParamValues): void {}

  async flush(): Promise<void> {
    await this.listening;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
