/**
 * Fast path of `get`/`peek`: native code copies a hit into this thread's slab, a JS-owned
 * ArrayBuffer, and JS turns it into typed arrays without any ArrayBuffer created through N-API
 * (the dominant cost of a `get` otherwise). Layout at the offset held in the slab's first u32
 * (see native/binding/cache_convert.h): u32 isList, u32 count, then (type, length) per array;
 * payloads follow, each 8-byte aligned.
 *
 * Each array comes back either as an on-heap copy (`slice`, for arrays of at most 64 bytes:
 * V8 keeps those on its heap, and the slab bytes can be reused by the next call) or as a view
 * on the slab (`new Float64Array(slab, offset, n)`). A region handed out as a view is never
 * written again: the offset moves past it, and when the slab runs low a new one is allocated.
 * So every result is the caller's own copy and stays valid forever. Like Node's `Buffer` pool,
 * a view keeps its whole slab (`SLAB_BYTES`) alive; its `.buffer` is that shared slab.
 *
 * A new slab costs about 30 ns per `get` of a 192-byte value (200 -> 170 ns in a loop of hits
 * when, wrongly, no slab was ever renewed): its zeroed allocation, page faults and the freeing
 * of the old one. Measured and dropped: slabs from a native pool as external ArrayBuffers whose
 * finalizer gives the memory back. Node 20 runs those finalizers from the event loop, never
 * during a synchronous loop, so the pool never refilled there and every slab was fresh memory
 * (~1,000 ns per get).
 */
import type { CacheTypedArray, CacheValue } from './native';

/** Size of one slab. */
export const SLAB_BYTES = 64 * 1024;
/** Largest header + payload that native code writes into a slab (native kSlabMaxValueBytes). */
export const SLAB_MAX_VALUE_BYTES = 4096;
/** Arrays up to this many bytes come back as on-heap copies rather than slab views. */
const ON_HEAP_MAX_BYTES = 64;

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
const SIZES: readonly number[] = CTORS.map((C) => C.BYTES_PER_ELEMENT);

/** One slab and its typed views (one current slab per JS thread: module state is per thread). */
export class Slab {
  /** The slab native code writes into (pass to the native get/peek). */
  buffer = new ArrayBuffer(SLAB_BYTES);
  private u32 = new Uint32Array(this.buffer);
  private views: CacheTypedArray[] = CTORS.map((C) => new C(this.buffer));

  constructor() {
    this.u32[0] = 8; // first free byte; bytes 0..7 hold this offset
  }

  /** Makes sure the next native call has room for a value of up to SLAB_MAX_VALUE_BYTES. */
  ready(): ArrayBuffer {
    // A detached slab (someone transferred a view's .buffer) reads as byteLength 0.
    if (this.buffer.byteLength === 0 || this.u32[0]! + SLAB_MAX_VALUE_BYTES > SLAB_BYTES) this.renew();
    return this.buffer;
  }

  private renew(): void {
    this.buffer = new ArrayBuffer(SLAB_BYTES);
    this.u32 = new Uint32Array(this.buffer);
    this.views = CTORS.map((C) => new C(this.buffer));
    this.u32[0] = 8;
  }

  private take(type: number, byteOffset: number, length: number): CacheTypedArray {
    const bytes = length * SIZES[type]!;
    if (bytes <= ON_HEAP_MAX_BYTES) {
      const start = byteOffset / SIZES[type]!;
      return this.views[type]!.slice(start, start + length);
    }
    return new CTORS[type]!(this.buffer, byteOffset, length);
  }

  /** Decodes the value native code just wrote at the current offset. */
  read(): CacheValue {
    const u32 = this.u32;
    const base = u32[0]!;
    const h = base >>> 2;
    const count = u32[h + 1]!;
    let offset = base + ((8 + 8 * count + 7) & ~7);
    let keep = false; // whether some array is a view: then its bytes must never be reused
    let result: CacheValue;
    if (u32[h] === 0) {
      const type = u32[h + 2]!;
      const length = u32[h + 3]!;
      result = this.take(type, offset, length);
      offset += length * SIZES[type]!;
      keep = length * SIZES[type]! > ON_HEAP_MAX_BYTES;
    } else {
      const out: CacheTypedArray[] = new Array(count);
      for (let i = 0; i < count; i++) {
        const type = u32[h + 2 + 2 * i]!;
        const length = u32[h + 3 + 2 * i]!;
        offset = (offset + 7) & ~7;
        out[i] = this.take(type, offset, length);
        const bytes = length * SIZES[type]!;
        if (bytes > ON_HEAP_MAX_BYTES) keep = true;
        offset += bytes;
      }
      result = out;
    }
    if (keep) u32[0] = (offset + 7) & ~7;
    return result;
  }
}

let slab: Slab | undefined;

/** This thread's slab. */
export function threadSlab(): Slab {
  if (slab === undefined) slab = new Slab();
  return slab;
}

/** Turns a native get/peek result (`1` = written into the slab) into the value. */
export function decodeSlabResult(r: number | CacheValue | undefined, s: Slab): CacheValue | undefined {
  if (r === undefined) return undefined;
  if (typeof r === 'number') return s.read();
  return r;
}
