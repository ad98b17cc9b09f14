import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32c, maskedCrc32c } from '../../src/loggers/tensorboard/crc32c';
import { TensorBoardLogger } from '../../src/loggers/tensorboard/writer';
import { makeTempDir } from '../tmp-dir';
import { decodeEvent, readRecords, refCrc32c, refMask } from './tb_reader';

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
    const dir = makeTempDir('tb');
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
    // The reader really checks the CRCs: flip one payload byte and it refuses the file.
    const corrupt = path.join(dir, 'corrupt');
    const bytes = fs.readFileSync(tb.file);
    bytes[bytes.length - 6] = bytes[bytes.length - 6]! ^ 0xff;
    fs.writeFileSync(corrupt, bytes);
    expect(() => readRecords(corrupt)).toThrow(/bad data CRC/);
    // close is idempotent, logging after close is ignored
    await tb.close();
    tb.logMetrics({ x: 1 }, 9);
  });

  test('bad options name the key', () => {
    expect(() => new TensorBoardLogger({ logDir: '' })).toThrow(/loggers\.tensorboard\.logDir: got ""/);
  });
});
