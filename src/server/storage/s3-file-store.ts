import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  derivedNamePattern,
  newStorageKey,
  readLocal,
  readLocalAt,
  storageKeyPattern,
  writeMetered,
  type ByteRange,
  type FileStore,
  type StoredObject,
} from './file-store';

export interface S3Settings {
  endpoint: string | undefined;
  region: string;
  bucket: string;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  forcePathStyle: boolean;
}

// The pinned SDK runs on Node 20; its warning that later versions will need Node 22 would print on
// every CLI command (decision 021 notes the upgrade).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Multipart parts of 5 MiB (S3's minimum), two in flight: an upload holds about 10 MiB whatever the file's size. */
const partSize = 5 * 1024 * 1024;
const queueSize = 2;

const isMissing = (error: unknown) =>
  error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404);

/** `take` bytes of `body` after the first `skip`. */
async function* cut(body: Readable, skip: number, take: number): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      const from = Math.min(skip, chunk.length);
      skip -= from;
      const part = chunk.subarray(from, from + take);
      take -= part.length;
      if (part.length) yield part;
      if (take <= 0) return;
    }
  } finally {
    body.destroy();
  }
}

/**
 * Files in an S3-compatible bucket (decision 021). An upload is written to a local staging file
 * first (hashed, size-limited, and inspected there: content checks need random access), then
 * uploaded to `tmp/<id>` before its row is written; `commit` copies it to its final key `ab/<id>`
 * on the server and deletes the staged object. A process killed at any point leaves at most a
 * staged object: `recover` copies those with a committed row and deletes the others. Until the
 * copy is done, any process reads a committed file from its staged object.
 */
export class S3FileStore implements FileStore {
  readonly location: string;
  private readonly client: S3Client;
  private readonly bucket: string;

  /** `stagingDir`: a local directory for uploads being received and inspected (never shared). */
  constructor(
    settings: S3Settings,
    private readonly stagingDir: string,
  ) {
    fs.mkdirSync(stagingDir, { recursive: true });
    this.bucket = settings.bucket;
    this.location = `s3://${settings.bucket}${settings.endpoint ? ` at ${settings.endpoint}` : ''}`;
    this.client = new S3Client({
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      ...(settings.accessKeyId && settings.secretAccessKey
        ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
        : {}),
      // Checksums only where S3 requires them: S3-compatible servers (MinIO, Ceph, s3rver) differ
      // in their support of the newer streamed-checksum uploads.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private check(storageKey: string): string {
    if (!storageKeyPattern.test(storageKey)) throw new Error(`invalid storage key ${storageKey}`);
    return storageKey;
  }

  private stagedKeyOf(storageKey: string): string {
    return `tmp/${this.check(storageKey).slice(3)}`;
  }

  private localCopyOf(storageKey: string): string {
    return path.join(this.stagingDir, this.check(storageKey).slice(3));
  }

  private async upload(key: string, body: Readable): Promise<void> {
    await new Upload({ client: this.client, params: { Bucket: this.bucket, Key: key, Body: body }, partSize, queueSize }).done();
  }

  async put(source: Readable, maxBytes: number): Promise<StoredObject> {
    const storageKey = newStorageKey();
    const local = this.localCopyOf(storageKey);
    const written = await writeMetered(source, local, maxBytes);
    try {
      await this.upload(this.stagedKeyOf(storageKey), fs.createReadStream(local));
    } catch (error) {
      await fs.promises.rm(local, { force: true });
      throw error;
    }
    // The local copy stays until commit or remove: the upload's content checks read it.
    return { storageKey, ...written };
  }

  async commit(storageKey: string): Promise<void> {
    const staged = this.stagedKeyOf(storageKey);
    await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: storageKey, CopySource: `${this.bucket}/${staged}` }));
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: staged }));
    await fs.promises.rm(this.localCopyOf(storageKey), { force: true });
  }

  /** The object's body, from its final key or, for a row committed an instant ago, its staged one. */
  private async open(storageKey: string, range?: ByteRange): Promise<Readable> {
    const Range = range ? `bytes=${range.start}-${range.end - 1}` : undefined;
    for (const key of [storageKey, this.stagedKeyOf(storageKey)]) {
      try {
        const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range }));
        const body = answer.Body as Readable;
        if (!range) return body;
        // A server may answer a range with more than asked (s3rver gives all of `bytes=0-0`) or
        // ignore it (200, no Content-Range): never send more than the range.
        const skip = answer.ContentRange ? Number(/^bytes (\d+)-/.exec(answer.ContentRange)?.[1] ?? range.start) : 0;
        return Readable.from(cut(body, range.start - skip, range.end - range.start), { objectMode: false });
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
    throw Object.assign(new Error(`stored file ${storageKey} not found in ${this.location}`), { code: 'ENOENT' });
  }

  read(storageKey: string, range?: ByteRange): Readable {
    this.check(storageKey);
    if (range && range.end <= range.start) return Readable.from([], { objectMode: false });
    const local = this.localCopyOf(storageKey);
    // Opened on the first read; destroying the stream ends the generator, which destroys the body.
    const open = this.open.bind(this);
    return Readable.from(
      (async function* () {
        if (fs.existsSync(local)) {
          yield* readLocal(local, range);
          return;
        }
        yield* await open(storageKey, range);
      })(),
      { objectMode: false },
    );
  }

  async readAt(storageKey: string, position: number, length: number): Promise<Buffer> {
    const local = this.localCopyOf(storageKey);
    if (fs.existsSync(local)) return readLocalAt(local, position, length);
    if (length <= 0) return Buffer.alloc(0);
    const size = await this.size(storageKey);
    if (size === null) throw Object.assign(new Error(`stored file ${storageKey} not found in ${this.location}`), { code: 'ENOENT' });
    const end = Math.min(size, position + length);
    if (end <= position) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.open(storageKey, { start: position, end })) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async size(storageKey: string): Promise<number | null> {
    for (const key of [storageKey, this.stagedKeyOf(storageKey)]) {
      try {
        const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
        return head.ContentLength ?? 0;
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
    return null;
  }

  async remove(storageKey: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.check(storageKey) }));
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.stagedKeyOf(storageKey) }));
    await fs.promises.rm(this.localCopyOf(storageKey), { force: true });
  }

  private async *list(prefix: string) {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken }));
      for (const object of page.Contents ?? []) yield object;
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  /**
   * After a crash: staged objects whose row was committed are copied to their place; the others
   * (uploads refused or cut short) are deleted once older than `graceMs`, as are local staging
   * copies. Multipart uploads cut short are no objects: the bucket's lifecycle rule
   * AbortIncompleteMultipartUpload removes their parts (docs/decisions/021).
   */
  async recover(committed: (storageKeys: string[]) => Promise<Set<string>>, graceMs: number): Promise<{ moved: number; removed: number }> {
    const staged: { key: string; storageKey: string; modified: number }[] = [];
    for await (const object of this.list('tmp/')) {
      const id = object.Key!.slice(4);
      if (!/^[0-9a-f-]{36}$/.test(id)) continue;
      staged.push({ key: object.Key!, storageKey: `${id.slice(0, 2)}/${id}`, modified: object.LastModified?.getTime() ?? 0 });
    }
    const known = staged.length > 0 ? await committed(staged.map((s) => s.storageKey)) : new Set<string>();
    let moved = 0;
    let removed = 0;
    for (const object of staged) {
      if (known.has(object.storageKey)) {
        await this.commit(object.storageKey);
        moved++;
      } else if (Date.now() - object.modified >= graceMs) {
        await this.remove(object.storageKey);
        removed++;
      }
    }
    for (const name of await fs.promises.readdir(this.stagingDir)) {
      const full = path.join(this.stagingDir, name);
      const stat = await fs.promises.stat(full).catch(() => null);
      if (stat && Date.now() - stat.mtimeMs >= graceMs) {
        await fs.promises.rm(full, { force: true, recursive: true });
        removed++;
      }
    }
    return { moved, removed };
  }

  async restore(storageKey: string, source: Readable): Promise<{ sha256: string; size: number }> {
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    source.on('error', (error) => meter.destroy(error));
    await this.upload(this.check(storageKey), source.pipe(meter));
    return { sha256: hash.digest('hex'), size };
  }

  async isEmpty(): Promise<boolean> {
    // One page of the default size (s3rver fails a listing cut short by a small MaxKeys).
    const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket }));
    return (page.Contents ?? []).length === 0;
  }

  private derivedKeyOf(name: string): string {
    if (!derivedNamePattern.test(name)) throw new Error(`invalid derived name ${name}`);
    return `derived/${name.slice(0, 2)}/${name}`;
  }

  async readDerived(name: string): Promise<Buffer | null> {
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.derivedKeyOf(name) }));
      return Buffer.from(await answer.Body!.transformToByteArray());
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async writeDerived(name: string, data: Buffer): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.derivedKeyOf(name), Body: data }));
  }

}
