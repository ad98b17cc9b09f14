/**
 * What the README names is importable from the package: every identifier in backticks in the
 * README that the source tree exports as a class or function must be exported by `src/index.ts`
 * too (PolygonCacheLoggerCallback, documented as a training callback, was not).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pkg from '../../src';

const root = path.resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(p);
    return d.name.endsWith('.ts') ? [p] : [];
  });
}

/** Names of the classes and functions that some source file exports. */
function exportedInSource(): Set<string> {
  const names = new Set<string>();
  for (const file of sourceFiles(path.join(root, 'src'))) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/^export (?:async )?(?:class|function) ([A-Za-z0-9_]+)/gm)) {
      names.add(m[1] as string);
    }
  }
  return names;
}

/** Identifiers the README shows in backticks or imports in its example. */
function namedInReadme(): Set<string> {
  const text = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const names = new Set<string>();
  for (const m of text.matchAll(/`([A-Za-z][A-Za-z0-9]*)(?:\(\))?`/g)) names.add(m[1] as string);
  for (const m of text.matchAll(/import \{([^}]*)\} from 'ocr-perfkit'/g)) {
    for (const n of (m[1] as string).split(',')) names.add(n.trim());
  }
  return names;
}

describe('public exports', () => {
  it('every class and function the README names is exported from the package entry', () => {
    const inSource = exportedInSource();
    const documented = [...namedInReadme()].filter((n) => inSource.has(n)).sort();
    // The README's API names are there to be found: a sanity check that this test sees them.
    expect(documented).toEqual(expect.arrayContaining(['PolygonCacheLoggerCallback', 'Trainer', 'shrinkPolygon', 'getCache']));
    const missing = documented.filter((n) => typeof (pkg as Record<string, unknown>)[n] !== 'function');
    expect(missing).toEqual([]);
  });
});
