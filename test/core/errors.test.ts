import { OcrPerfkitError, OcrPerfkitRangeError, OcrPerfkitTypeError, getNative, isOcrPerfkitError } from '../../src';

describe('native errors map onto the JS error classes with stable codes', () => {
  const native = getNative();

  it.each([
    ['type', OcrPerfkitTypeError, TypeError, 'ERR_INVALID_ARGUMENT'],
    ['range', OcrPerfkitRangeError, RangeError, 'ERR_OUT_OF_RANGE'],
    ['status', OcrPerfkitError, Error, 'ERR_NVML_UNAVAILABLE'],
    ['std', OcrPerfkitError, Error, 'ERR_INTERNAL'],
    ['alloc', OcrPerfkitRangeError, RangeError, 'ERR_OUT_OF_MEMORY'],
  ] as const)('%s', (kind, cls, base, code) => {
    let caught: unknown;
    try {
      native.debugThrow(kind);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(cls);
    expect(caught).toBeInstanceOf(base);
    expect((caught as { code: string }).code).toBe(code);
    expect(isOcrPerfkitError(caught, code)).toBe(true);
  });

  it('argument readers name the argument and the type received', () => {
    expect(() => native.debugThrow(42 as unknown as string)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: 'kind must be a string, got a number' }),
    );
    expect(() => native.probeLibrary('x' as unknown as string[])).toThrow(OcrPerfkitTypeError);
  });

  it('probeLibrary reports a missing library without throwing', () => {
    const r = native.probeLibrary(['libdefinitely-not-here-ocr-perfkit.so']);
    expect(r.ok).toBe(false);
    expect(r.error).toContain('libdefinitely-not-here-ocr-perfkit.so');
    const libc = native.probeLibrary(['libc.so.6']);
    expect(libc).toEqual({ ok: true, path: 'libc.so.6' });
  });

  it('buildInfo describes a build without FMA contraction', () => {
    const info = native.buildInfo();
    expect(info.version).toBe(require('../../package.json').version);
    expect(info.fmaContraction).toBe(false);
    expect(info.napiVersion).toBe(8);
  });
});
