/**
 * Turns zod validation failures into one {@link OcrPerfkitRangeError} (`ERR_INVALID_CONFIG`) whose
 * message names the key (dotted path), the value found and what was expected.
 */
import type { z } from 'zod';
import { OcrPerfkitRangeError } from '../errors';

/** Renders a value for an error message (short, JSON-ish, never throws). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return 'a function';
  try {
    const s = JSON.stringify(value);
    if (s !== undefined) return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    // a cycle, a BigInt inside, a throwing toJSON: described below
  }
  try {
    return String(value);
  } catch {
    // e.g. an object whose prototype is a Date or a typed array: their toString rejects it
    return Object.prototype.toString.call(value);
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** Dotted form of a zod issue path, prefixed with `where` (e.g. `callbacks.throughputMonitor.logInterval`). */
export function dottedPath(where: string, path: readonly PropertyKey[]): string {
  const parts = path.map((p) => String(p));
  if (where) parts.unshift(where);
  return parts.length > 0 ? parts.join('.') : '(root)';
}

/** Keeps the "expected ..." part of a zod message (drops "Invalid input:" and ", received x"). */
function expectation(message: string): string {
  const i = message.indexOf('expected');
  if (i < 0) return `expected: ${message}`;
  return message.slice(i).replace(/, received [^,;]*$/, '');
}

/**
 * Parses `input` with `schema`; on failure throws `OcrPerfkitRangeError` with code
 * `ERR_INVALID_CONFIG` listing every issue as `key: got <value>, expected <what>`.
 */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, where = ''): z.output<S> {
  const res = schema.safeParse(input);
  if (res.success) return res.data;
  const lines = res.error.issues.map((issue) => {
    const key = dottedPath(where, issue.path);
    const got = describeValue(valueAt(input, issue.path));
    if (issue.code === 'unrecognized_keys') {
      const keys = (issue as { keys?: string[] }).keys ?? [];
      return `${key}: unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`;
    }
    return `${key}: got ${got}, ${expectation(issue.message)}`;
  });
  throw new OcrPerfkitRangeError(`invalid config: ${lines.join('; ')}`, 'ERR_INVALID_CONFIG');
}

/**
 * A constructor's options argument, checked before its non-config members (functions, handles)
 * are split off from the config keys: `undefined` gives `{}`, anything but a plain object throws
 * `OcrPerfkitRangeError` `ERR_INVALID_CONFIG` as {@link parseConfig} would (`where: got null,
 * expected object`), instead of a TypeError from destructuring or a silently ignored value.
 */
export function configObject<T extends object>(options: T | undefined, where: string): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new OcrPerfkitRangeError(
      `invalid config: ${where || '(root)'}: got ${describeValue(options)}, expected object`,
      'ERR_INVALID_CONFIG',
    );
  }
  return options;
}
