/** Conversions between `[[x, y], ...]` paths and the flat batch layout, with type checks. */
import { OcrPerfkitTypeError } from '../errors';
import type { FlatPolygons, FlatRings, Path, Paths } from './types';

function fail(message: string): never {
  throw new OcrPerfkitTypeError(message, 'ERR_INVALID_ARGUMENT');
}

/** Flattens paths (each a list of `[x, y]`), checking every element's type. */
export function pathsToFlat(paths: unknown, name = 'paths'): FlatRings {
  if (!Array.isArray(paths)) fail(`${name} must be an array of paths ([[x, y], ...]), got ${typeof paths}`);
  let n = 0;
  for (let i = 0; i < paths.length; i++) {
    const p = paths[i];
    if (!Array.isArray(p)) fail(`${name}[${i}] must be an array of [x, y] points`);
    n += p.length;
  }
  const coords = new Float64Array(2 * n);
  const ringOffsets = new Uint32Array(paths.length + 1);
  let k = 0;
  for (let i = 0; i < paths.length; i++) {
    const p = paths[i] as unknown[];
    for (let j = 0; j < p.length; j++) {
      const pt = p[j];
      if (!Array.isArray(pt) || pt.length < 2 || typeof pt[0] !== 'number' || typeof pt[1] !== 'number') {
        fail(`${name}[${i}][${j}] must be an [x, y] pair of numbers`);
      }
      coords[k++] = pt[0];
      coords[k++] = pt[1];
    }
    ringOffsets[i + 1] = k / 2;
  }
  return { coords, ringOffsets };
}

/**
 * Reusable buffers of the single-polygon calls (offset.ts): input flattened here, output written
 * here by the addon. Each is at least 64 bytes (so its storage is off the V8 heap and the addon
 * reads it without a copy) and grows on demand. One JS thread uses them one call at a time.
 */
export const scratch = {
  coords: new Float64Array(256),
  ringOffsets: new Uint32Array(64),
  outCoords: new Float64Array(4096),
  outRingOffsets: new Uint32Array(64),
};

/**
 * {@link pathsToFlat} into {@link scratch} (`coords`, `ringOffsets`): the same checks and the same
 * errors, no allocation. Returns the number of points.
 */
export function pathsToScratch(paths: unknown, name = 'paths'): number {
  if (!Array.isArray(paths)) fail(`${name} must be an array of paths ([[x, y], ...]), got ${typeof paths}`);
  let n = 0;
  for (let i = 0; i < paths.length; i++) {
    const p = paths[i];
    if (!Array.isArray(p)) fail(`${name}[${i}] must be an array of [x, y] points`);
    n += p.length;
  }
  if (scratch.coords.length < 2 * n) scratch.coords = new Float64Array(Math.max(4 * n, 256));
  if (scratch.ringOffsets.length < paths.length + 1) scratch.ringOffsets = new Uint32Array(Math.max(2 * paths.length + 2, 64));
  const coords = scratch.coords;
  const ringOffsets = scratch.ringOffsets;
  ringOffsets[0] = 0;
  let k = 0;
  for (let i = 0; i < paths.length; i++) {
    const p = paths[i] as unknown[];
    for (let j = 0; j < p.length; j++) {
      const pt = p[j];
      if (!Array.isArray(pt) || pt.length < 2 || typeof pt[0] !== 'number' || typeof pt[1] !== 'number') {
        fail(`${name}[${i}][${j}] must be an [x, y] pair of numbers`);
      }
      coords[k++] = pt[0];
      coords[k++] = pt[1];
    }
    ringOffsets[i + 1] = k / 2;
  }
  return n;
}

/** The first `rings` rings of {@link scratch}'s output as `[[x, y], ...]` paths. */
export function scratchToPaths(rings: number): Paths {
  const out: Paths = [];
  const coords = scratch.outCoords;
  const ringOffsets = scratch.outRingOffsets;
  for (let r = 0; r < rings; r++) {
    const end = ringOffsets[r + 1]!;
    const path: Path = [];
    for (let i = ringOffsets[r]!; i < end; i++) path.push([coords[2 * i]!, coords[2 * i + 1]!]);
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
