import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type S3TestServer } from '../../../tests/support/s3-server';
import { LocalFileStore, type FileStore } from './file-store';
import { S3FileStore } from './s3-file-store';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});
const tempRoot = () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'huiju-store-'));
  roots.push(root);
  return root;
};
const readAll = async (stream: Readable) => Buffer.concat(await stream.toArray());

/** A store under test and what it holds, seen from outside the interface. */
interface Harness {
  files: FileStore;
  /** Final files (storage keys). */
  finals(): Promise<string[]>;
  /** Staged entries (any kind, local or remote). */
  staged(): Promise<string[]>;
  /** Another process on the same storage (a restart after a crash). */
  reopen(): FileStore;
}

const localFinals = (root: string) =>
  fs
    .readdirSync(root)
    .filter((d) => d !== 'tmp' && d !== 'derived')
    .flatMap((d) => fs.readdirSync(path.join(root, d)).map((n) => `${d}/${n}`));

function localHarness(): Harness {
  const root = tempRoot();
  return {
    files: new LocalFileStore(root),
    finals: async () => localFinals(root),
    staged: async () => fs.readdirSync(path.join(root, 'tmp')),
    reopen: () => new LocalFileStore(root),
  };
}

let s3: S3TestServer;
function s3Harness(): Harness {
  // A fresh prefix of the bucket per test would need prefixes in the store: a fresh bucket is simpler,
  // but s3rver creates buckets only at start, so tests share the bucket and look at their own keys.
  const staging = tempRoot();
  const files = new S3FileStore(s3.settings, staging);
  const client = new S3Client({ endpoint: s3.settings.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const list = async (prefix: string) => {
    const page = await client.send(new ListObjectsV2Command({ Bucket: s3.settings.bucket, Prefix: prefix }));
    return (page.Contents ?? []).map((o) => o.Key!);
  };
  return {
    files,
    finals: async () => (await list('')).filter((k) => !k.startsWith('tmp/') && !k.startsWith('derived/')),
    staged: async () => [...(await list('tmp/')), ...fs.readdirSync(staging).map((n) => `local:${n}`)],
    reopen: () => new S3FileStore(s3.settings, staging),
  };
}

beforeAll(async () => {
  s3 = await startS3Server();
}, 60_000);
afterAll(async () => {
  await s3?.stop();
});

/** The same contract for every store: every feature relies on it and nothing else. */
describe.each([
  ['LocalFileStore', localHarness],
  ['S3FileStore (s3rver on loopback)', s3Harness],
])('%s', (_name, harness) => {
  // The S3 cases share one bucket: each test starts from an empty one.
  afterEach(async () => {
    const h = s3Harness();
    for (const key of await h.finals()) await h.files.remove(key);
    for (const key of (await h.staged()).filter((k) => k.startsWith('tmp/'))) await h.files.remove(`${key.slice(4, 6)}/${key.slice(4)}`);
  });

  it('stages a new file until it is committed (no final file without its row), and reads it from either place', async () => {
    const h = harness();
    expect(await h.files.isEmpty()).toBe(true);
    const stored = await h.files.put(Readable.from([Buffer.from('%PDF-1.4 盖章')]), 1000);
    expect(stored.sha256).toBe(createHash('sha256').update('%PDF-1.4 盖章').digest('hex'));
    expect(stored.size).toBe(Buffer.byteLength('%PDF-1.4 盖章'));
    expect(await h.finals()).toEqual([]);
    expect((await h.staged()).length).toBeGreaterThan(0);
    expect((await readAll(h.files.read(stored.storageKey))).toString()).toBe('%PDF-1.4 盖章');
    // Another process reads a committed row's file before the commit has moved it.
    expect((await readAll(h.reopen().read(stored.storageKey))).toString()).toBe('%PDF-1.4 盖章');
    await h.files.commit(stored.storageKey);
    expect(await h.finals()).toEqual([stored.storageKey]);
    expect(await h.staged()).toEqual([]);
    expect(await h.files.isEmpty()).toBe(false);
    expect((await h.files.readAt(stored.storageKey, 0, 4)).toString()).toBe('%PDF');
    expect(await h.files.size(stored.storageKey)).toBe(stored.size);
    expect((await readAll(h.files.read(stored.storageKey))).toString()).toBe('%PDF-1.4 盖章');
  });

  it('reads byte ranges (end exclusive) and bytes anywhere, committed or not', async () => {
    const h = harness();
    const content = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));
    const stored = await h.files.put(Readable.from([content]), 1_000_000);
    for (const files of [h.files, h.reopen()]) {
      expect(await readAll(files.read(stored.storageKey, { start: 10, end: 20 }))).toEqual(content.subarray(10, 20));
      expect(await files.readAt(stored.storageKey, 99_990, 100)).toEqual(content.subarray(99_990));
    }
    await h.files.commit(stored.storageKey);
    const files = h.reopen();
    expect(await readAll(files.read(stored.storageKey, { start: 0, end: 1 }))).toEqual(content.subarray(0, 1));
    expect(await readAll(files.read(stored.storageKey, { start: 65_000, end: 100_000 }))).toEqual(content.subarray(65_000));
    expect(await readAll(files.read(stored.storageKey, { start: 5, end: 5 }))).toEqual(Buffer.alloc(0));
    expect(await files.readAt(stored.storageKey, 99_990, 100)).toEqual(content.subarray(99_990));
    expect(await files.readAt(stored.storageKey, 50_000, 3)).toEqual(content.subarray(50_000, 50_003));
    expect(await files.size(stored.storageKey)).toBe(100_000);
  });

  it('keeps nothing of a file refused for its size', async () => {
    const h = harness();
    await expect(h.files.put(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), 1000)).rejects.toThrow(/exceeds 1000 bytes/);
    expect(await h.staged()).toEqual([]);
    expect(await h.finals()).toEqual([]);
  });

  it('removes a file wherever it is, and a missing file reads as an error, its size as null', async () => {
    const h = harness();
    const staged = await h.files.put(Readable.from([Buffer.from('refused after inspection')]), 1000);
    const kept = await h.files.put(Readable.from([Buffer.from('kept')]), 1000);
    await h.files.commit(kept.storageKey);
    await h.files.remove(staged.storageKey);
    await h.files.remove(kept.storageKey);
    expect(await h.staged()).toEqual([]);
    expect(await h.finals()).toEqual([]);
    expect(await h.files.size(kept.storageKey)).toBeNull();
    await expect(readAll(h.files.read(kept.storageKey))).rejects.toThrow();
  });

  it('recovers after a crash: commits staged files whose row was committed, deletes the others past the grace', async () => {
    const h = harness();
    const committed = await h.files.put(Readable.from([Buffer.from('committed')]), 1000);
    const orphan = await h.files.put(Readable.from([Buffer.from('cut short')]), 1000);
    const known = async (keys: string[]) => new Set(keys.filter((k) => k === committed.storageKey));
    // A new process after the crash. Within the grace (another process may still be uploading) the orphan stays.
    const restarted = h.reopen();
    expect(await restarted.recover(known, 60_000)).toEqual({ moved: 1, removed: 0 });
    expect(await h.finals()).toEqual([committed.storageKey]);
    expect((await h.staged()).some((name) => name.endsWith(orphan.storageKey.slice(3)))).toBe(true);
    const second = await restarted.recover(known, 0);
    expect(second.moved).toBe(0);
    expect(second.removed).toBeGreaterThanOrEqual(1);
    expect(await h.staged()).toEqual([]);
    expect(await h.finals()).toEqual([committed.storageKey]);
    expect((await readAll(restarted.read(committed.storageKey))).toString()).toBe('committed');
  });

  it('writes a restored file under its key, and keeps derived files apart from the originals', async () => {
    const h = harness();
    const key = 'ab/ab3f1c2e-0000-4000-8000-000000000001';
    const restored = await h.files.restore(key, Readable.from([Buffer.from('restored '), Buffer.from('文件')]));
    expect(restored).toEqual({ sha256: createHash('sha256').update('restored 文件').digest('hex'), size: Buffer.byteLength('restored 文件') });
    expect(await h.finals()).toEqual([key]);
    const name = `${'a'.repeat(64)}-640.webp`;
    expect(await h.files.readDerived(name)).toBeNull();
    await h.files.writeDerived(name, Buffer.from('variant'));
    expect((await h.files.readDerived(name))?.toString()).toBe('variant');
    expect(await h.finals()).toEqual([key]);
  });

  it('streams a 50 MB file in and out: the process grows by far less than the file', async () => {
    const h = harness();
    const total = 50 * 1024 * 1024;
    const chunk = 64 * 1024;
    // Generated as it is read, so the source itself holds one chunk at a time.
    function* source() {
      for (let i = 0; i < total / chunk; i++) yield Buffer.alloc(chunk, i % 256);
    }
    const expected = createHash('sha256');
    for (const part of source()) expected.update(part);
    const digest = expected.digest('hex');
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      const stored = await h.files.put(Readable.from(source()), total + 1);
      expect(stored).toMatchObject({ sha256: digest, size: total });
      await h.files.commit(stored.storageKey);
      const hash = createHash('sha256');
      let size = 0;
      for await (const part of h.reopen().read(stored.storageKey) as AsyncIterable<Buffer>) {
        hash.update(part);
        size += part.length;
      }
      expect({ size, sha256: hash.digest('hex') }).toEqual({ size: total, sha256: digest });
    } finally {
      clearInterval(sampler);
    }
    const grown = peak - before;
    console.log(`${_name}: 50 MiB through put/commit/read, RSS grew ${(grown / 1024 / 1024).toFixed(1)} MiB`);
    expect(grown).toBeLessThan(total / 2);
  }, 120_000);
});

describe('LocalFileStore', () => {
  it('recover also clears a half-written resized photo left in tmp/', async () => {
    const root = tempRoot();
    const files = new LocalFileStore(root);
    fs.writeFileSync(path.join(root, 'tmp', 'abc.derived'), 'half a resized photo');
    expect(await files.recover(async () => new Set(), 0)).toEqual({ moved: 0, removed: 1 });
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });
});
