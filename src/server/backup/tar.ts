import fs from 'node:fs';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';

/**
 * A minimal POSIX ustar archive, gzip-compressed (`.tar.gz`, readable by any `tar -xzf`): regular
 * files only, names up to 100 bytes, sizes below 8 GiB. Written and read as streams, so neither a
 * large table dump nor a large upload is ever held in memory whole.
 */

const BLOCK = 512;
const MAX_SIZE = 8 ** 11 - 1;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, size: number, mtime: Date): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length > 100) throw new Error(`archive entry name longer than 100 bytes: ${name}`);
  if (size > MAX_SIZE) throw new Error(`archive entry larger than 8 GiB: ${name}`);
  const block = Buffer.alloc(BLOCK, 0);
  nameBytes.copy(block, 0);
  block.write(octal(0o644, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write('0', 156, 'ascii');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

export class TarWriter {
  private readonly gzip = createGzip({ level: 6 });
  private readonly out: fs.WriteStream;
  private readonly done: Promise<void>;

  constructor(file: string) {
    this.out = fs.createWriteStream(file, { flags: 'wx' });
    this.gzip.pipe(this.out);
    this.done = new Promise((resolve, reject) => {
      this.out.on('finish', resolve);
      this.out.on('error', reject);
      this.gzip.on('error', reject);
    });
    // Errors surface through `done`; keep an unobserved rejection from crashing the process.
    this.done.catch(() => {});
  }

  private async write(chunk: Buffer): Promise<void> {
    if (!this.gzip.write(chunk)) await Promise.race([once(this.gzip, 'drain'), this.done]);
  }

  async addBuffer(name: string, data: Buffer, mtime = new Date()): Promise<void> {
    await this.write(header(name, data.length, mtime));
    await this.write(data);
    await this.pad(data.length);
  }

  /** Streams a file in; `onChunk` sees every byte (for hashing). Returns the bytes written. */
  async addFile(name: string, source: string, onChunk?: (chunk: Buffer) => void): Promise<number> {
    const stat = await fs.promises.stat(source);
    return this.addStream(name, stat.size, stat.mtime, fs.createReadStream(source), onChunk, source);
  }

  /** Streams `size` bytes in from `source` (a stored file), refusing a source that grew or shrank. */
  async addStream(name: string, size: number, mtime: Date, source: Readable, onChunk?: (chunk: Buffer) => void, label = name): Promise<number> {
    await this.write(header(name, size, mtime));
    let written = 0;
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        written += chunk.length;
        if (written > size) throw new Error(`${label} grew while it was archived`);
        onChunk?.(chunk);
        await this.write(chunk);
      }
    } finally {
      source.destroy();
    }
    if (written !== size) throw new Error(`${label} shrank while it was archived`);
    await this.pad(written);
    return written;
  }

  private async pad(size: number): Promise<void> {
    const rest = size % BLOCK;
    if (rest) await this.write(Buffer.alloc(BLOCK - rest, 0));
  }

  async finish(): Promise<void> {
    await this.write(Buffer.alloc(BLOCK * 2, 0));
    this.gzip.end();
    await this.done;
  }

  /** Abandons the archive (the caller removes the partial file). */
  async abort(): Promise<void> {
    this.gzip.unpipe(this.out);
    this.gzip.destroy();
    this.out.destroy();
    await new Promise<void>((resolve) => this.out.once('close', () => resolve()).once('error', () => resolve()));
  }
}

export class ArchiveFormatError extends Error {}

export interface EntrySink {
  write(chunk: Buffer): Promise<void> | void;
  end(): Promise<void> | void;
}

/**
 * Reads a .tar.gz, handing each regular file's bytes to the sink `onEntry` returns (awaited, so a
 * slow consumer such as a database insert holds the stream back).
 */
export async function readTar(file: string, onEntry: (name: string, size: number) => Promise<EntrySink> | EntrySink): Promise<void> {
  let pending: Buffer = Buffer.alloc(0);
  let sink: EntrySink | null = null;
  let remaining = 0;
  let padding = 0;
  let ended = false;
  const input = fs.createReadStream(file).pipe(createGunzip());
  try {
    for await (const raw of input as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, raw]) : raw;
      while (pending.length > 0 && !ended) {
        if (remaining > 0) {
          const take = Math.min(remaining, pending.length);
          await sink!.write(pending.subarray(0, take));
          pending = pending.subarray(take);
          remaining -= take;
          if (remaining === 0) await sink!.end();
          continue;
        }
        if (padding > 0) {
          const take = Math.min(padding, pending.length);
          pending = pending.subarray(take);
          padding -= take;
          continue;
        }
        if (pending.length < BLOCK) break;
        const block = pending.subarray(0, BLOCK);
        pending = pending.subarray(BLOCK);
        if (block.every((byte) => byte === 0)) {
          ended = true;
          break;
        }
        const stored = parseInt(block.toString('ascii', 148, 156).replace(/[\0 ]/g, ''), 8);
        let sum = 0;
        for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
        if (stored !== sum) throw new ArchiveFormatError('a tar header has a bad checksum');
        const name = block.toString('utf8', 0, 100).replace(/\0.*$/s, '');
        const size = parseInt(block.toString('ascii', 124, 136).replace(/[\0 ]/g, '') || '0', 8);
        const type = String.fromCharCode(block[156]!);
        if (type !== '0' && type !== '\0') throw new ArchiveFormatError(`unexpected tar entry type "${type}" for ${name}`);
        sink = await onEntry(name, size);
        remaining = size;
        padding = size % BLOCK ? BLOCK - (size % BLOCK) : 0;
        if (size === 0) await sink.end();
      }
    }
  } catch (error) {
    if (error instanceof ArchiveFormatError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'ERR_ZLIB') {
      throw new ArchiveFormatError(`not a readable .tar.gz archive (${(error as Error).message})`);
    }
    throw error;
  } finally {
    input.destroy();
  }
  if (remaining > 0 || !ended) throw new ArchiveFormatError('the archive is truncated');
}
