import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32c, maskedCrc32c } from '../../src/loggers/tensorboard/crc32c';
import { TensorBoardLogger } from '../../src/loggers/tensorboard/writer';

// ---- An independent reader: bitwise CRC-32C, a generic protobuf walker, TFRecord unframing ----

function refCrc32c(bytes: Uint8Array): number {
  let crc = ~0 >>> 0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? ((crc >>> 1) ^ 0x82f63b78) >>> 0 : crc >>> 1;
  }
  return ~crc >>> 0;
}
function refMask(crc: number): number {
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
interface DecodedEvent {
  wallTime?: number;
  step: bigint;
  fileVersion?: string;
  values: Array<{ tag: string; value: number }>;
}
function decodeEvent(b: Buffer): DecodedEvent {
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
function readRecords(file: string): Buffer[] {
  const b = fs.readFileSync(file);
  const out: Buffer[] = [];
  let i = 0;
  while (i < b.length) {
    const len = Number(b.readBigUInt64LE(i));
    expect(b.readUInt32LE(i + 8)).toBe(refMask(refCrc32c(b.subarray(i, i + 8))));
    const data = b.subarray(i + 12, i + 12 + len);
    expect(b.readUInt32LE(i + 12 + len)).toBe(refMask(refCrc32c(data)));
    out.push(data);
    i += 16 + len;
  }
  expect(i).toBe(b.length);
  return out;
}

describe('CRC-32C', () => {
  test('matches the standard check value and the bitwise reference', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7919) & 0xff));
    expect(crc32c(data)).toBe(refCrc32c(data));
    expect(maskedCrc32c(data)).toBe(refMask(refCrc32c(data)));
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });
});

describe('TensorBoardLogger', () => {
  test('writes a TFRecord event file TensorBoard can read (checked by an independent decoder)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opk-tb-'));
    const tb = new TensorBoardLogger({ logDir: path.join(dir, 'run1') });
    expect(path.basename(tb.file)).toMatch(new RegExp(`^events\\.out\\.tfevents\\.\\d{10}\\.${os.hostname().replace(/\./g, '\\.')}$`));
    const t0 = Date.now() / 1000;
    tb.logMetrics({ loss: 0.5, 'performance/val_batch_mean': 12.25 }, 1);
    tb.logMetrics({ loss: Number.NaN, inf: Number.POSITIVE_INFINITY, ninf: Number.NEGATIVE_INFINITY }, 2);
    tb.logMetrics({ big: 1e10 }, 2 ** 40);
    tb.logMetrics({ neg: -1 }, -3);
    await tb.flush();
    await tb.close();
    const recs = readRecords(tb.file).map(decodeEvent);
    expect(recs).toHaveLength(5);
    expect(recs[0]!.fileVersion).toBe('brain.Event:2');
    expect(recs[1]!.step).toBe(1n);
    expect(recs[1]!.values).toEqual([
      { tag: 'loss', value: 0.5 },
      { tag: 'performance/val_batch_mean', value: 12.25 },
    ]);
    expect(recs[1]!.wallTime!).toBeGreaterThanOrEqual(t0 - 1);
    expect(recs[2]!.values[0]!.value).toBeNaN();
    expect(recs[2]!.values[1]!.value).toBe(Number.POSITIVE_INFINITY);
    expect(recs[2]!.values[2]!.value).toBe(Number.NEGATIVE_INFINITY);
    expect(recs[3]!.step).toBe(2n ** 40n);
    expect(recs[3]!.values[0]!.value).toBe(Math.fround(1e10));
    expect(recs[4]!.step).toBe(-3n);
    // close is idempotent, logging after close is ignored
    await tb.close();
    tb.logMetrics({ x: 1 }, 9);
  });

  test('bad options name the key', () => {
    expect(() => new TensorBoardLogger({ logDir: '' })).toThrow(/loggers\.tensorboard\.logDir: got ""/);
  });
});
