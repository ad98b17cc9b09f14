/**
 * The main job's report: one self-contained HTML file (inline CSS, SVG charts, PNG data URIs)
 * that shows how the run went at a glance — headline numbers, a bottleneck verdict, loss and
 * throughput charts, timing distributions, resource use, and predicted boxes drawn over pages.
 */
import { histogram, lineChart, stackedBars, tick } from './svg_charts';

/** A headline number. */
export interface Kpi {
  label: string;
  value: string;
  /** One line under the value (what it means, or how it was measured). */
  hint?: string;
  tone?: 'good' | 'warn' | 'bad' | 'neutral';
}

/** One epoch's row of the throughput chart. */
export interface EpochSummary {
  epoch: number;
  samplesPerSec: number;
  /** Mean per training batch, ms. */
  dataWaitMs: number;
  /** Mean per training batch, ms. */
  stepMs: number;
  trainLoss: number;
  valLoss: number;
}

/** A page with ground truth and predictions. */
export interface ExamplePage {
  width: number;
  height: number;
  /** PNG of the page. */
  imagePng: Buffer;
  /** PNG of the predicted probability map. */
  probPng: Buffer;
  groundTruth: Array<{ points: ReadonlyArray<readonly [number, number]>; ignore: boolean }>;
  predictions: Array<{ points: ReadonlyArray<readonly [number, number]>; score: number }>;
  caption: string;
}

/** One GPU's samples, aligned with `resources.tSec` (NaN where NVML gave no value). */
export interface GpuSeries {
  /** Label, e.g. `GPU 0 · NVIDIA H100 80GB HBM3`. */
  name: string;
  utilizationPercent: number[];
  /** Memory in use on the device, all processes (MB). */
  memoryUsedMb: number[];
  /** This process's memory on the device (MB). */
  processMemoryMb: number[];
  powerWatts: number[];
}

/** Everything the report shows. */
export interface TrainingReportData {
  title: string;
  startedAt: Date;
  durationMs: number;
  environment: Array<[string, string]>;
  kpis: Kpi[];
  verdicts: string[];
  trainLoss: Array<[number, number]>;
  epochs: EpochSummary[];
  valBatchTimesMs: number[];
  trainStepTimesMs: number[];
  resources?: { tSec: number[]; cpuPercent: number[]; rssMb: number[]; gpus?: GpuSeries[] };
  examples: ExamplePage[];
  artifacts: Array<[string, string]>;
  config: Array<[string, string]>;
  notes: string[];
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#b9c0cf}
main{padding:18px 28px;max-width:1180px}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px;margin-bottom:18px}
.kpi{background:#fff;border-radius:8px;padding:12px 14px;box-shadow:0 1px 2px #0001;border-top:3px solid #8892a6}
.kpi.good{border-color:#2e9d5b}.kpi.warn{border-color:#e0a100}.kpi.bad{border-color:#d64545}
.kpi .v{font-size:22px;font-weight:600}.kpi .l{color:#5b6478;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.kpi .h{color:#5b6478;font-size:12px}
.verdict{background:#fff;border-left:4px solid #4C78A8;padding:10px 14px;margin:0 0 18px;border-radius:4px}
.grid2{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:14px}
.card{background:#fff;border-radius:8px;padding:12px 14px;box-shadow:0 1px 2px #0001}
.card h2{font-size:14px;margin:0 0 8px}
.chart .grid{stroke:#e3e6ec}.chart .tick{font-size:10px;fill:#5b6478}.chart .label{font-size:11px;fill:#5b6478}
.pages{display:flex;flex-wrap:wrap;gap:14px}.page{background:#fff;border-radius:8px;padding:10px;box-shadow:0 1px 2px #0001}
.page .pair{display:flex;gap:6px}.page figcaption{font-size:12px;color:#5b6478;margin-top:6px;max-width:420px}
table{border-collapse:collapse;width:100%;font-size:12px}td{padding:3px 6px;border-bottom:1px solid #eef0f4;vertical-align:top}
td:first-child{color:#5b6478;white-space:nowrap}code{font-size:12px}
.legend span{display:inline-block;margin-right:12px;font-size:12px}.sw{display:inline-block;width:10px;height:10px;margin-right:4px}
`;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function pageFigure(p: ExamplePage, scale: number): string {
  const w = Math.round(p.width * scale);
  const h = Math.round(p.height * scale);
  const poly = (pts: ReadonlyArray<readonly [number, number]>) => pts.map(([x, y]) => `${x},${y}`).join(' ');
  const gt = p.groundTruth
    .map(
      (g) =>
        `<polygon points="${poly(g.points)}" fill="none" stroke="${g.ignore ? '#999' : '#2e9d5b'}" stroke-width="${1 / scale + 0.6}" stroke-dasharray="${g.ignore ? '2,2' : ''}"/>`,
    )
    .join('');
  const pred = p.predictions
    .map(
      (b) =>
        `<polygon points="${poly(b.points)}" fill="none" stroke="#d64545" stroke-width="${1 / scale + 0.4}"><title>score ${b.score.toFixed(2)}</title></polygon>`,
    )
    .join('');
  const img = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;
  return `<figure class="page"><div class="pair">
<svg width="${w}" height="${h}" viewBox="0 0 ${p.width} ${p.height}"><image href="${img(p.imagePng)}" width="${p.width}" height="${p.height}" style="image-rendering:pixelated"/>${gt}${pred}</svg>
<img src="${img(p.probPng)}" width="${w}" height="${h}" style="image-rendering:pixelated" alt="probability map"/>
</div><figcaption>${esc(p.caption)}</figcaption></figure>`;
}

/** Renders the report as a complete HTML document. */
export function renderTrainingReport(d: TrainingReportData): string {
  const kpis = d.kpis
    .map(
      (k) =>
        `<div class="kpi ${k.tone ?? 'neutral'}"><div class="l">${esc(k.label)}</div><div class="v">${esc(k.value)}</div>${k.hint ? `<div class="h">${esc(k.hint)}</div>` : ''}</div>`,
    )
    .join('');
  const verdicts = d.verdicts.map((v) => `<p class="verdict">${esc(v)}</p>`).join('');
  const charts: string[] = [];
  charts.push(
    card(
      'Training loss',
      lineChart([{ name: 'train loss', color: '#4C78A8', points: d.trainLoss }], { xLabel: 'step', yLabel: 'loss' }),
    ),
  );
  charts.push(
    card(
      'Loss per epoch',
      lineChart(
        [
          { name: 'train', color: '#4C78A8', points: d.epochs.map((e) => [e.epoch + 1, e.trainLoss] as [number, number]) },
          { name: 'validation', color: '#F58518', points: d.epochs.map((e) => [e.epoch + 1, e.valLoss] as [number, number]) },
        ],
        { xLabel: 'epoch', yLabel: 'loss' },
      ),
    ),
  );
  charts.push(
    card(
      'Where a training batch spends its time (mean per batch)',
      stackedBars(
        d.epochs.map((e) => ({ label: `epoch ${e.epoch + 1}`, values: [e.dataWaitMs, e.stepMs] })),
        [
          { name: 'waiting for data', color: '#E45756' },
          { name: 'train step', color: '#4C78A8' },
        ],
        { yLabel: 'ms' },
      ),
    ),
  );
  charts.push(
    card(
      'Throughput',
      lineChart(
        [{ name: 'samples/s', color: '#54A24B', points: d.epochs.map((e) => [e.epoch + 1, e.samplesPerSec] as [number, number]) }],
        { xLabel: 'epoch', yLabel: 'samples / s' },
      ),
    ),
  );
  charts.push(card('Training step time distribution', histogram(d.trainStepTimesMs, { xLabel: 'ms', yLabel: 'batches' })));
  charts.push(
    card(
      'Validation batch time distribution',
      histogram(d.valBatchTimesMs, { xLabel: 'ms', yLabel: 'batches', color: '#F58518' }),
    ),
  );
  if (d.resources && d.resources.tSec.length > 0) {
    const r = d.resources;
    charts.push(
      card(
        'Process CPU (sampled on a native thread)',
        lineChart([{ name: 'CPU %', color: '#B279A2', points: r.tSec.map((t, i) => [t, r.cpuPercent[i]!] as [number, number]) }], {
          xLabel: 'seconds',
          yLabel: '% of one core',
        }),
      ),
    );
    charts.push(
      card(
        'Resident memory',
        lineChart([{ name: 'RSS MB', color: '#9D755D', points: r.tSec.map((t, i) => [t, r.rssMb[i]!] as [number, number]) }], {
          xLabel: 'seconds',
          yLabel: 'MB',
        }),
      ),
    );
    const along = (v: readonly number[]) => r.tSec.map((t, i) => [t, v[i] ?? Number.NaN] as [number, number]);
    for (const g of r.gpus ?? []) {
      charts.push(
        card(
          `${g.name}: utilisation and power (NVML)`,
          lineChart(
            [
              { name: 'busy %', color: '#54A24B', points: along(g.utilizationPercent) },
              { name: 'power W', color: '#E45756', points: along(g.powerWatts) },
            ],
            { xLabel: 'seconds', yLabel: '% · W' },
          ),
        ),
      );
      charts.push(
        card(
          `${g.name}: memory (NVML)`,
          lineChart(
            [
              { name: 'device MB', color: '#72B7B2', points: along(g.memoryUsedMb) },
              { name: 'this process MB', color: '#4C78A8', points: along(g.processMemoryMb) },
            ],
            { xLabel: 'seconds', yLabel: 'MB' },
          ),
        ),
      );
    }
  }
  const scale = d.examples.length > 0 ? Math.min(3, 300 / Math.max(...d.examples.map((e) => e.height))) : 1;
  const pages = d.examples.map((p) => pageFigure(p, scale)).join('');
  const table = (rows: Array<[string, string]>) =>
    `<table>${rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td><code>${esc(v)}</code></td></tr>`).join('')}</table>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(d.title)}</title><style>${CSS}</style></head><body>
<header><h1>${esc(d.title)}</h1><p>${esc(d.startedAt.toISOString())} · ${tick(d.durationMs / 1000)} s</p></header>
<main>
<section class="kpis">${kpis}</section>
${verdicts}
<section class="grid2">${charts.join('')}</section>
<h2>Validation pages</h2>
<p class="legend"><span><i class="sw" style="background:#2e9d5b"></i>ground truth</span><span><i class="sw" style="background:#999"></i>ignored (###)</span><span><i class="sw" style="background:#d64545"></i>predicted box</span><span>right: predicted probability map</span></p>
<section class="pages">${pages || '<p>No validation pages.</p>'}</section>
<section class="grid2" style="margin-top:18px">
${card('Environment', table(d.environment))}
${card('Configuration', table(d.config))}
${card('Artifacts', table(d.artifacts))}
${d.notes.length ? card('Notes', `<ul>${d.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`) : ''}
</section>
</main></body></html>
`;
}

function card(title: string, body: string): string {
  return `<div class="card"><h2>${esc(title)}</h2>${body}</div>`;
}
