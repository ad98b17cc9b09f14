/** zod helpers shared by the targets API: parse an options object or throw a coded error. */
import type { z } from 'zod';
import { OcrPerfkitRangeError, OcrPerfkitTypeError } from '../errors';

/**
 * Parses `value` with `schema`. Wrong types (and unknown keys) throw `OcrPerfkitTypeError` with
 * `ERR_INVALID_ARGUMENT`; values out of range throw `OcrPerfkitRangeError` with `ERR_OUT_OF_RANGE`.
 */
export function parseOptions<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${what}.${issue.path.join('.')}` : what;
  const message = `${where}: ${issue?.message ?? 'invalid value'}`;
  const typeLike = issue?.code === 'invalid_type' || issue?.code === 'unrecognized_keys';
  if (typeLike) throw new OcrPerfkitTypeError(message, 'ERR_INVALID_ARGUMENT');
  throw new OcrPerfkitRangeError(message, 'ERR_OUT_OF_RANGE');
}
