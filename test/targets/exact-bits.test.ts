// Exact mode's four maps are pinned bit for bit: speed work on the exact kernels (band hulls,
// axis-parallel edges, batched inside spans, ...) must not change a single bit. The expected
// values are the first 16 hex digits of each map's sha256 and the final ignore tags, recorded with
// the build before those changes (commit 415cae5) on: the 17 reference inputs at their size,
// N100_00 with other parameters (both rescale branches) and N100_00 scaled onto odd image sizes
// (narrow windows, widths below one 8-pixel vector), written into NaN-filled buffers.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeDbTargets } from '../../src/targets';

type Ring = [number, number][];
interface Case {
  name: string;
  polygons: { points: Ring; ignore: boolean }[];
  options: { width: number; height: number } & Record<string, number>;
}

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures/dbtargets-manifest.json'), 'utf8')) as {
  images: { name: string; width: number; height: number; input_polygons: { points: Ring; ignore: boolean }[] }[];
};

function cases(): Case[] {
  const out: Case[] = manifest.images.map((c) => ({
    name: c.name,
    polygons: c.input_polygons,
    options: { width: c.width, height: c.height },
  }));
  const n100 = manifest.images.find((c) => c.name === 'N100_00')?.input_polygons ?? [];
  out.push({
    name: 'N100_00 shrinkRatio 0.6 minTextSize 3 thresh 0.1-0.9',
    polygons: n100,
    options: { width: 640, height: 640, shrinkRatio: 0.6, minTextSize: 3, threshMin: 0.1, threshMax: 0.9 },
  });
  out.push({
    name: 'N100_00 thresh 0.7-0.2',
    polygons: n100,
    options: { width: 640, height: 640, threshMin: 0.7, threshMax: 0.2 },
  });
  for (const [w, h] of [
    [333, 517],
    [641, 13],
    [17, 9],
    [5, 300],
  ] as const) {
    const scaled = n100.map((p) => ({
      ignore: p.ignore,
      points: p.points.map(([x, y]) => [(x * w) / 640, (y * h) / 640] as [number, number]),
    }));
    out.push({ name: `N100_00 scaled to ${w}x${h} minTextSize 1`, polygons: scaled, options: { width: w, height: h, minTextSize: 1 } });
  }
  return out;
}

const EXPECTED: Record<string, [string, string, string, string, string]> = {
  "N020_00": ["b8f0280233751ed9", "b054f02830e73b7e", "6be85df601755508", "449bc3351763b7e3", "00000100000000000010"],
  "N020_01": ["fc252bba036fc7c5", "61b9ab559c2b6208", "fedae031a8b7d628", "d386a0b85e2494cb", "00000001000000100100"],
  "N100_00": ["ab3dbe3f764a8a77", "db21ce71942503fc", "1da1724778ac9945", "0a127aa194957e35", "0100000000100000000000000000000010000000000000110001100000000000010000000001000100000000000000000000"],
  "e01_rect_int_cw": ["73c5e33889072f8d", "894d5885b9a56b6b", "f8be6be0d839e170", "3b18f832ef41b1c1", "0"],
  "e02_rect_frac_ccw": ["0b35c6cd777cf968", "894d5885b9a56b6b", "73c4ab3d2b540efe", "1d57e2d34db78210", "0"],
  "e03_rot20": ["db5c6109d69f1098", "894d5885b9a56b6b", "d73add2ac5dd9da2", "f306162ceb916809", "0"],
  "e04_partly_outside": ["d3b51baea1ac1b03", "894d5885b9a56b6b", "38065d947b77e0e8", "1e3d7b037f552deb", "00"],
  "e05_min_size_boundary": ["56dc1cdc8794a13e", "af9d5fdcba8d9527", "2cb3406c082a6d1b", "d5ddafcd095f9fcd", "011"],
  "e06_ignore_overlap": ["7f52c94739c61d00", "c0bb88d3205f35b5", "51b84418a02737c5", "a6f1c927c1dc72c6", "01"],
  "e07_curved14": ["3ab2ed1f1ac09d4c", "894d5885b9a56b6b", "eb9f6a9ba1d71de0", "3f9992df0ae7c340", "0"],
  "e08_dumbbell_split": ["3d5c7d517b6f26bb", "894d5885b9a56b6b", "c83782ef1a6e4128", "321a943ee6ca29c9", "0"],
  "e09_bowtie_asym": ["8ae0cf18d1d980ce", "894d5885b9a56b6b", "0b48c0abbfbc4c68", "17a0b0619e6a2247", "0"],
  "e10_duplicate_vertex": ["a9707029de93eae7", "894d5885b9a56b6b", "5e7079c15a4d4c4a", "91ac3403bdc8e3ee", "0"],
  "e11_fully_outside": ["e2cc2a1fa6131cf4", "5049e5f8d148115e", "0c20f876fcb57771", "e2cc2a1fa6131cf4", "1"],
  "e12_thin_diag45": ["d867876fa66f5950", "894d5885b9a56b6b", "26d16752856ebe4e", "5fd2665ed88df7d1", "0"],
  "e13_triangle": ["3e6cd714803e41ee", "894d5885b9a56b6b", "85978beaf852a79d", "5cceeef3f7433387", "0"],
  "e14_two_overlapping": ["b7e6bc02da8552ef", "894d5885b9a56b6b", "b052731852961196", "afc55236f4fbaf4c", "00"],
  "N100_00 shrinkRatio 0.6 minTextSize 3 thresh 0.1-0.9": ["1cd16e29ca6159be", "2456d2e4dd984256", "9a898d0142df09b5", "d73605fee1029526", "0000000000000000000000000000000000000000000000100000100000000000010000000000000000000000000000000000"],
  "N100_00 thresh 0.7-0.2": ["ab3dbe3f764a8a77", "db21ce71942503fc", "88dcc83597e8e565", "0a127aa194957e35", "0100000000100000000000000000000010000000000000110001100000000000010000000001000100000000000000000000"],
  "N100_00 scaled to 333x517 minTextSize 1": ["50f902d4fc56177c", "c5640b323a2a5aa9", "1d7ddb70c623fb71", "4931f0bc6a01801b", "0100000000000000000000000000000000000000000000110000100000000000010000000000000000000000000000000000"],
  "N100_00 scaled to 641x13 minTextSize 1": ["36b06c6a1d5d2b98", "d7bafb42d9c8f5fe", "89894d48c77c1fc7", "2deaf4909cf8b21c", "1111100111110110111111101101111111110110111111111011111111111111011011111111111111111111011111101111"],
  "N100_00 scaled to 17x9 minTextSize 1": ["ad239f262a8460c3", "6681395dd4f671b5", "54ff6c0956d1a746", "ed6465dafde67b5e", "1111111111111111111111101101111111111111111111111111111111111111111111111111111111111111111111111111"],
  "N100_00 scaled to 5x300 minTextSize 1": ["b63d08ee9d58bddc", "41e25849c9ff46a6", "7ce0181f6e67bacb", "6df3621584800560", "1111100011111110111011001101000110000011100110111011110100001110011101110111110110000011000000010010"],
};

function hash16(a: Float32Array): string {
  return createHash('sha256').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).digest('hex').slice(0, 16);
}

describe('exact mode output is pinned bit for bit', () => {
  const all = cases();
  it('has an expected value for every case', () => {
    expect(all.map((c) => c.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });
  it.each(all.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const n = c.options.width * c.options.height;
    const dirty = () => new Float32Array(n).fill(Number.NaN);
    const t = makeDbTargets(c.polygons, {
      ...c.options,
      mode: 'exact',
      out: { shrinkMap: dirty(), shrinkMask: dirty(), threshMap: dirty(), threshMask: dirty() },
    });
    const got = [hash16(t.shrinkMap), hash16(t.shrinkMask), hash16(t.threshMap), hash16(t.threshMask), Array.from(t.ignoreTags).join('')];
    expect(got).toEqual(EXPECTED[c.name]);
  });
});
