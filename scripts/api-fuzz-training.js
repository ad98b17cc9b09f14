/**
 * Entry points of scripts/api-fuzz.js that run a training loop's moving parts with junk:
 * `Trainer.fit` with junk batches, steps, callbacks and loggers; `DataLoader` iteration with junk
 * sources, transforms and `sizeOf`; `WorkerPool.run` with uncloneable inputs, junk transfer
 * lists, throwing tasks and dying workers.
 *
 * The fuzz's own faults (a step, transform, source or task that throws {@link FAULT}) may come
 * back as they are: they are the user's errors, which the loop must pass on, not hide. Anything
 * else must be an `ERR_…`-coded error. A finding specific to these loops is thrown as a
 * {@link Finding}.
 */
const fs = require('node:fs');
const path = require('node:path');

/** The error the fuzz's own callbacks throw (a user's bug, passed through as it is). */
const FAULT = new Error('api-fuzz user fault');

/** A check of these entry points failed (reported as a finding by api-fuzz.js). */
class Finding extends Error {}

function trainingEntries({ m, rand, pick, junk, maybe, tmp }) {
  let tf;
  const loadTf = () => {
    if (!tf) {
      tf = require('@tensorflow/tfjs');
      tf.env().set('IS_TEST', true); // no "install tfjs-node" banner
      tf.setBackend('cpu');
    }
    return tf;
  };

  let pool;
  let prometheus;
  const STRING_KEYS = ['loss', 'a/b', 'a_b', 'val loss', '1st', 'x\ny', '{}', '', 'dir\\x', 'q"'];
  const poolModule = path.join(tmp, 'pool-task.js');
  const getPool = () => {
    if (!pool) {
      fs.mkdirSync(tmp, { recursive: true });
      fs.writeFileSync(
        poolModule,
        [
          'module.exports = async (x) => {',
          "  if (x && x.throw) throw new Error('task failed on purpose');",
          '  if (x && x.exit) process.exit(3);',
          '  if (x && x.fn) return { f: () => 1 };',
          '  return x;',
          '};',
        ].join('\n'),
      );
      pool = new m.WorkerPool({ module: poolModule, size: 2 });
    }
    return pool;
  };

  /** A callback object whose hooks are junk, throw, return junk or reject. */
  function junkCallback() {
    const hooks = ['onTrainStart', 'onTrainEpochStart', 'onTrainBatchStart', 'onTrainBatchEnd', 'onValidationBatchEnd', 'onTrainEpochEnd', 'onTrainEnd', 'onException'];
    const cb = {};
    for (const h of hooks) {
      if (rand() < 0.5) continue;
      cb[h] = pick([
        () => junk(),
        () => {
          throw junk();
        },
        async () => {
          throw junk();
        },
        (run) => {
          if (rand() < 0.2) run.shouldStop = true;
        },
        junk(),
      ]);
    }
    return rand() < 0.9 ? cb : junk();
  }

  /** A logger whose methods are junk or throw. */
  function junkLogger() {
    const l = {};
    for (const k of ['logMetrics', 'logParams', 'flush', 'close']) {
      if (rand() < 0.3) continue;
      l[k] = pick([
        () => undefined,
        () => {
          throw junk();
        },
        async () => {
          throw junk();
        },
        junk(),
      ]);
    }
    return l;
  }

  /** A batch: junk, or `[xs, ys]` tensors made fresh (the trainer disposes them). */
  function batch() {
    if (rand() < 0.5) return junk();
    const t = loadTf();
    return [t.ones([2, 3]), t.zeros([2, 1])];
  }

  function stepFn() {
    const t = loadTf();
    return pick([
      () => t.scalar(rand()),
      () => t.scalar(Number.NaN),
      () => ({ loss: t.scalar(1), acc: rand(), other: junk() }),
      () => junk(),
      () => t.ones([2]), // not a scalar: no mean is taken
      () => {
        throw FAULT;
      },
      async () => t.scalar(1), // a promise from a step inside tf.tidy
      junk(),
    ]);
  }

  // Tensors only from generators: a batch the loop pulled is the loop's to dispose, while an
  // array's batches exist before it runs, and those it never reached (a stop, a failure) stay.
  const fresh = () =>
    pick([
      () => [junk(), junk(), junk()],
      () =>
        function* () {
          yield batch();
          if (rand() < 0.3) throw FAULT;
          yield batch();
        },
      () =>
        async function* () {
          yield batch();
          yield batch();
        },
      () => junk(),
    ])();

  return {
    'Trainer.fit': async () => {
      const t = loadTf();
      const before = t.memory().numTensors;
      const trainer = new m.Trainer({
        tf: t,
        maxEpochs: pick([1, 2]),
        limitTrainBatches: 3,
        limitValBatches: 2,
        logEveryNSteps: 1,
        tidy: rand() < 0.8,
        report: () => {},
        callbacks: maybe(() => [junkCallback(), junkCallback()], 0.8),
        loggers: maybe(() => [junkLogger()], 0.8),
      });
      const args = maybe(
        () => ({
          trainData: maybe(fresh, 0.9),
          trainStep: maybe(stepFn, 0.9),
          ...(rand() < 0.5 ? { valData: fresh(), validationStep: stepFn() } : {}),
          ...(rand() < 0.3 ? { params: junk() } : {}),
        }),
        0.9,
      );
      const outcome = await trainer.fit(args).then(
        (value) => ({ value }),
        (error) => ({ error }),
      );
      // Batches the trainer pulled are disposed, step outputs too, whether it finished or failed.
      const leaked = t.memory().numTensors - before;
      if (trainer.config.tidy && leaked > 0) throw new Finding(`Trainer.fit left ${leaked} tensors`);
      if ('error' in outcome) throw outcome.error;
      return outcome.value;
    },
    toTfjsCallbacks: async () => {
      const options = maybe(
        () => ({
          ...(rand() < 0.3 ? { tf: loadTf() } : {}),
          loggers: maybe(() => [junkLogger()], 0.8),
          report: () => {},
          ...(rand() < 0.5 ? junk() : {}),
        }),
        0.8,
      );
      const adapter = m.toTfjsCallbacks(maybe(() => [junkCallback(), junkCallback()], 0.8), options);
      // What tfjs passes (numbers, logs of numbers or scalars), now and then junk: the hooks run
      // inside model.fit, so they must not throw at all.
      const made = [];
      const scalar = () => {
        made.push(loadTf().scalar(rand()));
        return made[made.length - 1];
      };
      const logs = () => maybe(() => ({ loss: pick([rand(), Number.NaN, scalar()]), size: pick([4, 0, -1, 2.5]) }), 0.8);
      const index = () => maybe(() => Math.floor(rand() * 3), 0.8);
      try {
        await adapter.onTrainBegin(logs());
        for (let e = 0; e < 2; e++) {
          await adapter.onEpochBegin(index(), logs());
          for (let b = 0; b < 3; b++) {
            await adapter.onBatchBegin(index(), logs());
            await adapter.onBatchEnd(index(), logs());
          }
          await adapter.onEpochEnd(index(), logs());
        }
        await adapter.onTrainEnd(logs());
        loadTf().dispose(made);
      } catch (e) {
        if (e instanceof Finding) throw e;
        throw new Finding(`a tfjs hook threw ${e?.constructor?.name}: ${String(e?.message ?? e).slice(0, 160)}`);
      }
    },
    'logger.logMetrics': async () => {
      // Junk values and steps: a sink may throw a typed error (a bad step) but what it writes must
      // stay readable: JSON lines whose metrics are numbers or "NaN"/"Infinity" strings, and
      // Prometheus sample lines a scraper parses.
      fs.mkdirSync(tmp, { recursive: true });
      prometheus ??= new m.PrometheusLogger({ port: 0 });
      const file = path.join(tmp, 'metrics.jsonl');
      const sinks = [prometheus, new m.JsonlLogger({ path: file, truncate: true }), new m.TensorBoardLogger({ logDir: path.join(tmp, 'tb') }), new m.MemoryLogger()];
      const metrics = () => maybe(() => Object.fromEntries(Array.from({ length: 3 }, () => [pick([...STRING_KEYS, String(rand())]), junk()])), 0.9);
      let error;
      for (const sink of sinks) {
        for (let i = 0; i < 3; i++) {
          try {
            sink.logMetrics(metrics(), maybe(() => Math.floor(rand() * 1000), 0.8));
          } catch (e) {
            error ??= e;
          }
        }
      }
      for (const sink of sinks.slice(1)) await sink.close();
      for (const line of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
        const rec = JSON.parse(line);
        for (const v of Object.values(rec.metrics)) {
          if (typeof v !== 'number' && !['NaN', 'Infinity', '-Infinity'].includes(v)) throw new Finding(`JSONL metric value ${JSON.stringify(v)}`);
        }
      }
      for (const line of prometheus.exposition().split('\n')) {
        if (line.startsWith('# HELP ') && !/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* (?:[^\\\n]|\\[\\n])*$/.test(line)) {
          throw new Finding(`Prometheus HELP line ${JSON.stringify(line.slice(0, 100))}`);
        }
        if (line === '' || line.startsWith('#')) continue;
        if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*\{run="default"\} (NaN|[+-]Inf|-?\d+(\.\d+)?(e[+-]?\d+)?)$/.test(line)) {
          throw new Finding(`Prometheus sample line ${JSON.stringify(line.slice(0, 100))}`);
        }
      }
      if (error) throw error;
    },
    DataLoader: async () => {
      const transform = pick([
        undefined,
        (r) => r,
        async (r) => r,
        () => {
          throw FAULT;
        },
        (r, work) => {
          work.add(pick([1, -1, Number.NaN, 'x', 0]));
          return r;
        },
        (_r, work) => work.time(() => junk()),
        junk(),
      ]);
      const sizeOf = pick([undefined, undefined, () => junk(), () => 4, junk()]);
      const loader = new m.DataLoader(
        maybe(() => ({ source: maybe(fresh, 0.9), transform, sizeOf, ...(rand() < 0.3 ? { prefetch: junk() } : {}) }), 0.9),
      );
      let n = 0;
      for await (const b of loader.timed()) {
        if (b.size !== undefined && !(Number.isInteger(b.size) && b.size >= 0)) {
          throw new Finding(`DataLoader gave batch size ${String(b.size)}`);
        }
        for (const k of ['loadMs', 'transformMs', 'transformWallMs']) {
          if (!(Number.isFinite(b[k]) && b[k] >= 0)) throw new Finding(`DataLoader gave ${k} ${String(b[k])}`);
        }
        if (++n >= 4) break;
      }
    },
    'WorkerPool.run': async () => {
      const p = getPool();
      const input = pick([
        () => junk(),
        () => ({ throw: true }),
        () => ({ fn: true }),
        () => ({ exit: rand() < 0.05 }),
        () => ({ f: () => 1 }),
        () => new Float64Array(8),
      ])();
      const transfer = rand() < 0.2 ? junk() : rand() < 0.1 ? [new ArrayBuffer(8), new ArrayBuffer(8)] : undefined;
      // Several at once, so that some wait in the queue and start from another task's end.
      const runs = [p.run(input, transfer), p.run(junk()), p.run({ ok: 1 })];
      const results = await Promise.allSettled(runs);
      if (results[2].status !== 'fulfilled') throw new Finding(`a good task after junk ones failed: ${results[2].reason}`);
      for (const r of results) if (r.status === 'rejected') throw r.reason;
    },
  };
}

module.exports = { trainingEntries, FAULT, Finding };
