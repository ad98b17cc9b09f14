/** Conversions between `[[x, y], ...]` paths and the flat batch layout, with type checks. */
import { OcrPerfkitTypeError } from '../errors';
import type { FlatPolygons, FlatRings, Path, Paths } from './types';

function fail(message: string): never {
  throw new OcrPerfkitTypeError(message, 'ERR_INVALID_ARGUMENT');
}

/** Checks that `paths` is an array of arrays and returns their total number of points. */
function countPoints(paths: unknown, name: string): number {
  if (!Array.isArray(paths)) fail(`${name} must be an array of paths ([[x, y], ...]), got ${typeof paths}`);
  let n = 0;
  for (let i = 0; i < paths.length; i++) {
    const p = paths[i];
    if (!Array.isArray(p)) fail(`${name}[${i}] must be an array of [x, y] points`);
    n += p.length;
  }
  return n;
}

/**
 * Writes the points of `paths` (checked by {@link countPoints}) into `out` from index `at`, x and
 * y interleaved, checking each point, and the number of points written after ring i into
 * `ends[endsAt + i + 1]`.
 */
function writePoints(
  paths: unknown[],
  name: string,
  out: Float64Array,
  at: number,
  ends: Float64Array | Uint32Array,
  endsAt: number,
): void {
  let k = at;
  for (let i = 0; i < paths.length; i++) {
    const p = paths[i] as unknown[];
    for (let j = 0; j < p.length; j++) {
      const pt = p[j];
      if (!Array.isArray(pt) || pt.length < 2 || typeof pt[0] !== 'number' || typeof pt[1] !== 'number') {
        fail(`${name}[${i}][${j}] must be an [x, y] pair of numbers`);
      }
      out[k++] = pt[0];
      out[k++] = pt[1];
    }
    ends[endsAt + i + 1] = (k - at) / 2;
  }
}

/** Flattens paths (each a list of `[x, y]`), checking every element's type. */
export function pathsToFlat(paths: unknown, name = 'paths'): FlatRings {
  const n = countPoints(paths, name);
  const list = paths as unknown[];
  const coords = new Float64Array(2 * n);
  const ringOffsets = new Uint32Array(list.length + 1);
  writePoints(list, name, coords, 0, ringOffsets, 0);
  return { coords, ringOffsets };
}

/**
 * The reusable buffer of the single-polygon calls (offset.ts; layout in geometry_binding.cc
 * OffsetOneJs): [0, 13) packed options, 13 points, 14 rings, 15 delta/ratio, then from
 * {@link IO_HEADER} the points, the ring offsets, and the output. Off the V8 heap (so the addon
 * reads it in place), grown on demand; one JS thread uses it one call at a time.
 */
export const IO_HEADER = 16;
export const scratch = {
  io: new Float64Array(4096),
  /** The packed options now in io[0, 13) (rewritten when another spec comes). */
  packed: null as Float64Array | null,
};

/**
 * {@link pathsToFlat} into {@link scratch}.io: the same checks and the same errors, no
 * allocation. Returns the number of points.
 */
export function pathsToScratch(paths: unknown, name = 'paths'): number {
  const n = countPoints(paths, name);
  const list = paths as unknown[];
  const need = IO_HEADER + 2 * n + list.length + 1;
  if (scratch.io.length < 2 * need) {
    scratch.io = new Float64Array(Math.max(4 * need, 4096));
    scratch.packed = null;
  }
  const io = scratch.io;
  const offsets = IO_HEADER + 2 * n;
  io[offsets] = 0;
  writePoints(list, name, io, IO_HEADER, io, offsets);
  return n;
}

/** The `rings` output rings that start at `base` of {@link scratch}.io, as `[[x, y], ...]` paths. */
export function scratchToPaths(base: number, rings: number): Paths {
  const out: Paths = [];
  const io = scratch.io;
  const points = base + rings + 1;
  for (let r = 0; r < rings; r++) {
    const start = io[base + r]!;
    const path: Path = new Array(io[base + r + 1]! - start);
    for (let k = 0, i = points + 2 * start; k < path.length; k++, i += 2) path[k] = [io[i]!, io[i + 1]!];
    out.push(path);
  }
  return out;
}

/** Rings `r0 .. r1-1` of a flat result as `[[x, y], ...]` paths. */
export function flatToPaths(flat: FlatRings, r0 = 0, r1 = flat.ringOffsets.length - 1): Paths {
  const out: Paths = [];
  const { coords, ringOffsets } = flat;
  for (let r = r0; r < r1; r++) {
    const path: Path = [];
    for (let i = ringOffsets[r]!; i < ringOffsets[r + 1]!; i++) path.push([coords[2 * i]!, coords[2 * i + 1]!]);
    out.push(path);
  }
  return out;
}

/** Result paths of polygon i of a batch result. */
export function polygonPaths(res: FlatPolygons, i: number): Paths {
  return flatToPaths(res, res.polygonRings[i]!, res.polygonRings[i + 1]!);
}

/** Checks the typed-array shape of a batch input (values are checked natively). */
export function checkFlat(input: unknown, what = 'input'): asserts input is FlatRings {
  if (input === null || typeof input !== 'object') fail(`${what} must be an object {coords, ringOffsets, ...}`);
  const o = input as Record<string, unknown>;
  if (!(o.coords instanceof Float64Array)) fail(`${what}.coords must be a Float64Array`);
  if (!(o.ringOffsets instanceof Uint32Array)) fail(`${what}.ringOffsets must be a Uint32Array`);
  if (o.polygonRings !== undefined && !(o.polygonRings instanceof Uint32Array)) {
    fail(`${what}.polygonRings must be a Uint32Array when given`);
  }
}
