/**
 * Boolean operations on `[[x, y], ...]` paths (subject and clip are each a list of rings; holes
 * by orientation or fill rule). Results are the cleaned outer rings and holes, Clipper-oriented.
 * Each has an `…Async` form that runs the sweep on a libuv pool thread (for large inputs: the
 * sweep is O(n log n) and takes milliseconds for thousands of vertices).
 */
import { flatToPaths, pathsToFlat } from './flat';
import { type NativeBooleanSpec, geometryNative } from './native';
import { type BooleanOptions, resolveBooleanSpec } from './options';
import type { Paths } from './types';

function run(op: NativeBooleanSpec['op'], subject: Paths, clip: Paths, options?: BooleanOptions): Paths {
  const spec = resolveBooleanSpec(op, options);
  const s = pathsToFlat(subject, 'subject');
  const c = pathsToFlat(clip, 'clip');
  const res = geometryNative().geomBooleanOp(s.coords, s.ringOffsets, c.coords, c.ringOffsets, spec);
  return flatToPaths(res);
}

async function runAsync(
  op: NativeBooleanSpec['op'],
  subject: Paths,
  clip: Paths,
  options?: BooleanOptions,
): Promise<Paths> {
  // Validation errors reject the promise (they are thrown inside this async function).
  const spec = resolveBooleanSpec(op, options);
  const s = pathsToFlat(subject, 'subject');
  const c = pathsToFlat(clip, 'clip');
  const res = await geometryNative().geomBooleanOpAsync(s.coords, s.ringOffsets, c.coords, c.ringOffsets, spec);
  return flatToPaths(res);
}

/** Region inside `subject` or `clip` (`clip` may be empty: union of the subject with itself). */
export function union(subject: Paths, clip: Paths = [], options?: BooleanOptions): Paths {
  return run('union', subject, clip, options);
}

/** Region inside both `subject` and `clip`. */
export function intersection(subject: Paths, clip: Paths, options?: BooleanOptions): Paths {
  return run('intersection', subject, clip, options);
}

/** Region inside `subject` but not `clip`. */
export function difference(subject: Paths, clip: Paths, options?: BooleanOptions): Paths {
  return run('difference', subject, clip, options);
}

/** Region inside exactly one of `subject` and `clip`. */
export function xor(subject: Paths, clip: Paths, options?: BooleanOptions): Paths {
  return run('xor', subject, clip, options);
}

/** {@link union} on a worker thread. */
export function unionAsync(subject: Paths, clip: Paths = [], options?: BooleanOptions): Promise<Paths> {
  return runAsync('union', subject, clip, options);
}

/** {@link intersection} on a worker thread. */
export function intersectionAsync(subject: Paths, clip: Paths, options?: BooleanOptions): Promise<Paths> {
  return runAsync('intersection', subject, clip, options);
}

/** {@link difference} on a worker thread. */
export function differenceAsync(subject: Paths, clip: Paths, options?: BooleanOptions): Promise<Paths> {
  return runAsync('difference', subject, clip, options);
}

/** {@link xor} on a worker thread. */
export function xorAsync(subject: Paths, clip: Paths, options?: BooleanOptions): Promise<Paths> {
  return runAsync('xor', subject, clip, options);
}
