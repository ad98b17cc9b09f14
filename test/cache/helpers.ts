/** Shared helpers of the cache tests. */
import { addonLocation } from '../../src/native';

let counter = 0;

/** A cache name unique to this test process and call. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Absolute path of the compiled addon the tests use (for worker threads). */
export function addonPath(): string {
  return addonLocation().file;
}

/** A deterministic value derived from a key, to check that a hit returns the right value. */
export function valueFor(key: Float64Array): Float64Array {
  const out = new Float64Array(key.length + 1);
  let sum = 0;
  for (let i = 0; i < key.length; i++) {
    out[i] = key[i]! * 2 + 1;
    sum += key[i]!;
  }
  out[key.length] = sum;
  return out;
}

/**
 * `Float32Array`, `Uint8Array`, ... of a value. Native code creates typed arrays in the main
 * realm while jest runs tests in a vm context, so `instanceof` cannot be used across them.
 */
export function typeName(v: unknown): string {
  return Object.prototype.toString.call(v).slice(8, -1);
}
