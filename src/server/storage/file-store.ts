import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
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

/** Bytes `start` (inclusive) to `end` (exclusive) of a stored file. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where uploaded bytes live: a local directory (also a shared network mount) or S3-compatible
 * object storage (decision 021). Every feature reads and writes files through this interface only.
 * Files are written under generated names, hashed while streaming and never buffered whole. A new
 * file is staged first and reaches its final place only once its database row is committed
 * (`commit`), so a process killed at any point leaves no final file without its row; `recover` at
 * start-up finishes the commits of committed rows and deletes the rest.
 */
export interface FileStore {
  /** Where the files are, for messages ("/srv/huiju/files", "s3://bucket at http://…"). */
  readonly location: string;
  /** Streams `source` into a staged file, refusing it (and keeping nothing) past `maxBytes`. */
  put(source: Readable, maxBytes: number): Promise<StoredObject>;
  /** Moves a staged file to its final place, once its row is committed. */
  commit(storageKey: string): Promise<void>;
  /**
   * The file's bytes (or a range of them), streamed; opened lazily on the first read, so many
   * streams may be created up front (a zip of a thousand files) without opening a thousand files.
   */
  read(storageKey: string, range?: ByteRange): Readable;
  /** A few bytes anywhere in the file (content checks, a zip's directory). */
  readAt(storageKey: string, position: number, length: number): Promise<Buffer>;
  /** The stored size in bytes, or null when the file is missing. */
  size(storageKey: string): Promise<number | null>;
  remove(storageKey: string): Promise<void>;
  /** See LocalFileStore.recover. */
  recover(committed: (storageKeys: string[]) => Promise<Set<string>>, graceMs: number): Promise<{ moved: number; removed: number }>;
  /** Writes a file under a known key, final at once (restore of a backup), streamed. */
  restore(storageKey: string, source: Readable): Promise<{ sha256: string; size: number }>;
  /** True when no file is stored yet (restore only writes into an empty store). */
  isEmpty(): Promise<boolean>;
  /** Derived files (resized photos), named after the original's SHA-256: a cache rebuilt on demand. */
  readDerived(name: string): Promise<Buffer | null>;
  writeDerived(name: string, data: Buffer): Promise<void>;
}

/** The error codes of a full or read-only disk: the upload is refused as "storage full", not a 500. */
export const storageFullCodes = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EROFS']);

export const storageKeyPattern = /^[0-9a-f]{2}\/[0-9a-f-]{36}$/;
export const derivedNamePattern = /^[0-9a-f]{64}-[a-z0-9]+\.[a-z0-9]+$/;

export function newStorageKey(): string {
  const id = randomUUID();
  return `${id.slice(0, 2)}/${id}`;
}

/**
 * Streams `source` into the new file `target`, hashing and counting; past `maxBytes` the file is
 * deleted and FileTooLargeError thrown. Both stores stage uploads this way on a local disk.
 */
export async function writeMetered(source: Readable, target: string, maxBytes: number): Promise<{ sha256: string; size: number }> {
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
    await pipeline(source, meter, fs.createWriteStream(target, { flags: 'wx' }));
  } catch (error) {
    await fs.promises.rm(target, { force: true });
    // A multipart stream that hit its own limit reports truncation rather than an error.
    if ((source as { truncated?: boolean }).truncated) throw new FileTooLargeError(maxBytes);
    throw error;
  }
  if ((source as { truncated?: boolean }).truncated) {
    await fs.promises.rm(target, { force: true });
    throw new FileTooLargeError(maxBytes);
  }
  return { sha256: hash.digest('hex'), size };
}

/** Reads `length` bytes at `position` of a local file. */
export async function readLocalAt(file: string, position: number, length: number): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** A local file's bytes, or a range of them (empty for an empty range). */
export function readLocal(file: string, range?: ByteRange): Readable {
  if (!range) return fs.createReadStream(file);
  if (range.end <= range.start) return Readable.from([], { objectMode: false });
  return fs.createReadStream(file, { start: range.start, end: range.end - 1 });
}

export class LocalFileStore implements FileStore {
  readonly location: string;

  constructor(private readonly root: string) {
    fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
    this.location = root;
  }

  private pathOf(storageKey: string): string {
    if (!storageKeyPattern.test(storageKey)) throw new Error(`invalid storage key ${storageKey}`);
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
    const storageKey = newStorageKey();
    const written = await writeMetered(source, this.stagedPathOf(storageKey), maxBytes);
    return { storageKey, ...written };
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

  read(storageKey: string, range?: ByteRange): Readable {
    return readLocal(this.locate(storageKey), range);
  }

  readAt(storageKey: string, position: number, length: number): Promise<Buffer> {
    return readLocalAt(this.locate(storageKey), position, length);
  }

  async size(storageKey: string): Promise<number | null> {
    const stat = await fs.promises.stat(this.locate(storageKey)).catch(() => null);
    return stat ? stat.size : null;
  }

  async restore(storageKey: string, source: Readable): Promise<{ sha256: string; size: number }> {
    const final = this.pathOf(storageKey);
    const tmp = path.join(this.root, 'tmp', `${randomUUID()}.restoring`);
    const written = await writeMetered(source, tmp, Number.MAX_SAFE_INTEGER);
    await fs.promises.mkdir(path.dirname(final), { recursive: true });
    await fs.promises.rename(tmp, final);
    return written;
  }

  async isEmpty(): Promise<boolean> {
    const names = await fs.promises.readdir(this.root);
    return names.every((name) => name === 'tmp' || name === 'derived');
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
    if (!derivedNamePattern.test(name)) throw new Error(`invalid derived name ${name}`);
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
}
