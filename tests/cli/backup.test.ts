import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPGlite, openPostgres, type DatabaseHandle, type Db } from '../../src/server/db/database';
import { insertAuditEntry } from '../../src/server/features/audit/repository';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { LocalFileStore, type FileStore } from '../../src/server/storage/file-store';
import { S3FileStore, type S3Settings } from '../../src/server/storage/s3-file-store';
import { startS3Server, type S3TestServer } from '../support/s3-server';
import { huiju, tempDirs } from '../support/cli';

const tempDir = tempDirs('huiju-backup-');

/** Uploads a few files the way the file service stores them, and an audit entry with Chinese text. */
async function addFilesAndRows(db: Db, filesRoot: string | FileStore) {
  const store = typeof filesRoot === 'string' ? new LocalFileStore(filesRoot) : filesRoot;
  const root = await db.selectFrom('units').select(['id']).where('parent_id', 'is', null).executeTakeFirstOrThrow();
  const contents = [Buffer.from('%PDF-1.7 盖章文件\n'), randomBytes(300_000), Buffer.alloc(0)];
  const names = ['江苏省科协关于开展科技工作者日活动的通知.pdf', 'photo.jpg', '空文件.txt'];
  for (const [i, content] of contents.entries()) {
    const stored = await store.put(Readable.from([content]), 10_000_000);
    await db
      .insertInto('stored_files')
      .values({
        storage_key: stored.storageKey,
        sha256: stored.sha256,
        size_bytes: String(stored.size),
        content_type: 'application/octet-stream',
        kind: 'attachment',
        original_name: names[i]!,
        unit_id: root.id,
      })
      .execute();
    // The row is committed: the file leaves its staging place (as the upload service does).
    await store.commit(stored.storageKey);
  }
  await insertAuditEntry(db, { actorUsername: 'test', action: 'test.backup', unitId: root.id, details: { 说明: '备份前的记录', n: 1.5 } });
}

/** The SHA-256 of every object of a bucket but staged and derived ones. */
async function bucketFiles(settings: S3Settings) {
  const client = new S3Client({ endpoint: settings.endpoint, region: settings.region, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const files: Record<string, string> = {};
  const page = await client.send(new ListObjectsV2Command({ Bucket: settings.bucket }));
  for (const object of page.Contents ?? []) {
    if (object.Key!.startsWith('tmp/') || object.Key!.startsWith('derived/')) continue;
    const body = await client.send(new GetObjectCommand({ Bucket: settings.bucket, Key: object.Key! }));
    files[object.Key!] = createHash('sha256').update(await body.Body!.transformToByteArray()).digest('hex');
  }
  return files;
}

/** Every table's row count and a digest of its rows, every sequence, and the SHA-256 of every stored file. */
async function stateOf(db: Db, filesRoot: string | S3Settings) {
  await sql`set timezone = 'UTC'`.execute(db);
  const tables = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind = 'r' and c.relname <> 'schema_migrations' order by 1`.execute(db);
  const rows: Record<string, { count: number; digest: string }> = {};
  for (const { name } of tables.rows) {
    const result = await sql<{ count: string; digest: string | null }>`
      select count(*)::text as count, md5(string_agg(j, E'\n' order by j)) as digest
        from (select to_jsonb(t)::text as j from ${sql.table(name)} t) x`.execute(db);
    rows[name] = { count: Number(result.rows[0]!.count), digest: result.rows[0]!.digest ?? '' };
  }
  const sequences = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'S' order by 1`.execute(db);
  const seq: Record<string, string> = {};
  for (const { name } of sequences.rows) {
    const value = await sql<{ v: string }>`select last_value::text || ':' || is_called::text as v from ${sql.table(name)}`.execute(db);
    seq[name] = value.rows[0]!.v;
  }
  const files: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'tmp') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, `${prefix}${entry.name}/`);
      else files[`${prefix}${entry.name}`] = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
    }
  };
  if (typeof filesRoot === 'string') walk(filesRoot, '');
  else Object.assign(files, await bucketFiles(filesRoot));
  return { rows, seq, files };
}

async function pgliteState(dataDir: string) {
  const database = await openPGlite(dataDir);
  try {
    return await stateOf(database.db, path.join(dataDir, 'files'));
  } finally {
    await database.close();
  }
}

/** Re-gzips an archive with one byte changed inside the entry named `entry`. */
function tamper(file: string, out: string, entry: string) {
  const tar = gunzipSync(fs.readFileSync(file));
  for (let offset = 0; offset < tar.length; offset += 512) {
    const name = tar.toString('utf8', offset, offset + 100).replace(/\0.*$/s, '');
    const size = parseInt(tar.toString('ascii', offset + 124, offset + 136).replace(/[\0 ]/g, '') || '0', 8);
    if (name === entry) {
      tar[offset + 512 + Math.floor(size / 2)]! ^= 0xff;
      fs.writeFileSync(out, gzipSync(tar));
      return;
    }
    offset += Math.ceil(size / 512) * 512;
  }
  throw new Error(`${entry} not in the archive`);
}

describe('huiju backup and restore on the embedded database', () => {
  it('refuses bad arguments clearly', () => {
    const help = huiju(['backup', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/consistent archive/);
    expect(huiju(['restore', '--help']).out).toMatch(/empty data directory/);
    const noFile = huiju(['backup']);
    expect(noFile.code).not.toBe(0);
    expect(noFile.err).toMatch(/missing required argument 'file'/);
    const missing = huiju(['restore', '/no/such/backup.tar.gz'], { HUIJU_DATA_DIR: tempDir() });
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/File not found/);
    const exists = huiju(['backup', path.resolve('package.json')], { HUIJU_DATA_DIR: tempDir() });
    expect(exists.code).toBe(1);
    expect(exists.err).toMatch(/already exists/);
    const notBackup = tempDir();
    fs.writeFileSync(path.join(notBackup, 'x.tar.gz'), gzipSync(Buffer.from('hello')));
    const garbage = huiju(['restore', path.join(notBackup, 'x.tar.gz')], { HUIJU_DATA_DIR: tempDir() });
    expect(garbage.code).toBe(1);
    expect(garbage.err).toMatch(/huiju: .*(truncated|tar header|manifest)/);
  });

  it('writes one archive and restores it into an empty directory with the same rows, sequences, files and audit chain', async () => {
    const source = tempDir();
    const env = { HUIJU_DATA_DIR: source };
    expect(huiju(['units', 'seed-regions', '--root', '32'], env).code).toBe(0);
    const user = huiju(['users', 'create', '--unit', '3201', '--username', 'nj-admin', '--name', '南京管理员', '--role', 'unit_admin', '--password', 'Nanjing@Kx2026'], env);
    expect(user.code, user.err).toBe(0);
    const database = await openPGlite(source);
    try {
      await addFilesAndRows(database.db, path.join(source, 'files'));
    } finally {
      await database.close();
    }
    const before = await pgliteState(source);
    expect(Object.keys(before.files)).toHaveLength(3);
    expect(before.rows.units!.count).toBe(119);

    const archive = path.join(tempDir(), 'huiju 备份.tar.gz');
    const backup = huiju(['backup', archive], env);
    expect(backup.code, backup.err).toBe(0);
    expect(backup.out).toMatch(/Backup written to .*: \d+ tables, \d+ rows, 3 files \(0\.29 MiB\); archive [\d.]+ MiB in [\d.]+ s\./);
    // A standard archive: any tar reads it.
    const listing = spawnSync('tar', ['-tzf', archive], { encoding: 'utf8' });
    expect(listing.status).toBe(0);
    expect(listing.stdout).toMatch(/^db\/units\.jsonl$/m);
    expect(listing.stdout.trim().split('\n').at(-1)).toBe('manifest.json');

    const target = tempDir();
    const restore = huiju(['restore', archive], { HUIJU_DATA_DIR: target });
    expect(restore.code, restore.err).toBe(0);
    expect(restore.out).toMatch(/Restored .*: \d+ tables, \d+ rows, 3 files/);
    expect(await pgliteState(target)).toEqual(before);
    // The archive carries sealed personal data but never its key: the copy refuses to start
    // (rather than make a new key) until the original key file is copied in.
    expect(restore.out).toMatch(/sealed under field key k\d{8}: .*copy the file field-keys/);
    expect(fs.readdirSync(target)).not.toContain('field-keys');
    const keyless = huiju(['audit', 'verify'], { HUIJU_DATA_DIR: target });
    expect(keyless.code).toBe(1);
    expect(keyless.err).toMatch(/sealed under field key "k\d{8}" and no key is configured/);
    expect(fs.readdirSync(target)).not.toContain('field-keys');
    fs.copyFileSync(path.join(source, 'field-keys'), path.join(target, 'field-keys'));
    const verified = huiju(['audit', 'verify'], { HUIJU_DATA_DIR: target });
    expect(verified.code, verified.err).toBe(0);
    expect(verified.out).toMatch(/Audit chain verified: \d+ rows from the start/);

    // Not over existing data.
    const again = huiju(['restore', archive], { HUIJU_DATA_DIR: target });
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already holds/);

    // A damaged archive is refused before anything is written.
    const file = Object.keys(before.files).find((key) => before.files[key] !== createHash('sha256').update('').digest('hex'))!;
    const damaged = path.join(tempDir(), 'damaged.tar.gz');
    tamper(archive, damaged, `files/${file}`);
    const empty = tempDir();
    const refused = huiju(['restore', damaged], { HUIJU_DATA_DIR: empty });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`files/${file} does not match its SHA-256 in the manifest`);
    expect(fs.readdirSync(empty).filter((name) => name !== 'huiju.lock')).toEqual([]);
  });
});

describe('huiju backup and restore with S3 storage', () => {
  const servers: S3TestServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop();
  });

  it('streams the files from the bucket into the archive and back into an empty bucket', async () => {
    const [from, to] = await Promise.all([startS3Server(), startS3Server()]);
    servers.push(from, to);
    const source = tempDir();
    const env = { HUIJU_DATA_DIR: source, ...from.env };
    expect(huiju(['units', 'seed-regions', '--root', '32'], env).code).toBe(0);
    const database = await openPGlite(source);
    let before: Awaited<ReturnType<typeof stateOf>>;
    try {
      await addFilesAndRows(database.db, new S3FileStore(from.settings, path.join(source, 'staging')));
      before = await stateOf(database.db, from.settings);
    } finally {
      await database.close();
    }
    expect(Object.keys(before.files)).toHaveLength(3);
    expect(fs.existsSync(path.join(source, 'files'))).toBe(false);

    const archive = path.join(tempDir(), 'huiju-s3.tar.gz');
    const backup = huiju(['backup', archive], env);
    expect(backup.code, backup.err).toBe(0);
    expect(backup.out).toMatch(/3 files \(0\.29 MiB\)/);

    const target = tempDir();
    const restore = huiju(['restore', archive], { HUIJU_DATA_DIR: target, ...to.env });
    expect(restore.code, restore.err).toBe(0);
    expect(restore.out).toMatch(/3 files/);
    const restored = await openPGlite(target);
    try {
      expect(await stateOf(restored.db, to.settings)).toEqual(before);
    } finally {
      await restored.close();
    }
    // Not into a bucket that already holds files.
    const again = huiju(['restore', archive], { HUIJU_DATA_DIR: tempDir(), ...to.env });
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/s3:\/\/huiju-.* already holds files: restore into an empty bucket/);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('huiju backup and restore on a PostgreSQL server', () => {
  const created: string[] = [];
  const admin = () => new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  async function newDatabase(): Promise<string> {
    const name = `huiju_backup_${process.pid}_${randomBytes(3).toString('hex')}`;
    const client = admin();
    await client.connect();
    await client.query(`create database ${name}`);
    await client.end();
    created.push(name);
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    return url.toString();
  }
  afterAll(async () => {
    const client = admin();
    await client.connect();
    for (const name of created) await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  });
  async function postgresState(url: string, filesRoot: string) {
    const handle: DatabaseHandle = openPostgres(url, 1);
    try {
      return await stateOf(handle.db, filesRoot);
    } finally {
      await handle.close();
    }
  }

  it('backs up a PostgreSQL database and restores it onto an empty PostgreSQL database and onto PGlite', async () => {
    const sourceUrl = await newDatabase();
    const sourceDir = tempDir();
    const env = { DATABASE_URL: sourceUrl, HUIJU_DATA_DIR: sourceDir };
    expect(huiju(['units', 'seed-regions', '--root', '32'], env).code).toBe(0);
    const handle = openPostgres(sourceUrl, 2);
    try {
      await addFilesAndRows(handle.db, path.join(sourceDir, 'files'));
    } finally {
      await handle.close();
    }
    const before = await postgresState(sourceUrl, path.join(sourceDir, 'files'));

    const archive = path.join(tempDir(), 'pg.tar.gz');
    const backup = huiju(['backup', archive], env);
    expect(backup.code, backup.err).toBe(0);

    const targetUrl = await newDatabase();
    const targetDir = tempDir();
    const restore = huiju(['restore', archive], { DATABASE_URL: targetUrl, HUIJU_DATA_DIR: targetDir });
    expect(restore.code, restore.err).toBe(0);
    expect(await postgresState(targetUrl, path.join(targetDir, 'files'))).toEqual(before);
    const notEmpty = huiju(['restore', archive], { DATABASE_URL: sourceUrl, HUIJU_DATA_DIR: tempDir() });
    expect(notEmpty.code).toBe(1);
    expect(notEmpty.err).toMatch(/not empty/);

    const pgliteDir = tempDir();
    expect(huiju(['restore', archive], { HUIJU_DATA_DIR: pgliteDir }).code).toBe(0);
    expect(await pgliteState(pgliteDir)).toEqual(before);
    fs.copyFileSync(path.join(sourceDir, 'field-keys'), path.join(pgliteDir, 'field-keys'));
    expect(huiju(['audit', 'verify'], { HUIJU_DATA_DIR: pgliteDir }).code).toBe(0);
  });
});
