import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalFileStore } from './file-store';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});
function store() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'huiju-store-'));
  roots.push(root);
  return { root, files: new LocalFileStore(root) };
}
const finals = (root: string) =>
  fs.readdirSync(root).filter((d) => d !== 'tmp').flatMap((d) => fs.readdirSync(path.join(root, d)).map((n) => `${d}/${n}`));
const readAll = async (stream: Readable) => Buffer.concat(await stream.toArray());

describe('LocalFileStore (found by the fault harness: a kill between writing a file and committing its row left a file without a row)', () => {
  it('stages a new file under tmp/ until it is committed, and reads it from either place', async () => {
    const { root, files } = store();
    const stored = await files.put(Readable.from([Buffer.from('%PDF-1.4 盖章')]), 1000);
    expect(finals(root)).toEqual([]);
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([stored.storageKey.slice(3)]);
    expect((await readAll(files.read(stored.storageKey))).toString()).toBe('%PDF-1.4 盖章');
    await files.commit(stored.storageKey);
    expect(finals(root)).toEqual([stored.storageKey]);
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
    expect((await files.head(stored.storageKey, 4)).toString()).toBe('%PDF');
  });

  it('recovers after a crash: moves staged files whose row was committed, deletes the others past the grace', async () => {
    const { root, files } = store();
    const committed = await files.put(Readable.from([Buffer.from('committed')]), 1000);
    const orphan = await files.put(Readable.from([Buffer.from('cut short')]), 1000);
    fs.writeFileSync(path.join(root, 'tmp', 'abc.derived'), 'half a resized photo');
    const known = async (keys: string[]) => new Set(keys.filter((k) => k === committed.storageKey));
    // Within the grace (another process may still be uploading it) the orphan stays.
    expect(await files.recover(known, 60_000)).toEqual({ moved: 1, removed: 0 });
    expect(finals(root)).toEqual([committed.storageKey]);
    expect(fs.readdirSync(path.join(root, 'tmp')).sort()).toEqual(['abc.derived', orphan.storageKey.slice(3)].sort());
    expect(await files.recover(known, 0)).toEqual({ moved: 0, removed: 2 });
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
    expect((await readAll(files.read(committed.storageKey))).toString()).toBe('committed');
  });

  it('keeps nothing of a file refused for its size', async () => {
    const { root, files } = store();
    await expect(files.put(Readable.from([Buffer.alloc(2000)]), 1000)).rejects.toThrow(/exceeds 1000 bytes/);
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
    expect(finals(root)).toEqual([]);
  });
});
