import { dropCache, getCache } from '../../src/cache';
import { isOcrPerfkitError, OcrPerfkitRangeError, OcrPerfkitTypeError } from '../../src/errors';
import { uniqueName } from './helpers';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(isOcrPerfkitError(err)).toBe(true);
    return (err as { code: string }).code;
  }
  return undefined;
}

describe('bad input gives typed errors with codes', () => {
  const name = uniqueName('errors');
  const c = getCache(name, { maxBytes: 1 << 16 });
  afterAll(() => dropCache(name));

  test.each([
    [{ maxBytes: -1 }],
    [{ maxBytes: 0 }],
    [{ maxBytes: 1.5 }],
    [{ maxBytes: Number.POSITIVE_INFINITY }],
    [{ maxEntries: -5 }],
    [{ maxEntrySize: -1 }],
    [{ ttl: -1 }],
    [{ ttl: Number.NaN }],
    [{ shards: 3 }],
    [{ shards: 2048 }],
    [{ maxBytes: 100, maxEntrySize: 200 }],
    [{ eviction: 'fifo' }],
  ])('unacceptable option values %j -> ERR_OUT_OF_RANGE', (opts) => {
    expect(codeOf(() => getCache(uniqueName('bad'), opts as never))).toBe('ERR_OUT_OF_RANGE');
  });

  test.each([[{ maxBytes: '1MB' }], [{ unknownOption: 1 }], [{ shards: true }]])(
    'wrong option types or unknown keys %j -> ERR_INVALID_ARGUMENT',
    (opts) => {
      expect(codeOf(() => getCache(uniqueName('bad'), opts as never))).toBe('ERR_INVALID_ARGUMENT');
    },
  );

  test('bad names', () => {
    expect(codeOf(() => getCache(''))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => getCache(5 as never))).toBe('ERR_INVALID_ARGUMENT');
  });

  test('non-finite keys -> RangeError ERR_INVALID_KEY', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(codeOf(() => c.get([1, bad], 't'))).toBe('ERR_INVALID_KEY');
      expect(codeOf(() => c.get(new Float64Array([bad]), 't'))).toBe('ERR_INVALID_KEY');
      expect(codeOf(() => c.set(new Float64Array([bad]), 't', new Uint8Array(1)))).toBe('ERR_INVALID_KEY');
      expect(codeOf(() => c.has([bad], 't'))).toBe('ERR_INVALID_KEY');
    }
    try {
      c.get([Number.NaN], 't');
    } catch (err) {
      expect(err).toBeInstanceOf(OcrPerfkitRangeError);
    }
  });

  test('wrong key, tag and value types -> TypeError ERR_INVALID_ARGUMENT', () => {
    const badKeys: unknown[] = ['1,2', 5, null, undefined, {}, new Float32Array([1]), new Int32Array([1]), ['1']];
    for (const k of badKeys) {
      expect(codeOf(() => c.get(k as never, 't'))).toBe('ERR_INVALID_ARGUMENT');
      expect(codeOf(() => c.set(k as never, 't', new Uint8Array(1)))).toBe('ERR_INVALID_ARGUMENT');
    }
    for (const t of [5, null, undefined, {}, Symbol('x')]) {
      expect(codeOf(() => c.get([1], t as never))).toBe('ERR_INVALID_ARGUMENT');
    }
    const badValues: unknown[] = [5, 'x', null, undefined, {}, [1, 2], [new Uint8Array(1), 3], new DataView(new ArrayBuffer(4))];
    for (const v of badValues) {
      expect(codeOf(() => c.set([1], 't', v as never))).toBe('ERR_INVALID_ARGUMENT');
    }
    expect(codeOf(() => c.getOrCompute([1], 't', 5 as never))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => c.getOrCompute([1], 'x', () => 5 as never))).toBe('ERR_INVALID_ARGUMENT');
    try {
      c.get('x' as never, 't');
    } catch (err) {
      expect(err).toBeInstanceOf(OcrPerfkitTypeError);
    }
    expect(c.stats().entries).toBe(0);
  });

  test('native handle methods validate their own arguments too', () => {
    const h = c.nativeHandle;
    expect(codeOf(() => (h.get as (...a: unknown[]) => unknown)())).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => (h.set as (...a: unknown[]) => unknown)(new Float64Array(1), 't'))).toBe('ERR_INVALID_ARGUMENT');
    // A foreign `this` is refused with an error (node-addon-api's unwrap check), not a crash.
    expect(() => h.get.call({} as never, new Float64Array(1), 't')).toThrow();
  });
});
