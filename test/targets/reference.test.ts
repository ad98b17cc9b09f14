// Reference mode against the outputs of MhLiao/DB's own target makers (17 cases, manifest copied
// from ../shared/reference/dbtargets): every map must hash to the reference's sha256, i.e. be
// bit-identical, and the final ignore tags must match.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeDbTargets, makeDbTargetsBatch } from '../../src/targets';

interface MapInfo {
  file: string;
  sha256: string;
  sum: number;
  nonzero: number;
}
interface RefCase {
  name: string;
  width: number;
  height: number;
  input_polygons: { points: [number, number][]; ignore: boolean }[];
  ref_ignore_tags_final: number[];
  files: Record<'shrink_map' | 'shrink_mask' | 'thresh_map' | 'thresh_mask', MapInfo>;
}

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures/dbtargets-manifest.json'), 'utf8')) as {
  images: RefCase[];
};
const rawDir = path.resolve(__dirname, '../../../shared/reference/dbtargets');

function sha256(a: Float32Array): string {
  return createHash('sha256').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
}

/** Pixel-level difference against the raw reference file, for a readable failure message. */
function describeDiff(mine: Float32Array, file: string): string {
  const p = path.join(rawDir, file);
  if (!fs.existsSync(p)) return 'hash differs (raw reference file not available for a pixel diff)';
  const buf = fs.readFileSync(p);
  const ref = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  let n = 0;
  for (let i = 0; i < ref.length; i++) if (!Object.is(ref[i], mine[i])) n++;
  return `${n} of ${ref.length} pixels differ`;
}

const maps = [
  ['shrink_map', 'shrinkMap'],
  ['shrink_mask', 'shrinkMask'],
  ['thresh_map', 'threshMap'],
  ['thresh_mask', 'threshMask'],
] as const;

describe('makeDbTargets reference mode matches MhLiao/DB bit for bit', () => {
  it('covers every case of the reference data', () => {
    expect(manifest.images.map((c) => c.name)).toEqual(
      expect.arrayContaining(['N020_00', 'N020_01', 'N100_00', 'e01_rect_int_cw', 'e14_two_overlapping']),
    );
    expect(manifest.images).toHaveLength(17);
  });

  for (const c of manifest.images) {
    it(`${c.name}: four maps and the final ignore tags`, () => {
      const t = makeDbTargets(c.input_polygons, { width: c.width, height: c.height, mode: 'reference' });
      expect(Array.from(t.ignoreTags)).toEqual(c.ref_ignore_tags_final);
      for (const [refName, key] of maps) {
        const info = c.files[refName];
        const got = sha256(t[key]);
        if (got !== info.sha256) throw new Error(`${c.name} ${refName}: ${describeDiff(t[key], info.file)}`);
        expect(got).toBe(info.sha256);
      }
    });
  }

  it('gives the same bits through the batch API (thread pool) and the flat polygon form', async () => {
    const cases = manifest.images.slice(0, 4);
    const results = await makeDbTargetsBatch(
      cases.map((c) => {
        const pts = c.input_polygons.flatMap((p) => p.points.flat());
        const offsets = new Uint32Array(c.input_polygons.length + 1);
        c.input_polygons.forEach((p, i) => {
          offsets[i + 1] = (offsets[i] as number) + p.points.length;
        });
        const ignore = Uint8Array.from(c.input_polygons.map((p) => (p.ignore ? 1 : 0)));
        return {
          polygons: { xy: Float64Array.from(pts), offsets, ignore },
          options: { width: c.width, height: c.height, mode: 'reference' as const },
        };
      }),
    );
    results.forEach((t, i) => {
      const c = cases[i] as RefCase;
      for (const [refName, key] of maps) expect(sha256(t[key])).toBe(c.files[refName].sha256);
      expect(Array.from(t.ignoreTags)).toEqual(c.ref_ignore_tags_final);
    });
  });
});
