// DB shrink (r = 0.4) and unclip (1.5) per polygon: ours (pyclipper mode, single call and batch)
// against clipper-lib (Clipper 6.4.2 in JS, what pyclipper computes), clipper2-wasm and clipper2-ts,
// on SROIE boxes (axis-aligned quads), on generated rotated text boxes (ICDAR-style: any angle,
// aspect 2-15, long side 20-200 px, float corners) and on generated curved 14-16-point text polygons.
// Every peer gets the float polygon and does the whole job: D = A(1-r^2)/L (or A·r/L), integer
// conversion, offset, result paths.
const path = require('node:path');
const fs = require('node:fs');
const geo = require('../dist/geometry');
const L = require('../test/geometry/difflib.js');

function loadSroie(limit) {
  const file = path.resolve(__dirname, '../../shared/data/sroie/sroie.json');
  const out = [];
  if (fs.existsSync(file)) {
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    for (const img of data.images) for (const p of img.polygons) if (out.length < limit) out.push(p.points);
  }
  if (out.length === 0) for (const p of L.generate(limit * 13, 3)) if (p.kind === 'quad') out.push(p.rings[0]);
  return out.slice(0, limit);
}

function loadCurved(limit) {
  return L.generate(limit * 13, 5)
    .filter((p) => p.kind === 'curved')
    .slice(0, limit)
    .map((p) => p.rings[0]);
}

// Rotated text boxes: long side 20-200 px, aspect 2-15 (short side at least 6 px), any angle,
// float corners (a detector's minAreaRect output), seeded.
function loadRotated(limit) {
  let a = 0x9e3779b9;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [];
  for (let i = 0; i < limit; i++) {
    const w = 20 + 180 * rand();
    const h = Math.max(6, w / (2 + 13 * rand()));
    const ang = (rand() - 0.5) * Math.PI;
    const cx = 150 + 1200 * rand();
    const cy = 150 + 1200 * rand();
    const c = Math.cos(ang);
    const s = Math.sin(ang);
    out.push(
      [
        [-w / 2, -h / 2],
        [w / 2, -h / 2],
        [w / 2, h / 2],
        [-w / 2, h / 2],
      ].map(([x, y]) => [cx + x * c - y * s, cy + x * s + y * c]),
    );
  }
  return out;
}

function distance(poly, kind, r) {
  const A = L.ringArea(poly);
  const P = L.ringPerimeter(poly);
  return kind === 'shrink' ? -((A * (1 - r * r)) / P) : (A * r) / P;
}

module.exports = async function geometryBench(h) {
  const ClipperLib = require('clipper-lib');
  const C2 = await L.clipper2();
  const c2ts = await import('clipper2-ts');
  const n = h.quick ? 200 : 2000;
  const sets = [
    ['SROIE quads', loadSroie(n)],
    ['rotated text boxes', loadRotated(n)],
    ['curved 14-16-pt polygons', loadCurved(n)],
  ];

  for (const [setName, polys] of sets) {
    const flat = L.flatten(polys.map((p) => [p]));
    const input = { coords: flat.coords, ringOffsets: flat.ringOffsets };
    for (const [kind, r] of [
      ['shrink', 0.4],
      ['unclip', 1.5],
    ]) {
      const ints = polys.map((p) => p.map(([x, y]) => [Math.trunc(x), Math.trunc(y)]));
      h.group(`${kind} ${setName} (${kind === 'shrink' ? 'r=0.4' : 'ratio 1.5'}, ${polys.length} polygons)`, {
        unit: 'polygon',
        note: 'Whole job per polygon: D from the float polygon, integer conversion, offset, result paths. pyclipper mode output is identical to clipper-lib/pyclipper.',
      });
      await h.case(
        'clipper-lib (Clipper 6.4.2 JS)',
        () => {
          let k = 0;
          for (let i = 0; i < polys.length; i++) {
            const co = new ClipperLib.ClipperOffset(2, 0.25);
            co.AddPath(
              ints[i].map(([x, y]) => ({ X: x, Y: y })),
              ClipperLib.JoinType.jtRound,
              ClipperLib.EndType.etClosedPolygon,
            );
            const sol = new ClipperLib.Paths();
            co.Execute(sol, distance(polys[i], kind, r));
            k += sol.length;
          }
          return k;
        },
        { items: polys.length, baseline: true, peer: 'clipper-lib' },
      );
      await h.case(
        'clipper2-wasm InflatePaths64',
        () => {
          let k = 0;
          for (let i = 0; i < polys.length; i++) {
            const flatPts = [];
            for (const [x, y] of ints[i]) flatPts.push(x, y);
            const p = C2.MakePath64(flatPts);
            const ps = new C2.Paths64();
            ps.push_back(p);
            const res = C2.InflatePaths64(ps, distance(polys[i], kind, r), C2.JoinType.Round, C2.EndType.Polygon, 2, 0);
            k += res.size();
            res.delete();
            ps.delete();
            p.delete();
          }
          return k;
        },
        { items: polys.length, peer: 'clipper2-wasm' },
      );
      await h.case(
        'clipper2-ts inflatePaths',
        () => {
          let k = 0;
          for (let i = 0; i < polys.length; i++) {
            const res = c2ts.inflatePaths(
              [ints[i].map(([x, y]) => ({ x, y }))],
              distance(polys[i], kind, r),
              c2ts.JoinType.Round,
              c2ts.EndType.Polygon,
            );
            k += res.length;
          }
          return k;
        },
        { items: polys.length, peer: 'clipper2-ts' },
      );
      const single = kind === 'shrink' ? geo.shrinkPolygon : geo.unclipPolygon;
      await h.case(
        'ocr-perfkit single call (pyclipper mode)',
        () => {
          let k = 0;
          for (let i = 0; i < polys.length; i++) k += single(polys[i], { ratio: r }).length;
          return k;
        },
        { items: polys.length },
      );
      const batch = kind === 'shrink' ? geo.shrinkBatch : geo.unclipBatch;
      await h.case('ocr-perfkit batch (pyclipper mode)', () => batch({ ...input, ratios: r }), { items: polys.length });
      // The same call writing into caller-provided arrays reused across calls (no new result
      // buffer, no fresh pages to fault in): sized from one plain call's result.
      const sized = batch({ ...input, ratios: r });
      const out = {
        coords: new Float64Array(sized.coords.length),
        ringOffsets: new Uint32Array(sized.ringOffsets.length),
        polygonRings: new Uint32Array(sized.polygonRings.length),
      };
      await h.case('ocr-perfkit batch into reused out buffers (pyclipper mode)', () => batch({ ...input, ratios: r }, undefined, out), {
        items: polys.length,
      });
      // The async form (wall time per polygon, input copy and thread hand-off included): on one
      // pool thread, and split over every core (the threads' CPU time adds up to more).
      const batchAsync = kind === 'shrink' ? geo.shrinkBatchAsync : geo.unclipBatchAsync;
      await h.case('ocr-perfkit batch async, 1 thread (wall)', () => batchAsync({ ...input, ratios: r }, undefined, { threads: 1 }), {
        items: polys.length,
      });
      await h.case(
        `ocr-perfkit batch async, all ${require('../dist/targets').targetsThreadCount()} cores (wall)`,
        () => batchAsync({ ...input, ratios: r }),
        { items: polys.length },
      );
      await h.case(
        'ocr-perfkit batch (clipper2 mode)',
        () => batch({ ...input, ratios: r }, { mode: 'clipper2', precision: 0 }),
        { items: polys.length },
      );
      // Batch with the native polygon cache at a 95% hit rate: every call moves one coordinate of
      // 5% of the polygons by a new tiny amount (new keys, misses); the rest hit.
      const { getCache, dropCache } = require('../dist/cache');
      const cache = getCache('bench-geometry', { maxBytes: 256 * 2 ** 20 });
      const varied = { coords: Float64Array.from(input.coords), ringOffsets: input.ringOffsets };
      batch({ ...varied, ratios: r }, { cache });
      const movers = [];
      for (let i = 0; i < polys.length; i += 20) movers.push(2 * input.ringOffsets[i]);
      let tick = 0;
      await h.case(
        'ocr-perfkit batch + polygon cache, 95% hits',
        () => {
          tick++;
          for (const at of movers) varied.coords[at] = input.coords[at] + tick * 1e-7;
          return batch({ ...varied, ratios: r }, { cache });
        },
        { items: polys.length },
      );
      const st = cache.stats();
      h.metric(`${kind} ${setName}: cache hit rate in the 95% case`, (st.hitRate * 100).toFixed(1), '%');
      dropCache('bench-geometry');
    }
  }
};

// The polygon sets, for bench/native/export-inputs.js (the native micro-benchmarks use the same ones).
module.exports.loadSroie = loadSroie;
module.exports.loadCurved = loadCurved;
module.exports.loadRotated = loadRotated;
