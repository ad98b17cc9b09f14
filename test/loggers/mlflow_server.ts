/**
 * A tiny MLflow tracking server for tests: the REST subset MlflowLogger uses, with the same
 * validation rules the real server applies to those endpoints (required fields, log-batch limits).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRun {
  run_id: string;
  experiment_id: string;
  run_name?: string;
  status: string;
  start_time: number;
  end_time?: number;
  tags: Record<string, string>;
  metrics: Array<{ key: string; value: number | string; timestamp: number; step: number }>;
  params: Record<string, string>;
}

export interface FakeMlflow {
  url: string;
  requests: Array<{ method: string; path: string; body: unknown }>;
  experiments: Map<string, string>;
  runs: Map<string, FakeRun>;
  /** When set, every request answers with this HTTP status. */
  failWith?: number;
  close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
const bad = (res: http.ServerResponse, message: string) =>
  send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message });

/** posixpath.normpath, as the MLflow server applies it to names. */
function normpath(p: string): string {
  if (p === '') return '.';
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (seg !== '..' || !abs) out.push(seg);
  }
  const s = (abs ? '/' : '') + out.join('/');
  return s === '' ? '.' : s;
}

/** The server's name rules for metric, param and tag keys (mlflow/utils/validation.py). */
export function validMlflowName(name: unknown): boolean {
  if (typeof name !== 'string' || name.length > 250 || !/^[/\w.\- ]*$/.test(name)) return false;
  const norm = normpath(name);
  return norm === name && norm !== '.' && !norm.startsWith('..') && !norm.startsWith('/');
}

export async function startFakeMlflow(): Promise<FakeMlflow> {
  const state = {
    requests: [] as FakeMlflow['requests'],
    experiments: new Map<string, string>(),
    runs: new Map<string, FakeRun>(),
    failWith: undefined as number | undefined,
  };
  let nextId = 1;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      let body: Record<string, unknown> = {};
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw);
        } catch {
          return bad(res, 'malformed JSON');
        }
      }
      state.requests.push({ method: req.method ?? '', path: u.pathname, body });
      if (fake.failWith) return send(res, fake.failWith, { error_code: 'INTERNAL_ERROR', message: 'injected' });
      if (req.headers['content-type'] !== 'application/json') return bad(res, 'content-type');
      const p = u.pathname.replace(/^\/api\/2\.0\/mlflow\//, '');
      if (p === 'experiments/get-by-name' && req.method === 'GET') {
        const name = u.searchParams.get('experiment_name') ?? '';
        const id = state.experiments.get(name);
        if (!id) return send(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `no ${name}` });
        return send(res, 200, { experiment: { experiment_id: id, name } });
      }
      if (p === 'experiments/create' && req.method === 'POST') {
        if (typeof body.name !== 'string' || !body.name) return bad(res, 'name');
        if (state.experiments.has(body.name)) return send(res, 400, { error_code: 'RESOURCE_ALREADY_EXISTS' });
        const id = String(nextId++);
        state.experiments.set(body.name, id);
        return send(res, 200, { experiment_id: id });
      }
      if (p === 'runs/create' && req.method === 'POST') {
        const exp = body.experiment_id;
        if (typeof exp !== 'string' || ![...state.experiments.values()].includes(exp)) return bad(res, 'experiment_id');
        const run_id = `run${nextId++}`;
        const tags: Record<string, string> = {};
        for (const t of (body.tags as Array<{ key: string; value: string }>) ?? []) {
          if (!validMlflowName(t.key)) return bad(res, `invalid tag name ${JSON.stringify(t.key)}`);
          tags[t.key] = t.value;
        }
        const run: FakeRun = {
          run_id,
          experiment_id: exp,
          run_name: body.run_name as string | undefined,
          status: 'RUNNING',
          start_time: body.start_time as number,
          tags,
          metrics: [],
          params: {},
        };
        state.runs.set(run_id, run);
        return send(res, 200, { run: { info: { run_id, experiment_id: exp, status: 'RUNNING' } } });
      }
      if (p === 'runs/log-batch' && req.method === 'POST') {
        const run = state.runs.get(body.run_id as string);
        if (!run) return send(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST' });
        const metrics = (body.metrics as FakeRun['metrics']) ?? [];
        const params = (body.params as Array<{ key: string; value: string }>) ?? [];
        if (metrics.length > 1000 || params.length > 100 || metrics.length + params.length > 1000) {
          return bad(res, 'too many entities');
        }
        for (const m of metrics) {
          const okValue = typeof m.value === 'number' || ['NaN', 'Infinity', '-Infinity'].includes(m.value);
          if (!validMlflowName(m.key) || !okValue || !Number.isInteger(m.timestamp) || !Number.isInteger(m.step)) {
            return bad(res, `bad metric ${JSON.stringify(m)}`);
          }
        }
        for (const q of params) {
          if (!validMlflowName(q.key)) return bad(res, `invalid param name ${JSON.stringify(q.key)}`);
          if (typeof q.value !== 'string') return bad(res, 'param value must be a string');
          if (q.key in run.params && run.params[q.key] !== q.value) return bad(res, 'param changed');
          run.params[q.key] = q.value;
        }
        run.metrics.push(...metrics);
        return send(res, 200, {});
      }
      if (p === 'runs/update' && req.method === 'POST') {
        const run = state.runs.get(body.run_id as string);
        if (!run) return send(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST' });
        if (!['RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'SCHEDULED'].includes(body.status as string)) {
          return bad(res, 'status');
        }
        run.status = body.status as string;
        run.end_time = body.end_time as number;
        return send(res, 200, { run_info: { run_id: run.run_id, status: run.status } });
      }
      return send(res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: p });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const fake: FakeMlflow = {
    url: `http://127.0.0.1:${port}`,
    ...state,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  return fake;
}
