#!/usr/bin/env node
/**
 * Benchmark harness: `npm run bench [-- <filter>]`.
 *
 * Runs every `bench/*.bench.js` (a module exporting `async function (h)`), measures each case
 * with mitata, and writes `bench/RESULTS.md` (tables with p50/p99 and ratios against the named
 * baseline of each group) and `bench/results.json`. Peers are measured side by side in the same
 * run, so ratios are meaningful; absolute numbers depend on the machine.
 *
 * Suite API (h):
 *   h.group(title, { unit = 'op', note })         start a table; `unit` names one item
 *   await h.case(name, fn, { items = 1, baseline = false, peer = 'ours', seconds = 0.5, minSamples = 12 })
 *       fn: () => any | Promise<any>; `items` = units done per call (time per unit is reported);
 *       `minSamples` lowers mitata's 12 samples for cases of a second or more
 *   h.metric(name, value, unit, note)             record a non-timing figure (RSS, CPU %, ...)
 *   h.quick                                        true under BENCH_QUICK=1 (CI smoke run)
 */
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');

async function main() {
  const { measure, do_not_optimize } = await import('mitata/src/lib.mjs');
  const filter = process.argv[2] ? new RegExp(process.argv[2]) : null;
  const quick = process.env.BENCH_QUICK === '1';
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.js'))
    .filter((f) => !filter || filter.test(f))
    .sort();

  const groups = [];
  const metrics = [];
  let current = null;
  const h = {
    quick,
    group(title, opts = {}) {
      current = { title, unit: opts.unit ?? 'op', note: opts.note ?? '', file: h._file, cases: [] };
      groups.push(current);
    },
    async case(name, fn, opts = {}) {
      if (!current) h.group(h._file);
      const items = opts.items ?? 1;
      const stats = await measure(
        () => {
          const r = fn();
          if (r && typeof r.then === 'function') return r;
          do_not_optimize(r);
        },
        {
          min_cpu_time: (quick ? 0.05 : (opts.seconds ?? 0.5)) * 1e9,
          max_samples: quick ? 50 : 1e9,
          ...(opts.minSamples !== undefined ? { min_samples: quick ? Math.min(2, opts.minSamples) : opts.minSamples } : {}),
        },
      );
      const row = {
        name,
        peer: opts.peer ?? 'ours',
        baseline: !!opts.baseline,
        items,
        avgNs: stats.avg / items,
        p50Ns: stats.p50 / items,
        p99Ns: stats.p99 / items,
        samples: stats.samples?.length ?? stats.ticks,
      };
      current.cases.push(row);
      process.stdout.write(
        `  ${current.title} | ${name}: ${fmtNs(row.p50Ns)}/${current.unit} p50, ${fmtNs(row.p99Ns)} p99\n`,
      );
      return row;
    },
    metric(name, value, unit, note = '') {
      metrics.push({ file: h._file, name, value, unit, note });
      process.stdout.write(`  metric ${name}: ${value} ${unit} ${note}\n`);
    },
  };

  for (const f of files) {
    h._file = f;
    current = null;
    process.stdout.write(`# ${f}\n`);
    const suite = require(path.join(__dirname, f));
    await (typeof suite === 'function' ? suite(h) : suite.default(h));
  }

  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    quick,
    filter: process.argv[2] ?? null,
  };
  if (!quick && !filter) {
    fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify({ meta, groups, metrics }, null, 2)}\n`);
    fs.writeFileSync(path.join(__dirname, 'RESULTS.md'), renderMarkdown(meta, groups, metrics));
    process.stdout.write('wrote bench/RESULTS.md and bench/results.json\n');
  } else {
    process.stdout.write('(quick or filtered run: RESULTS.md not rewritten)\n');
  }
}

function fmtNs(ns) {
  if (ns < 1e3) return `${ns.toFixed(1)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(2)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(2)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

function renderMarkdown(meta, groups, metrics) {
  const out = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` on ${meta.date}: Node ${meta.node}, ${meta.cpus} × ${meta.cpu}.`,
    'Times are per unit (one call ÷ items per call). "vs baseline" is the baseline case\'s p50 ÷ this',
    "case's p50 (above 1 = faster than the baseline), measured side by side in this run.",
    '',
  ];
  for (const g of groups) {
    out.push(`## ${g.title}`, '');
    if (g.note) out.push(g.note, '');
    const base = g.cases.find((c) => c.baseline);
    out.push(`| case | peer | p50 / ${g.unit} | p99 / ${g.unit} | mean / ${g.unit} | vs baseline |`);
    out.push('|---|---|---:|---:|---:|---:|');
    for (const c of g.cases) {
      const ratio = base ? `${(base.p50Ns / c.p50Ns).toFixed(2)}×` : '';
      out.push(
        `| ${c.name}${c.baseline ? ' (baseline)' : ''} | ${c.peer} | ${fmtNs(c.p50Ns)} | ${fmtNs(c.p99Ns)} | ${fmtNs(c.avgNs)} | ${ratio} |`,
      );
    }
    out.push('');
  }
  if (metrics.length) {
    out.push('## Other measurements', '', '| suite | metric | value | note |', '|---|---|---:|---|');
    for (const m of metrics) out.push(`| ${m.file} | ${m.name} | ${m.value} ${m.unit} | ${m.note} |`);
    out.push('');
  }
  return out.join('\n');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
