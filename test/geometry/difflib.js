// Shared by the differential tests (test/geometry/*.test.ts) and
// scripts/geometry-differential.js: a seeded polygon generator covering the shapes text
// detectors produce (and the degenerate ones they sometimes produce), and the oracles
// (clipper-lib = Clipper 6.4.2 in JS, clipper2-wasm = Clipper2 in WebAssembly).
const path = require('node:path');
const fs = require('node:fs');

function mulberry32(seed) {
  let a = seed >>> 0;
  return function rand() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Polygon kinds produced by {@link generate}; each polygon is a list of rings [[x, y], ...]. */
const KINDS = [
  'quad',
  'rotatedQuad',
  'curved',
  'concave',
  'holes',
  'bowtie',
  'sliver',
  'duplicates',
  'collinear',
  'tiny',
  'huge',
  'star',
  'random',
];

function rotate(pts, cx, cy, ang) {
  const c = Math.cos(ang);
  const s = Math.sin(ang);
  return pts.map(([x, y]) => [cx + (x - cx) * c - (y - cy) * s, cy + (x - cx) * s + (y - cy) * c]);
}

/** The box [0, w] x [0, h] turned by the angle with cosine c and sine s, then moved to (ox, oy). */
function rotatedBox(ox, oy, w, h, c, s) {
  return [
    [0, 0],
    [w, 0],
    [w, h],
    [0, h],
  ].map(([x, y]) => [ox + x * c - y * s, oy + x * s + y * c]);
}

function makeOne(kind, rand) {
  const R = (a, b) => a + (b - a) * rand();
  const cx = R(50, 900);
  const cy = R(50, 900);
  switch (kind) {
    case 'quad': {
      const w = R(8, 300);
      const h = R(8, 60);
      const x = Math.round(cx);
      const y = Math.round(cy);
      return [[[x, y], [x + Math.round(w), y], [x + Math.round(w), y + Math.round(h)], [x, y + Math.round(h)]]];
    }
    case 'rotatedQuad': {
      const w = R(8, 300);
      const h = R(6, 60);
      const pts = [
        [cx - w / 2, cy - h / 2],
        [cx + w / 2, cy - h / 2],
        [cx + w / 2, cy + h / 2],
        [cx - w / 2, cy + h / 2],
      ];
      const q = rotate(pts, cx, cy, R(-Math.PI, Math.PI)).map(([x, y]) => [x + R(-2, 2), y + R(-2, 2)]);
      return [rand() < 0.5 ? q : q.reverse()];
    }
    case 'curved': {
      // Text along an arc: n/2 points on the top curve, n/2 on the bottom, 14..16 in all.
      const n = 7 + Math.floor(rand() * 2);
      const radius = R(60, 800);
      const span = R(0.2, 1.6) * (rand() < 0.5 ? 1 : -1);
      const thick = R(8, Math.min(80, radius * 0.8));
      const a0 = R(-Math.PI, Math.PI);
      const top = [];
      const bot = [];
      for (let i = 0; i < n; i++) {
        const a = a0 + (span * i) / (n - 1);
        top.push([cx + radius * Math.cos(a) + R(-1, 1), cy + radius * Math.sin(a) + R(-1, 1)]);
        bot.push([cx + (radius - thick) * Math.cos(a) + R(-1, 1), cy + (radius - thick) * Math.sin(a) + R(-1, 1)]);
      }
      if (rand() < 0.5) {
        const e = R(-3, 3);
        top.push([top[n - 1][0] + e, top[n - 1][1] - e]);
        bot.push([bot[n - 1][0] - e, bot[n - 1][1] + e]);
      }
      return [top.concat(bot.reverse())];
    }
    case 'concave': {
      const n = 5 + Math.floor(rand() * 12);
      const pts = [];
      for (let i = 0; i < n; i++) {
        const a = (2 * Math.PI * i) / n;
        const r = R(10, 120) * (i % 2 ? R(0.2, 0.7) : 1);
        pts.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
      }
      return [pts];
    }
    case 'holes': {
      const w = R(40, 300);
      const h = R(40, 200);
      const outer = [
        [cx, cy],
        [cx + w, cy],
        [cx + w, cy + h],
        [cx, cy + h],
      ];
      const hw = R(5, w * 0.4);
      const hh = R(5, h * 0.4);
      const hx = cx + R(3, w - hw - 3);
      const hy = cy + R(3, h - hh - 3);
      const hole = [
        [hx, hy],
        [hx, hy + hh],
        [hx + hw, hy + hh],
        [hx + hw, hy],
      ];
      return [outer, hole];
    }
    case 'bowtie': {
      const w = R(10, 200);
      const h = R(10, 100);
      const k = R(0.1, 0.9);
      return [
        [
          [cx, cy],
          [cx + w, cy + h],
          [cx + w, cy + h * k * 0.3],
          [cx, cy + h],
        ],
      ];
    }
    case 'sliver': {
      const w = R(20, 400);
      const h = R(0, 3);
      return [rotate([[cx, cy], [cx + w, cy], [cx + w, cy + h], [cx, cy + h * R(0, 1)]], cx, cy, R(0, 6.3))];
    }
    case 'duplicates': {
      const w = R(8, 200);
      const h = R(8, 60);
      const p = [
        [cx, cy],
        [cx + w, cy],
        [cx + w, cy + h],
        [cx, cy + h],
      ];
      const i = Math.floor(rand() * 4);
      p.splice(i, 0, p[i].slice());
      if (rand() < 0.5) p.push(p[0].slice());
      return [p];
    }
    case 'collinear': {
      const w = R(20, 200);
      const h = R(8, 60);
      return [
        [
          [cx, cy],
          [cx + w / 3, cy],
          [cx + (2 * w) / 3, cy],
          [cx + w, cy],
          [cx + w, cy + h / 2],
          [cx + w, cy + h],
          [cx, cy + h],
        ],
      ];
    }
    case 'tiny': {
      const w = R(0, 4);
      const h = R(0, 4);
      return [rotate([[cx, cy], [cx + w, cy], [cx + w, cy + h], [cx, cy + h]], cx, cy, R(0, 6.3))];
    }
    case 'huge': {
      const s = 10 ** R(6, 12);
      const X = R(-1, 1) * s;
      const Y = R(-1, 1) * s;
      const w = R(0.01, 1) * s;
      const h = R(0.01, 1) * s;
      return [rotate([[X, Y], [X + w, Y], [X + w, Y + h], [X, Y + h]], X, Y, R(0, 6.3))];
    }
    case 'star': {
      const n = 5 + 2 * Math.floor(rand() * 3);
      const r = R(10, 150);
      const pts = [];
      for (let i = 0; i < n; i++) {
        const a = (2 * Math.PI * ((i * (n - 1)) / 2)) / n;
        pts.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
      }
      return [pts];
    }
    default: {
      const n = 3 + Math.floor(rand() * 10);
      const pts = [];
      for (let i = 0; i < n; i++) pts.push([cx + R(-100, 100), cy + R(-100, 100)]);
      return [pts];
    }
  }
}

/** `count` polygons cycling through KINDS, deterministic for a seed. */
function generate(count, seed = 1) {
  const rand = mulberry32(seed);
  const out = [];
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length];
    out.push({ kind, rings: makeOne(kind, rand) });
  }
  return out;
}

/**
 * `count` rotated text boxes (kind 'rotatedBox'): exact rectangles (float corners, as a detector's
 * minAreaRect gives them) with long side 8..300, aspect 1..15 (short side >= 3), turned by any angle;
 * a third of them by less than 6 degrees either way from an axis (where the sweep's scanlines
 * pass close to the shrunk corners). Either orientation. Deterministic for a seed.
 */
function generateRotatedBoxes(count, seed = 1) {
  const rand = mulberry32(seed);
  const R = (a, b) => a + (b - a) * rand();
  const out = [];
  for (let i = 0; i < count; i++) {
    const w = R(8, 300);
    const h = Math.max(3, w / R(1, 15));
    const ang = rand() < 1 / 3 ? R(-0.1, 0.1) + (Math.PI / 2) * Math.floor(R(0, 4)) : R(-Math.PI, Math.PI);
    const cx = R(50, 1500);
    const cy = R(50, 1500);
    const q = rotate(
      [
        [cx - w / 2, cy - h / 2],
        [cx + w / 2, cy - h / 2],
        [cx + w / 2, cy + h / 2],
        [cx - w / 2, cy + h / 2],
      ],
      cx,
      cy,
      ang,
    );
    out.push({ kind: 'rotatedBox', rings: [rand() < 0.5 ? q : q.reverse()] });
  }
  return out;
}

/**
 * `count` axis-aligned boxes (kind 'axisRect'), as document annotations give them (SROIE, NAF):
 * integer corners mostly, sides 1..3000 x 1..400 (a tenth of them 1..8: tiny), at positions up to
 * +-1000 px, a tenth at +-2^28 (where float sums of coordinate products round coarsely); one in
 * eight is instead a square on integer side vectors (a, b), (-b, a) at any angle (its four edge
 * normals are also exact quarter turns of each other), one in eight has float corners. Either
 * orientation, any starting corner. Deterministic for a seed.
 */
function generateAxisRects(count, seed = 1) {
  const rand = mulberry32(seed);
  const I = (a, b) => a + Math.floor((b - a + 1) * rand());
  const out = [];
  for (let i = 0; i < count; i++) {
    const far = rand() < 0.1;
    const x0 = far ? I(-(2 ** 28), 2 ** 28) : I(-1000, 1000);
    const y0 = far ? I(-(2 ** 28), 2 ** 28) : I(-1000, 1000);
    const pick = rand();
    let q;
    if (pick < 1 / 8) {
      const a = I(-150, 150);
      const b = I(-150, 150) || 1;
      q = [
        [x0, y0],
        [x0 + a, y0 + b],
        [x0 + a - b, y0 + b + a],
        [x0 - b, y0 + a],
      ];
    } else {
      const tiny = rand() < 0.1;
      const w = tiny ? I(1, 8) : I(1, 3000);
      const h = tiny ? I(1, 8) : I(1, 400);
      const f = pick < 1 / 4 ? () => rand() : () => 0;
      q = [
        [x0 + f(), y0 + f()],
        [x0 + w + f(), y0 + f()],
        [x0 + w + f(), y0 + h + f()],
        [x0 + f(), y0 + h + f()],
      ];
    }
    if (rand() < 0.5) q.reverse();
    const k = I(0, 3);
    out.push({ kind: 'axisRect', rings: [q.slice(k).concat(q.slice(0, k))] });
  }
  return out;
}

/**
 * `count` convex quadrilaterals (kind 'convexQuad'), for the shrunk-quad fast path
 * (native/geometry/fast_cleanup.cc ShrunkQuad): float corners, either orientation, any starting
 * corner. Mostly rotated text boxes (long side 6..400, aspect 1..20, so many shrink to results a
 * pixel or two thick) and general convex quads (four points on a turned ellipse), plus degenerate
 * ones: near-zero area (a sliver under a pixel thick), three corners almost collinear (a nearly
 * straight corner), tiny (sides under 4 px), huge coordinates (up to +-2^29, the fast path's
 * range, and beyond it), and spikes (one very sharp corner: a long thin kite). Deterministic for a seed.
 */
function generateConvexQuads(count, seed = 1) {
  const rand = mulberry32(seed);
  const R = (a, b) => a + (b - a) * rand();
  const out = [];
  for (let i = 0; i < count; i++) {
    const pick = rand();
    const far = rand() < 0.08;
    const cx = far ? R(-(2 ** 29), 2 ** 29) : R(0, 2000);
    const cy = far ? R(-(2 ** 29), 2 ** 29) : R(0, 2000);
    const ang = rand() < 0.25 ? R(-0.1, 0.1) + (Math.PI / 2) * Math.floor(R(0, 4)) : R(-Math.PI, Math.PI);
    let local;
    if (pick < 0.45) {
      // rotated text box
      const w = R(6, 400);
      const h = Math.max(2, w / R(1, 20));
      local = [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]];
    } else if (pick < 0.7) {
      // general convex quad on an ellipse
      const s = R(4, 300);
      const asp = R(1, 12);
      local = [R(0, 1.5), R(1.6, 3.1), R(3.2, 4.7), R(4.8, 6.2)].map((a) => [Math.cos(a) * s, (Math.sin(a) * s) / asp]);
    } else if (pick < 0.76) {
      // near-zero area: a sliver
      const w = R(10, 300);
      const h = R(0, 1.2);
      local = [[-w / 2, -h / 2], [w / 2, -h / 2 + R(-0.3, 0.3)], [w / 2, h / 2], [-w / 2, h / 2]];
    } else if (pick < 0.83) {
      // three corners almost collinear
      const w = R(20, 300);
      const h = R(6, 60);
      local = [[-w / 2, 0], [0, R(-0.8, 0.8)], [w / 2, 0], [0, h]];
    } else if (pick < 0.9) {
      // tiny
      const w = R(0.5, 4);
      const h = R(0.5, 4);
      local = [[0, 0], [w, 0], [w, h], [0, h]];
    } else if (pick < 0.96) {
      // spike: a long thin kite
      const L = R(50, 600);
      const t = R(2, 20);
      local = [[0, 0], [L * R(0.6, 0.9), -t], [L, 0], [L * R(0.6, 0.9), t]];
    } else {
      // huge: far beyond the fast path's range
      const s = 10 ** R(8, 11);
      local = [[0, 0], [s, 0], [s, s * R(0.05, 1)], [0, s * R(0.05, 1)]];
    }
    const c = Math.cos(ang);
    const sn = Math.sin(ang);
    let q = local.map(([x, y]) => [cx + x * c - y * sn, cy + x * sn + y * c]);
    if (rand() < 0.5) q = q.reverse();
    const k = Math.floor(R(0, 4));
    out.push({ kind: 'convexQuad', rings: [q.slice(k).concat(q.slice(0, k))] });
  }
  return out;
}

/** Every polygon of the shared SROIE and NAF annotation sets (rings of [x, y]). */
function loadDatasets(root = path.resolve(__dirname, '../../../shared/data')) {
  const out = [];
  for (const name of ['sroie', 'naf']) {
    const file = path.join(root, name, `${name}.json`);
    if (!fs.existsSync(file)) continue;
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    for (const img of data.images) for (const p of img.polygons) out.push({ kind: name, rings: [p.points] });
  }
  return out;
}

/** Flattens polygons (lists of rings) into the batch layout. */
function flatten(polys) {
  let nPts = 0;
  let nRings = 0;
  for (const p of polys) {
    nRings += p.length;
    for (const r of p) nPts += r.length;
  }
  const coords = new Float64Array(nPts * 2);
  const ringOffsets = new Uint32Array(nRings + 1);
  const polygonRings = new Uint32Array(polys.length + 1);
  let pi = 0;
  let ri = 0;
  polys.forEach((p, i) => {
    for (const r of p) {
      for (const [x, y] of r) {
        coords[2 * pi] = x;
        coords[2 * pi + 1] = y;
        pi++;
      }
      ri++;
      ringOffsets[ri] = pi;
    }
    polygonRings[i + 1] = ri;
  });
  return { coords, ringOffsets, polygonRings };
}

/** Inverse of flatten for a batch result: polygon i -> list of rings [[x, y], ...]. */
function unflatten(res) {
  const out = [];
  const n = res.polygonRings.length - 1;
  for (let i = 0; i < n; i++) {
    const rings = [];
    for (let r = res.polygonRings[i]; r < res.polygonRings[i + 1]; r++) {
      const ring = [];
      for (let k = res.ringOffsets[r]; k < res.ringOffsets[r + 1]; k++) ring.push([res.coords[2 * k], res.coords[2 * k + 1]]);
      rings.push(ring);
    }
    out.push(rings);
  }
  return out;
}

// ---- clipper-lib oracle (pyclipper semantics) -------------------------------------------
let ClipperLib;
const JT = { round: 1, square: 0, miter: 2 };
const ET = { polygon: 0, joined: 1, butt: 2, square: 3, round: 4 };
const ETLIB = () => [
  ClipperLib.EndType.etClosedPolygon,
  ClipperLib.EndType.etClosedLine,
  ClipperLib.EndType.etOpenButt,
  ClipperLib.EndType.etOpenSquare,
  ClipperLib.EndType.etOpenRound,
];

/** Offsets integer rings with clipper-lib; returns [[x, y], ...] rings. */
function clipperLibOffset(intRings, delta, opts = {}) {
  ClipperLib ??= require('clipper-lib');
  const jt = { round: ClipperLib.JoinType.jtRound, square: ClipperLib.JoinType.jtSquare, miter: ClipperLib.JoinType.jtMiter }[
    opts.joinType ?? 'round'
  ];
  const et = ETLIB()[ET[opts.endType ?? 'polygon']];
  const co = new ClipperLib.ClipperOffset(opts.miterLimit ?? 2, opts.arcTolerance ?? 0.25);
  co.AddPaths(
    intRings.map((r) => r.map(([x, y]) => ({ X: x, Y: y }))),
    jt,
    et,
  );
  const sol = new ClipperLib.Paths();
  co.Execute(sol, delta);
  return sol.map((p) => p.map((q) => [q.X, q.Y]));
}

/** A boolean operation on integer rings with clipper-lib; returns [[x, y], ...] rings. */
function clipperLibClip(op, fill, subject, clip) {
  ClipperLib ??= require('clipper-lib');
  const ct = { union: 1, intersection: 0, difference: 2, xor: 3 }[op];
  const pft = { evenOdd: 0, nonZero: 1, positive: 2, negative: 3 }[fill];
  const c = new ClipperLib.Clipper();
  const paths = (rings) => rings.map((r) => r.map(([x, y]) => ({ X: x, Y: y })));
  c.AddPaths(paths(subject), ClipperLib.PolyType.ptSubject, true);
  c.AddPaths(paths(clip), ClipperLib.PolyType.ptClip, true);
  const sol = new ClipperLib.Paths();
  c.Execute(ct, sol, pft, pft);
  return sol.map((p) => p.map((q) => [q.X, q.Y]));
}

/** pyclipper's float -> cInt conversion. */
const trunc = (rings) => rings.map((r) => r.map(([x, y]) => [Math.trunc(x), Math.trunc(y)]));

/** GEOS-style |area| and perimeter of a float ring (for DB D = A(1-r^2)/L). */
function ringArea(r) {
  const n = r.length;
  if (n < 3) return 0;
  const x0 = r[0][0];
  let sum = 0;
  for (let i = 1; i < n; i++) {
    const prevY = r[i - 1][1];
    const nextY = r[(i + 1) % n][1];
    sum += (r[i][0] - x0) * (prevY - nextY);
  }
  return Math.abs(sum / 2);
}
function ringPerimeter(r) {
  let len = 0;
  for (let i = 0; i < r.length; i++) {
    const a = r[i];
    const b = r[(i + 1) % r.length];
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    len += Math.sqrt(dx * dx + dy * dy);
  }
  return len;
}

function sameRings(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].length !== b[i].length) return false;
    for (let k = 0; k < a[i].length; k++) if (a[i][k][0] !== b[i][k][0] || a[i][k][1] !== b[i][k][1]) return false;
  }
  return true;
}

/** Index of the first polygon whose result rings differ between two flat batch outputs, or -1. */
function firstDifferentPolygon(a, b) {
  const pa = unflatten(a);
  const pb = unflatten(b);
  if (pa.length !== pb.length) return 0;
  for (let i = 0; i < pa.length; i++) if (!sameRings(pa[i], pb[i])) return i;
  return -1;
}

/**
 * generateConvexQuads' huge quads (sides of 1e8 and more): their unclipped output runs to
 * millions of arc vertices, so (like generate's 'huge' kind) they are only shrunk.
 */
function isHugeQuad(p) {
  if (p.kind !== 'convexQuad') return false;
  const xs = p.rings[0].map(([x]) => x);
  const ys = p.rings[0].map(([, y]) => y);
  return Math.max(...xs) - Math.min(...xs) > 1e6 || Math.max(...ys) - Math.min(...ys) > 1e6;
}

module.exports = {
  KINDS,
  isHugeQuad,
  rotatedBox,
  firstDifferentPolygon,
  generate,
  generateRotatedBoxes,
  loadDatasets,
  flatten,
  unflatten,
  generateAxisRects,
  generateConvexQuads,
  clipperLibOffset,
  clipperLibClip,
  trunc,
  ringArea,
  ringPerimeter,
  sameRings,
  mulberry32,
  JT,
};

// ---- the real Clipper 6.4.2 (Debian libpolyclipping) --------------------------------------
const ORACLE_BIN = path.resolve(__dirname, '../../build-geometry/oracle642');
const ORACLE_SRC = path.resolve(__dirname, '../../native/test/geometry_oracle642.cc');

/**
 * Path of the C++ Clipper 6.4.2 oracle binary, building it when libpolyclipping-dev is
 * installed (`apt-get install libpolyclipping-dev`); null when it cannot be had, or when
 * OCR_PERFKIT_NO_CPP_ORACLE=1 (CI runs the oracle's suites once so, as on a fresh machine).
 */
function cppOracle() {
  const { spawnSync } = require('node:child_process');
  if (process.env.OCR_PERFKIT_NO_CPP_ORACLE === '1') return null;
  if (fs.existsSync(ORACLE_BIN)) return ORACLE_BIN;
  if (!fs.existsSync('/usr/include/polyclipping/clipper.hpp')) return null;
  fs.mkdirSync(path.dirname(ORACLE_BIN), { recursive: true });
  // Build under a private name and rename: jest workers may race to build it.
  const tmp = `${ORACLE_BIN}.${process.pid}.tmp`;
  const r = spawnSync('g++', ['-O2', ORACLE_SRC, '-lpolyclipping', '-o', tmp], { stdio: 'inherit' });
  if (r.status !== 0) return null;
  fs.renameSync(tmp, ORACLE_BIN);
  return ORACLE_BIN;
}

const JT642 = { square: 0, round: 1, miter: 2 };
const ET642 = { polygon: 0, joined: 1, butt: 2, square: 3, round: 4 };
const encRings = (rings) => rings.map((r) => `${r.length} ${r.map(([x, y]) => `${x} ${y}`).join(' ')}`).join(' ');

/** Runs many offset cases through the C++ oracle: cases = [{rings (ints), delta, joinType, endType}]. */
function cppOffsetMany(cases) {
  const { spawnSync } = require('node:child_process');
  const bin = cppOracle();
  if (!bin) throw new Error('C++ Clipper 6.4.2 oracle unavailable (apt-get install libpolyclipping-dev)');
  const input = cases
    .map(
      (c) =>
        `offset ${c.delta} ${JT642[c.joinType ?? 'round']} ${ET642[c.endType ?? 'polygon']} ${c.miterLimit ?? 2} ${c.arcTolerance ?? 0.25} ${c.rings.length} ${encRings(c.rings)}`,
    )
    .join('\n');
  const r = spawnSync(bin, [], { input: `${input}\n`, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`oracle failed: ${r.stderr}`);
  return parseOracle(r.stdout.toString());
}

/** Boolean ops through the C++ oracle: cases = [{subject, clip, op, fill}] (integer rings). */
function cppClipMany(cases) {
  const { spawnSync } = require('node:child_process');
  const bin = cppOracle();
  if (!bin) throw new Error('C++ Clipper 6.4.2 oracle unavailable (apt-get install libpolyclipping-dev)');
  const OP = { intersection: 0, union: 1, difference: 2, xor: 3 };
  const FILL = { evenOdd: 0, nonZero: 1, positive: 2, negative: 3 };
  const input = cases
    .map(
      (c) =>
        `clip ${OP[c.op]} ${FILL[c.fill]} ${c.subject.length} ${encRings(c.subject)} ${c.clip.length} ${encRings(c.clip)}`,
    )
    .join('\n');
  const r = spawnSync(bin, [], { input: `${input}\n`, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`oracle failed: ${r.stderr}`);
  return parseOracle(r.stdout.toString());
}

function parseOracle(text) {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      if (line === 'ERR') return null;
      const v = line.split(' ').map(Number);
      let i = 0;
      const n = v[i++];
      const paths = [];
      for (let p = 0; p < n; p++) {
        const k = v[i++];
        const ring = [];
        for (let q = 0; q < k; q++) {
          ring.push([v[i], v[i + 1]]);
          i += 2;
        }
        paths.push(ring);
      }
      return paths;
    });
}

module.exports.cppOracle = cppOracle;
module.exports.cppOffsetMany = cppOffsetMany;
module.exports.cppClipMany = cppClipMany;

// ---- clipper2-wasm oracle (Clipper2 semantics) ---------------------------------------------
let c2Promise;
/** Loads clipper2-wasm once (its module factory is async). */
function clipper2() {
  c2Promise ??= require('clipper2-wasm/dist/umd/clipper2z.js')();
  return c2Promise;
}

function toPathsD(C, rings) {
  const ps = new C.PathsD();
  for (const r of rings) {
    const flat = [];
    for (const [x, y] of r) flat.push(x, y);
    const p = C.MakePathD(flat);
    ps.push_back(p);
    p.delete();
  }
  return ps;
}

function fromPathsD(ps) {
  const out = [];
  for (let i = 0; i < ps.size(); i++) {
    const p = ps.get(i);
    const ring = [];
    for (let k = 0; k < p.size(); k++) {
      const q = p.get(k);
      ring.push([q.x, q.y]);
    }
    out.push(ring);
    p.delete?.();
  }
  return out;
}

/** clipper2-wasm InflatePathsD (float rings, decimal precision). */
function clipper2Inflate(C, rings, delta, opts = {}) {
  const JTC = { round: C.JoinType.Round, square: C.JoinType.Square, miter: C.JoinType.Miter };
  const ETC = {
    polygon: C.EndType.Polygon,
    joined: C.EndType.Joined,
    butt: C.EndType.Butt,
    square: C.EndType.Square,
    round: C.EndType.Round,
  };
  const ps = toPathsD(C, rings);
  const r = C.InflatePathsD(
    ps,
    delta,
    JTC[opts.joinType ?? 'round'],
    ETC[opts.endType ?? 'polygon'],
    opts.miterLimit ?? 2,
    opts.precision ?? 2,
    opts.arcTolerance ?? 0,
  );
  const out = fromPathsD(r);
  ps.delete();
  r.delete();
  return out;
}

/** clipper2-wasm BooleanOpD. */
function clipper2Boolean(C, op, fill, subject, clip, precision = 2) {
  const CT = { intersection: C.ClipType.Intersection, union: C.ClipType.Union, difference: C.ClipType.Difference, xor: C.ClipType.Xor };
  const FR = { evenOdd: C.FillRule.EvenOdd, nonZero: C.FillRule.NonZero, positive: C.FillRule.Positive, negative: C.FillRule.Negative };
  const s = toPathsD(C, subject);
  const c = toPathsD(C, clip);
  const r = C.BooleanOpD(CT[op], FR[fill], s, c, precision);
  const out = fromPathsD(r);
  s.delete();
  c.delete();
  r.delete();
  return out;
}

/** Signed shoelace area (positive = Clipper's "positive" orientation). */
function signedArea(r) {
  let a = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) a += (r[j][1] + r[i][1]) * (r[j][0] - r[i][0]);
  return a / 2;
}
const totalArea = (rings) => rings.reduce((s, r) => s + signedArea(r), 0);

module.exports.clipper2 = clipper2;
module.exports.clipper2Inflate = clipper2Inflate;
module.exports.clipper2Boolean = clipper2Boolean;
module.exports.signedArea = signedArea;
module.exports.totalArea = totalArea;
