import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StoredObject {
  storageKey: string;
  sha256: string;
  size: number;
}

export class FileTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`file exceeds ${maxBytes} bytes`);
  }
}

/**
 * Where uploaded bytes live. Files are written under generated names, hashed while streaming and
 * never buffered whole. A new file is staged under `tmp/` and moves to its final place only once
 * its database row is committed (`commit`), so a process killed at any point leaves no final file
 * without its row; `recover` at start-up finishes the moves of committed rows and deletes the rest.
 */
export interface FileStore {
  /** Streams `source` into a staged file, refusing it (and keeping nothing) past `maxBytes`. */
  put(source: Readable, maxBytes: number): Promise<StoredObject>;
  /** Moves a staged file to its final place, once its row is committed. */
  commit(storageKey: string): Promise<void>;
  read(storageKey: string): Readable;
  remove(storageKey: string): Promise<void>;
}

/** The error codes of a full or read-only disk: the upload is refused as "storage full", not a 500. */
export const storageFullCodes = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EROFS']);

export class LocalFileStore implements FileStore {
  constructor(private readonly root: string) {
    fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
  }

  private pathOf(storageKey: string): string {
    if (!/^[0-9a-f]{2}\/[0-9a-f-]{36}$/.test(storageKey)) throw new Error(`invalid storage key ${storageKey}`);
    return path.join(this.root, storageKey);
  }

  private stagedPathOf(storageKey: string): string {
    this.pathOf(storageKey);
    return path.join(this.root, 'tmp', storageKey.slice(3));
  }

  /** The final file, or the staged one of a row committed an instant ago (or before a crash). */
  private locate(storageKey: string): string {
    const final = this.pathOf(storageKey);
    if (fs.existsSync(final)) return final;
    const staged = this.stagedPathOf(storageKey);
    return fs.existsSync(staged) ? staged : final;
  }

  async put(source: Readable, maxBytes: number): Promise<StoredObject> {
    const id = randomUUID();
    const storageKey = `${id.slice(0, 2)}/${id}`;
    const tmp = this.stagedPathOf(storageKey);
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > maxBytes) return callback(new FileTooLargeError(maxBytes));
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, fs.createWriteStream(tmp, { flags: 'wx' }));
    } catch (error) {
      await fs.promises.rm(tmp, { force: true });
      // A multipart stream that hit its own limit reports truncation rather than an error.
      if ((source as { truncated?: boolean }).truncated) throw new FileTooLargeError(maxBytes);
      throw error;
    }
    if ((source as { truncated?: boolean }).truncated) {
      await fs.promises.rm(tmp, { force: true });
      throw new FileTooLargeError(maxBytes);
    }
    return { storageKey, sha256: hash.digest('hex'), size };
  }

  async commit(storageKey: string): Promise<void> {
    const final = this.pathOf(storageKey);
    await fs.promises.mkdir(path.dirname(final), { recursive: true });
    await fs.promises.rename(this.stagedPathOf(storageKey), final);
  }

  /**
   * After a crash: staged files whose row was committed are moved to their place; the others
   * (uploads cut short, refused ones not yet removed) are deleted once older than `graceMs` —
   * 0 when this process owns the directory alone, longer when other processes may be uploading.
   */
  async recover(committed: (storageKeys: string[]) => Promise<Set<string>>, graceMs: number): Promise<{ moved: number; removed: number }> {
    const tmpDir = path.join(this.root, 'tmp');
    const names = await fs.promises.readdir(tmpDir);
    const staged = names.filter((n) => /^[0-9a-f-]{36}$/.test(n)).map((n) => `${n.slice(0, 2)}/${n}`);
    const known = staged.length > 0 ? await committed(staged) : new Set<string>();
    let moved = 0;
    let removed = 0;
    for (const name of names) {
      const key = `${name.slice(0, 2)}/${name}`;
      if (known.has(key)) {
        await this.commit(key);
        moved++;
        continue;
      }
      const full = path.join(tmpDir, name);
      const stat = await fs.promises.stat(full).catch(() => null);
      if (stat && Date.now() - stat.mtimeMs >= graceMs) {
        await fs.promises.rm(full, { force: true, recursive: true });
        removed++;
      }
    }
    return { moved, removed };
  }

  read(storageKey: string): Readable {
    return fs.createReadStream(this.locate(storageKey));
  }

  /** Bytes `start` (inclusive) to `end` (exclusive) of a stored file, streamed. */
  readRange(storageKey: string, start: number, end: number): Readable {
    return fs.createReadStream(this.locate(storageKey), { start, end: Math.max(start, end - 1) });
  }

  /** Any bytes of a stored file. */
  readAt(storageKey: string, position: number, length: number): Promise<Buffer> {
    return this.slice(storageKey, position, length);
  }

  async remove(storageKey: string): Promise<void> {
    await fs.promises.rm(this.pathOf(storageKey), { force: true });
    await fs.promises.rm(this.stagedPathOf(storageKey), { force: true });
  }

  /**
   * Derived files (resized photos) under `derived/`, named after the original's SHA-256: a cache
   * that can be deleted and is rebuilt on demand; originals are never touched.
   */
  private derivedPathOf(name: string): string {
    if (!/^[0-9a-f]{64}-[a-z0-9]+\.[a-z0-9]+$/.test(name)) throw new Error(`invalid derived name ${name}`);
    return path.join(this.root, 'derived', name.slice(0, 2), name);
  }

  async readDerived(name: string): Promise<Buffer | null> {
    try {
      return await fs.promises.readFile(this.derivedPathOf(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async writeDerived(name: string, data: Buffer): Promise<void> {
    const final = this.derivedPathOf(name);
    const tmp = path.join(this.root, 'tmp', `${randomUUID()}.derived`);
    await fs.promises.writeFile(tmp, data, { flag: 'wx' });
    await fs.promises.mkdir(path.dirname(final), { recursive: true });
    await fs.promises.rename(tmp, final);
  }

  /** The first bytes of a stored file, for content checks. */
  head(storageKey: string, bytes: number): Promise<Buffer> {
    return this.slice(storageKey, 0, bytes);
  }

  /** The last bytes of a stored file (a zip's directory lives there). */
  tail(storageKey: string, bytes: number, size: number): Promise<Buffer> {
    const length = Math.min(bytes, size);
    return this.slice(storageKey, size - length, length);
  }

  private async slice(storageKey: string, position: number, length: number): Promise<Buffer> {
    const handle = await fs.promises.open(this.locate(storageKey), 'r');
    try {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }
}
