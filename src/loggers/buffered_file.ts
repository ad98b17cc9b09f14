/**
 * {@link BufferedFile}: an append-only file for sinks. Chunks are kept in memory and handed to
 * one `fs.WriteStream` write when `maxBufferBytes` is reached, every `flushIntervalMs` (timer
 * does not keep the process alive), on `flush()` and on `close()`. So logging a metric costs an
 * array push, not a stream write. A write error is remembered; `check()` throws it.
 */
import * as fs from 'node:fs';

/** Options of {@link BufferedFile}. */
export interface BufferedFileOptions {
  /** `w` (truncate) or `a` (append). */
  flags: 'w' | 'a';
  /** Write once this many bytes are buffered (default 64 KiB). */
  maxBufferBytes?: number;
  /** Write buffered data at least this often in ms; 0 = only on size/flush/close (default 1000). */
  flushIntervalMs?: number;
}

/** Buffered append-only file. */
export class BufferedFile {
  private readonly stream: fs.WriteStream;
  private chunks: Array<Buffer | string> = [];
  private bytes = 0;
  private readonly maxBytes: number;
  private readonly timer: NodeJS.Timeout | undefined;
  private error: unknown;
  private closed = false;

  constructor(file: string, options: BufferedFileOptions) {
    this.maxBytes = options.maxBufferBytes ?? 64 * 1024;
    this.stream = fs.createWriteStream(file, { flags: options.flags });
    this.stream.on('error', (err) => {
      this.error ??= err;
    });
    const every = options.flushIntervalMs ?? 1000;
    if (every > 0) {
      this.timer = setInterval(() => this.drain(), every);
      this.timer.unref();
    }
  }

  /** Throws the first write error, if any. */
  check(): void {
    if (this.error !== undefined) throw this.error;
  }

  /** Queues `chunk` (a string is written as UTF-8). */
  append(chunk: Buffer | string): void {
    this.check();
    if (this.closed) return;
    this.chunks.push(chunk);
    this.bytes += typeof chunk === 'string' ? chunk.length : chunk.length;
    if (this.bytes >= this.maxBytes) this.drain();
  }

  private drain(): void {
    if (this.chunks.length === 0 || this.error !== undefined) return;
    const parts = this.chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c));
    this.chunks = [];
    this.bytes = 0;
    this.stream.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
  }

  /** Writes everything queued and waits until it reached the file. */
  async flush(): Promise<void> {
    this.check();
    if (this.closed) return;
    this.drain();
    await new Promise<void>((resolve, reject) => this.stream.write('', (err) => (err ? reject(err) : resolve())));
    this.check();
  }

  /** Flushes and closes. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    this.drain();
    this.closed = true;
    await new Promise<void>((resolve) => this.stream.end(() => resolve()));
    this.check();
  }
}
