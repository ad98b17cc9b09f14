/**
 * Fast path of `get`/`peek`: native code copies a hit into a per-thread scratch ArrayBuffer and
 * JS copies it out with one `slice` per array, which is cheaper than creating ArrayBuffers
 * through N-API. Layout (see native/binding/cache_convert.h): u32[0] = isList, u32[1] = count,
 * then (type, length) per array; payloads follow, each 8-byte aligned.
 */
import type { CacheTypedArray, CacheValue } from './native';

/** Values larger than this come back through the direct (allocating) native path. */
export const SCRATCH_BYTES = 64 * 1024;

const CTORS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as const;

/** One scratch buffer and its typed views (one per JS thread: module state is per thread). */
class Scratch {
  readonly buffer = new ArrayBuffer(SCRATCH_BYTES);
  private readonly u32 = new Uint32Array(this.buffer);
  private readonly views: CacheTypedArray[] = CTORS.map((C) => new C(this.buffer));
  private readonly sizes: number[] = CTORS.map((C) => C.BYTES_PER_ELEMENT);

  private slice(type: number, byteOffset: number, length: number): CacheTypedArray {
    const start = byteOffset / this.sizes[type]!;
    return this.views[type]!.slice(start, start + length);
  }

  /** Decodes the value native code just wrote. */
  read(): CacheValue {
    const u32 = this.u32;
    const count = u32[1]!;
    let offset = (8 + 8 * count + 7) & ~7;
    if (u32[0] === 0) return this.slice(u32[2]!, offset, u32[3]!);
    const out: CacheTypedArray[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const type = u32[2 + 2 * i]!;
      const length = u32[3 + 2 * i]!;
      offset = (offset + 7) & ~7;
      out[i] = this.slice(type, offset, length);
      offset += length * this.sizes[type]!;
    }
    return out;
  }
}

let scratch: Scratch | undefined;

/** This thread's scratch. */
export function threadScratch(): Scratch {
  if (scratch === undefined) scratch = new Scratch();
  return scratch;
}

/** Turns a `getScratch`/`peekScratch` result into the value. */
export function decodeScratchResult(r: number | CacheValue | undefined, s: Scratch): CacheValue | undefined {
  if (r === undefined) return undefined;
  if (typeof r === 'number') return s.read();
  return r;
}
