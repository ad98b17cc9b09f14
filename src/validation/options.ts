/**
 * Parsing of API option objects (function arguments) with zod, shared by every area: a wrong
 * type or unknown key is a TypeError, an unacceptable value a RangeError. Config files use
 * `parseConfig` (src/config/validate.ts) instead, whose errors carry `ERR_INVALID_CONFIG`.
 */
import type { z } from 'zod';
import { OcrPerfkitRangeError, OcrPerfkitTypeError } from '../errors';

/**
 * Parses `value` with `schema`. Wrong types (and unknown keys) throw `OcrPerfkitTypeError` with
 * `ERR_INVALID_ARGUMENT`; unacceptable numbers (out of range, NaN, fractional) and enum values
 * throw `OcrPerfkitRangeError` with `ERR_OUT_OF_RANGE`.
 */
export function parseOptions<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${what}.${issue.path.join('.')}` : what;
  const message = `${where}: ${issue?.message ?? 'invalid value'}`;
  // A number that is not acceptable (NaN, fractional where an integer is needed) is a range
  // problem, not a type problem, even though zod reports it as `invalid_type`.
  const expected = (issue as { expected?: string } | undefined)?.expected;
  const badNumber =
    typeof valueAt(value, issue?.path ?? []) === 'number' && (expected === 'number' || expected === 'int');
  const typeLike = (issue?.code === 'invalid_type' && !badNumber) || issue?.code === 'unrecognized_keys';
  if (typeLike) throw new OcrPerfkitTypeError(message, 'ERR_INVALID_ARGUMENT');
  throw new OcrPerfkitRangeError(message, 'ERR_OUT_OF_RANGE');
}

function valueAt(root: unknown, p: ReadonlyArray<PropertyKey>): unknown {
  let v: unknown = root;
  for (const k of p) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}
