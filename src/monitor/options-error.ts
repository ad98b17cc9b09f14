/**
 * Turns a zod failure into an ocr-perfkit error: a wrong type or unknown key is an
 * {@link OcrPerfkitTypeError} (`ERR_INVALID_ARGUMENT`), a value out of range an
 * {@link OcrPerfkitRangeError} (`ERR_OUT_OF_RANGE`).
 */
import type { z } from 'zod';
import { OcrPerfkitRangeError, OcrPerfkitTypeError } from '../errors';

export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue && issue.path.length > 0 ? `.${issue.path.join('.')}` : '';
  const message = `${what}${where}: ${issue?.message ?? 'invalid options'}`;
  const rangeCodes = new Set(['too_small', 'too_big', 'not_multiple_of', 'custom', 'invalid_format']);
  if (issue && rangeCodes.has(issue.code)) throw new OcrPerfkitRangeError(message, 'ERR_OUT_OF_RANGE');
  throw new OcrPerfkitTypeError(message, 'ERR_INVALID_ARGUMENT');
}
