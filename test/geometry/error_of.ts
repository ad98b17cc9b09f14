/** Test helper: runs `fn`, expects an ocr-perfkit error, and returns its name, code and message. */
import { isOcrPerfkitError } from '../../src/errors';

export function errorOf(fn: () => unknown): { name: string; code: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(isOcrPerfkitError(err)).toBe(true);
    const e = err as Error & { code: string };
    return { name: e.name, code: e.code, message: e.message };
  }
  throw new Error('expected a throw');
}
