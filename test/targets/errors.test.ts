// Bad input never crashes: each case throws (or rejects with) a typed error with a stable code.
import { isOcrPerfkitError, OcrPerfkitRangeError, OcrPerfkitTypeError } from '../../src/errors';
import { makeDbTargets, makeDbTargetsBatch } from '../../src/targets';

const square: [number, number][] = [
  [10, 10],
  [40, 10],
  [40, 40],
  [10, 40],
];

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (!isOcrPerfkitError(e)) throw e;
    return `${(e as Error).constructor.name}:${e.code}`;
  }
  throw new Error('did not throw');
}

describe('makeDbTargets input errors', () => {
  const opts = { width: 64, height: 48 };
  it.each([
    ['NaN coordinate', () => makeDbTargets([[[Number.NaN, 1], [5, 5], [1, 9]]], opts), 'OcrPerfkitRangeError:ERR_INVALID_POLYGON'],
    ['infinite coordinate', () => makeDbTargets([[[Number.POSITIVE_INFINITY, 1], [5, 5], [1, 9]]], opts), 'OcrPerfkitRangeError:ERR_INVALID_POLYGON'],
    ['two points', () => makeDbTargets([[[1, 1], [5, 5]]], opts), 'OcrPerfkitRangeError:ERR_INVALID_POLYGON'],
    ['string coordinate', () => makeDbTargets([[['1', 1], [5, 5], [1, 9]]] as never, opts), 'OcrPerfkitTypeError:ERR_INVALID_ARGUMENT'],
    ['polygons not an array', () => makeDbTargets(42 as never, opts), 'OcrPerfkitTypeError:ERR_INVALID_ARGUMENT'],
    ['options missing', () => makeDbTargets([square], undefined as never), 'OcrPerfkitTypeError:ERR_INVALID_ARGUMENT'],
    ['zero width', () => makeDbTargets([square], { width: 0, height: 10 }), 'OcrPerfkitRangeError:ERR_OUT_OF_RANGE'],
    ['negative height', () => makeDbTargets([square], { width: 10, height: -3 }), 'OcrPerfkitRangeError:ERR_OUT_OF_RANGE'],
    ['fractional width', () => makeDbTargets([square], { width: 10.5, height: 10 }), 'OcrPerfkitRangeError:ERR_OUT_OF_RANGE'],
    ['huge side', () => makeDbTargets([square], { width: 2 ** 31, height: 10 }), 'OcrPerfkitRangeError:ERR_OUT_OF_RANGE'],
    ['width*height overflow', () => makeDbTargets([square], { width: 65536, height: 65536 }), 'OcrPerfkitRangeError:ERR_OUT_OF_RANGE'],
    ['bad shrinkRatio', () => makeDbTargets([square], { ...opts, shrinkRatio: 1.5 }), 'OcrPerfkitRangeError:ERR_OUT_OF_RANGE'],
    ['NaN threshMin', () => makeDbTargets([square], { ...opts, threshMin: Number.NaN }), 'OcrPerfkitRangeError:ERR_OUT_OF_RANGE'],
    ['unknown mode', () => makeDbTargets([square], { ...opts, mode: 'fast' as never }), 'OcrPerfkitRangeError:ERR_OUT_OF_RANGE'],
    ['unknown option', () => makeDbTargets([square], { ...opts, widht: 3 } as never), 'OcrPerfkitTypeError:ERR_INVALID_ARGUMENT'],
    ['output map of the wrong length', () => makeDbTargets([square], { ...opts, out: { threshMap: new Float32Array(10) } }), 'OcrPerfkitRangeError:ERR_BUFFER_SIZE'],
    ['ignore tags of the wrong length', () => makeDbTargets([square], { ...opts, out: { ignoreTags: new Uint8Array(3) } }), 'OcrPerfkitRangeError:ERR_BUFFER_SIZE'],
    ['output of the wrong type', () => makeDbTargets([square], { ...opts, out: { shrinkMap: new Float64Array(64 * 48) as never } }), 'OcrPerfkitTypeError:ERR_INVALID_ARGUMENT'],
    ['flat: offsets past the points', () => makeDbTargets({ xy: new Float64Array(6), offsets: Uint32Array.of(0, 4) }, opts), 'OcrPerfkitRangeError:ERR_INVALID_POLYGON'],
    ['flat: decreasing offsets', () => makeDbTargets({ xy: new Float64Array(12), offsets: Uint32Array.of(0, 4, 3, 6) }, opts), 'OcrPerfkitRangeError:ERR_INVALID_POLYGON'],
    ['flat: odd coordinate count', () => makeDbTargets({ xy: new Float64Array(7), offsets: Uint32Array.of(0, 3) }, opts), 'OcrPerfkitRangeError:ERR_BUFFER_SIZE'],
    ['flat: ignore of the wrong length', () => makeDbTargets({ xy: new Float64Array(6), offsets: Uint32Array.of(0, 3), ignore: new Uint8Array(2) }, opts), 'OcrPerfkitRangeError:ERR_BUFFER_SIZE'],
    ['flat: offsets not Uint32Array', () => makeDbTargets({ xy: new Float64Array(6), offsets: [0, 3] as never }, opts), 'OcrPerfkitTypeError:ERR_INVALID_ARGUMENT'],
  ])('%s', (_name, fn, code) => {
    expect(codeOf(fn)).toBe(code);
  });

  it('accepts coordinates far outside the image (clamped) and empty polygon lists', () => {
    const r = makeDbTargets([[[-1e12, -5], [1e12, -5], [1e12, 1e9], [-1e12, 1e9]]], { width: 32, height: 16 });
    expect(Array.from(r.ignoreTags)).toEqual([0]);
    expect(r.threshMap.every((v) => Number.isFinite(v))).toBe(true);
    const e = makeDbTargets([], { width: 8, height: 8, mode: 'reference' });
    expect(e.shrinkMask.every((v) => v === 1)).toBe(true);
    expect(e.threshMap.every((v) => v === Math.fround(0.3))).toBe(true);
  });

  it('error classes are the package classes', () => {
    expect(() => makeDbTargets([square], { width: 0, height: 1 })).toThrow(OcrPerfkitRangeError);
    expect(() => makeDbTargets(42 as never, { width: 1, height: 1 })).toThrow(OcrPerfkitTypeError);
  });
});

describe('makeDbTargetsBatch errors', () => {
  it('rejects (never throws synchronously) with the coded error', async () => {
    const p = makeDbTargetsBatch([{ polygons: [square], options: { width: 0, height: 8 } }]);
    await expect(p).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(makeDbTargetsBatch('x' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(makeDbTargetsBatch([null as never])).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(
      makeDbTargetsBatch([{ polygons: [square], options: { width: 64, height: 64 } }], { threads: -1 }),
    ).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
  });
});
