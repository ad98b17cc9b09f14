/**
 * Minimal protobuf encoder for the few TensorFlow messages an event file needs:
 *
 * ```
 * Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 * Summary { repeated Value value = 1; }
 * Value   { string tag = 1; float simple_value = 2; }
 * ```
 */

/** Growable byte buffer with protobuf primitives. */
export class ProtoWriter {
  private buf: Uint8Array;
  private view: DataView;
  /** Bytes written. */
  length = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Unsigned varint; `v` must be an integer in [0, 2^53). */
  varint(v: number): this {
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
    return this;
  }

  /** int64 as protobuf encodes it (negative values as 10-byte two's complement). */
  int64(v: number): this {
    if (v >= 0) return this.varint(v);
    let b = BigInt.asUintN(64, BigInt(v));
    this.ensure(10);
    while (b >= 0x80n) {
      this.buf[this.length++] = Number(b & 0x7fn) | 0x80;
      b >>= 7n;
    }
    this.buf[this.length++] = Number(b);
    return this;
  }

  tag(field: number, wire: 0 | 1 | 2 | 5): this {
    return this.varint(field * 8 + wire);
  }

  double(field: number, v: number): this {
    this.tag(field, 1);
    this.ensure(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
    return this;
  }

  float(field: number, v: number): this {
    this.tag(field, 5);
    this.ensure(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2).varint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, Buffer.from(s, 'utf8'));
  }

  /** The bytes written (a view, valid until the next write). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** Encodes `Summary.Value { tag, simple_value }`. */
function encodeValue(tag: string, value: number): Uint8Array {
  return new ProtoWriter(tag.length + 16).string(1, tag).float(2, value).finish().slice();
}

/** Encodes an `Event` carrying a scalar `Summary` with one value per entry of `scalars`. */
export function encodeScalarEvent(wallTime: number, step: number, scalars: Readonly<Record<string, number>>): Uint8Array {
  const summary = new ProtoWriter();
  for (const k in scalars) summary.bytes(1, encodeValue(k, scalars[k] as number));
  const ev = new ProtoWriter(summary.length + 32);
  ev.double(1, wallTime).tag(2, 0).int64(Math.trunc(step)).bytes(5, summary.finish());
  return ev.finish().slice();
}

/** Encodes the first `Event` of a file: `file_version: "brain.Event:2"`. */
export function encodeFileVersionEvent(wallTime: number): Uint8Array {
  return new ProtoWriter(48).double(1, wallTime).string(3, 'brain.Event:2').finish().slice();
}
