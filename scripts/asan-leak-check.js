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

const exercises = {
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
