#!/usr/bin/env node
/**
 * Exercises the addon's own code in a plain node process so that LeakSanitizer (enabled by
 * scripts/test-asan.js) reports any leak allocated by ocr_perfkit.node. Each area appends
 * its exercise to `exercises` below; every one must run to completion without errors.
 */
const path = require('node:path');

const addon = require(process.env.OCR_PERFKIT_ADDON || path.join(__dirname, '..', 'build', 'Release', 'ocr_perfkit.node'));

class TE extends TypeError {
  constructor(m, c) {
    super(m);
    this.code = c;
  }
}
class RE extends RangeError {
  constructor(m, c) {
    super(m);
    this.code = c;
  }
}
class E extends Error {
  constructor(m, c) {
    super(m);
    this.code = c;
  }
}
addon.setErrorClasses({ TypeError: TE, RangeError: RE, Error: E });

// The public API over the same addon (src/native.ts honours OCR_PERFKIT_ADDON); needs dist/.
const api = () => require('../dist');

const exercises = {
  geometry() {
    const g = api();
    const square = [[0, 0], [40, 0], [40, 20], [0, 20]];
    for (let i = 0; i < 300; i++) {
      g.shrinkPolygon(square, { ratio: 0.4 });
      g.unclipPolygon(square, { ratio: 1.5 });
      g.offsetPaths([square], 3, { joinType: 'miter' });
      g.offsetPaths([square], 2, { mode: 'clipper2' });
      g.union([square], [[[10, 10], [60, 10], [60, 30], [10, 30]]]);
      try {
        g.offsetPaths([[[0, 0], [Number.NaN, 1], [2, 2]]], 1);
      } catch (e) {
        if (e.code !== 'ERR_INVALID_POLYGON') throw e;
      }
    }
    return g.offsetBatchAsync({ coords: new Float64Array([0, 0, 9, 0, 9, 9, 0, 9]), ringOffsets: new Uint32Array([0, 4]), deltas: 2 });
  },
  async targets() {
    const t = api();
    const words = [{ points: [[10, 10], [70, 12], [69, 30], [9, 28]] }, { points: [[20, 40], [90, 40], [90, 58], [20, 58]], ignore: true }];
    for (let i = 0; i < 50; i++) {
      const r = t.makeDbTargets(words, { width: 100, height: 80, mode: i % 2 ? 'reference' : 'exact' });
      t.boxesFromBitmap(r.shrinkMap, { width: 100, height: 80 });
      t.evaluateDetections([[words[0].points]], [words]);
    }
    await t.makeDbTargetsBatch([0, 1, 2, 3].map(() => ({ polygons: words, options: { width: 100, height: 80 } })));
    await t.boxesFromBitmapAsync(new Float32Array(100 * 80).fill(0.9), { width: 100, height: 80 });
  },
  monitor: () => require('../test/monitor/leak-exercise.js')(addon),
  core() {
    if (process.env.OCR_PERFKIT_ADDON && !addon.buildInfo().sanitizers) {
      throw new Error('asan-leak-check: the addon under test was not built with sanitizers');
    }
    for (let i = 0; i < 1000; i++) {
      addon.buildInfo();
      addon.probeLibrary(['libnot-here.so', 'libc.so.6']);
      for (const kind of ['type', 'range', 'status', 'std', 'alloc']) {
        try {
          addon.debugThrow(kind);
        } catch (e) {
          if (!e.code) throw new Error(`no code on ${kind}`);
        }
      }
    }
  },
};

async function main() {
  for (const [name, fn] of Object.entries(exercises)) {
    await fn();
    process.stdout.write(`asan-leak-check: ${name} ok\n`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
