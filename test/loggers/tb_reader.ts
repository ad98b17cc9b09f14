/**
 * An independent TensorBoard event-file reader for tests: bitwise CRC-32C (no table), a generic
 * protobuf walker and TFRecord unframing that checks both masked CRCs of every record.
 */
import * as fs from 'node:fs';

export function refCrc32c(bytes: Uint8Array): number {
  let crc = ~0 >>> 0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? ((crc >>> 1) ^ 0x82f63b78) >>> 0 : crc >>> 1;
  }
  return ~crc >>> 0;
}
export function refMask(crc: number): number {
  const rot = ((crc >>> 15) | ((crc << 17) >>> 0)) >>> 0;
  return Number((BigInt(rot) + 0xa282ead8n) % 2n ** 32n);
}

type Field = { no: number; wire: number; value: bigint | Buffer };
function readVarint(b: Buffer, pos: { i: number }): bigint {
  let r = 0n;
  let shift = 0n;
  for (;;) {
    const byte = b[pos.i++]!;
    r |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return r;
    shift += 7n;
  }
}
function fields(b: Buffer): Field[] {
  const out: Field[] = [];
  const pos = { i: 0 };
  while (pos.i < b.length) {
    const key = Number(readVarint(b, pos));
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, wire, value: readVarint(b, pos) });
    else if (wire === 1) {
      out.push({ no, wire, value: b.subarray(pos.i, pos.i + 8) });
      pos.i += 8;
    } else if (wire === 5) {
      out.push({ no, wire, value: b.subarray(pos.i, pos.i + 4) });
      pos.i += 4;
    } else if (wire === 2) {
      const len = Number(readVarint(b, pos));
      out.push({ no, wire, value: b.subarray(pos.i, pos.i + len) });
      pos.i += len;
    } else throw new Error(`wire type ${wire}`);
  }
  return out;
}
export interface DecodedEvent {
  wallTime?: number;
  step: bigint;
  fileVersion?: string;
  values: Array<{ tag: string; value: number }>;
}
export function decodeEvent(b: Buffer): DecodedEvent {
  const ev: DecodedEvent = { step: 0n, values: [] };
  for (const f of fields(b)) {
    if (f.no === 1) ev.wallTime = (f.value as Buffer).readDoubleLE(0);
    else if (f.no === 2) ev.step = BigInt.asIntN(64, f.value as bigint);
    else if (f.no === 3) ev.fileVersion = (f.value as Buffer).toString('utf8');
    else if (f.no === 5) {
      for (const v of fields(f.value as Buffer)) {
        if (v.no !== 1) continue;
        let tag = '';
        let value = Number.NaN;
        for (const vf of fields(v.value as Buffer)) {
          if (vf.no === 1) tag = (vf.value as Buffer).toString('utf8');
          if (vf.no === 2) value = (vf.value as Buffer).readFloatLE(0);
        }
        ev.values.push({ tag, value });
      }
    }
  }
  return ev;
}
export function readRecords(file: string): Buffer[] {
  const b = fs.readFileSync(file);
  const out: Buffer[] = [];
  let i = 0;
  while (i < b.length) {
    const len = Number(b.readBigUInt64LE(i));
    if (b.readUInt32LE(i + 8) !== refMask(refCrc32c(b.subarray(i, i + 8)))) throw new Error(`bad length CRC at ${i}`);
    const data = b.subarray(i + 12, i + 12 + len);
    if (b.readUInt32LE(i + 12 + len) !== refMask(refCrc32c(data))) throw new Error(`bad data CRC at ${i}`);
    out.push(data);
    i += 16 + len;
  }
  if (i !== b.length) throw new Error('trailing bytes');
  return out;
}

