/** Conversion of user keys (`Float64Array` or `number[]`) to the native key form. */
import { OcrPerfkitRangeError, OcrPerfkitTypeError } from '../errors';

/** A cache key: exact coordinates (compared bit for bit: `0` and `-0` differ). */
export type CacheKey = Float64Array | readonly number[];

/** Returns `key` as a Float64Array (copies a `number[]` once); throws on bad input. */
export function toNativeKey(key: CacheKey): Float64Array {
  if (key instanceof Float64Array) return key;
  if (!Array.isArray(key)) {
    throw new OcrPerfkitTypeError('key must be a Float64Array or an array of numbers', 'ERR_INVALID_ARGUMENT');
  }
  const n = key.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = key[i];
    if (typeof v !== 'number') {
      throw new OcrPerfkitTypeError(`key[${i}] must be a number, got ${typeof v}`, 'ERR_INVALID_ARGUMENT');
    }
    if (!Number.isFinite(v)) {
      throw new OcrPerfkitRangeError(`key coordinates must be finite numbers; key[${i}] is ${v}`, 'ERR_INVALID_KEY');
    }
    out[i] = v;
  }
  return out;
}
