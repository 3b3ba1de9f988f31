import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { sql, type Transaction } from 'kysely';
import type { Db, DbOrTx, DatabaseKind } from '../db/database';
import { applyMigration, ensureMigrationsTable, readMigrationFiles } from '../db/migrate';
import type { Database } from '../db/schema';
import type { FileStore } from '../storage/file-store';
import { ArchiveFormatError, readTar, TarWriter, type EntrySink } from './tar';

/**
 * `huiju backup` / `huiju restore` (decision 007). One .tar.gz holds:
 * - `db/<table>.jsonl`: every row of every table as `to_jsonb(row)` text, one per line, read in one
 *   REPEATABLE READ snapshot (a consistent database at one instant, on PGlite and PostgreSQL alike);
 * - `files/<storage key>`: every uploaded file a `stored_files` row of that snapshot refers to (files
 *   are immutable once their row is committed, so copying them after the snapshot is consistent);
 * - `manifest.json`, last: format, Huiju version, applied migrations, tables with row counts,
 *   sequences, and the SHA-256 and size of every other entry.
 * The format is logical, so a backup taken on PGlite restores onto PostgreSQL and back.
 */

export const BACKUP_FORMAT = 'huiju-backup';
export const BACKUP_FORMAT_VERSION = 1;
const BATCH = 1000;

export interface ManifestEntry {
  name: string;
  sha256: string;
  bytes: number;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  huijuVersion: string;
  createdAt: string;
  source: { kind: DatabaseKind; serverVersion: string };
  migrations: { name: string; sha256: string }[];
  tables: { name: string; columns: string[]; rows: number; entry: string }[];
  sequences: { name: string; lastValue: string; isCalled: boolean }[];
  files: { storageKey: string; sha256: string; bytes: number; entry: string }[];
  entries: ManifestEntry[];
}

export interface BackupSummary {
  tables: number;
  rows: number;
  files: number;
  fileBytes: number;
  archiveBytes: number;
  /** Stored files whose bytes no longer match the SHA-256 recorded at upload (archived as they are). */
  mismatchedFiles: string[];
}

export class BackupError extends Error {}

const sha256 = () => createHash('sha256');

async function listTables(db: DbOrTx): Promise<string[]> {
  const result = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname <> 'schema_migrations'
     order by c.relname`.execute(db);
  return result.rows.map((r) => r.name);
}

/** Columns a restore writes: every stored column except generated ones (the database recomputes those). */
async function writableColumns(db: DbOrTx, table: string): Promise<string[]> {
  const result = await sql<{ name: string }>`
    select a.attname as name from pg_attribute a
     where a.attrelid = ${`public.${table}`}::regclass and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
     order by a.attnum`.execute(db);
  return result.rows.map((r) => r.name);
}

async function listSequences(db: DbOrTx) {
  const names = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind = 'S' order by c.relname`.execute(db);
  const sequences: BackupManifest['sequences'] = [];
  for (const { name } of names.rows) {
    const value = await sql<{ last_value: string; is_called: boolean }>`
      select last_value::text as last_value, is_called from ${sql.table(name)}`.execute(db);
    sequences.push({ name, lastValue: value.rows[0]!.last_value, isCalled: value.rows[0]!.is_called });
  }
  return sequences;
}

/** Writes the archive to `outFile` (which must not exist); a partial file is never left under that name. */
export async function createBackup(
  db: Db,
  options: { kind: DatabaseKind; files: FileStore; outFile: string; huijuVersion: string },
): Promise<BackupSummary> {
  if (fs.existsSync(options.outFile)) throw new BackupError(`${options.outFile} already exists: choose a new file name.`);
  const partial = `${options.outFile}.partial`;
  const workDir = fs.mkdtempSync(path.join(path.dirname(path.resolve(options.outFile)), '.huiju-backup-'));
  const entries: ManifestEntry[] = [];
  let writer: TarWriter | undefined;
  try {
    // 1. The database, in one snapshot: each table to a temporary .jsonl, hashed as it is written.
    const snapshot = await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        await sql`set transaction read only`.execute(trx);
        const serverVersion = (await sql<{ v: string }>`show server_version`.execute(trx)).rows[0]!.v;
        const migrations = await trx.selectFrom('schema_migrations').select(['name', 'sha256']).orderBy('name').execute();
        const tables: BackupManifest['tables'] = [];
        for (const name of await listTables(trx)) {
          const entry = `db/${name}.jsonl`;
          const dumped = await dumpTable(trx, name, path.join(workDir, `${name}.jsonl`));
          tables.push({ name, columns: await writableColumns(trx, name), rows: dumped.rows, entry });
          entries.push({ name: entry, sha256: dumped.sha256, bytes: dumped.bytes });
        }
        const sequences = await listSequences(trx);
        const files = await trx.selectFrom('stored_files').select(['storage_key', 'sha256', 'size_bytes', 'created_at']).orderBy('storage_key').execute();
        return { serverVersion, migrations, tables, sequences, files };
      });

    // 2. The archive: table dumps, then the files of that snapshot, then the manifest.
    writer = new TarWriter(partial);
    for (const table of snapshot.tables) await writer.addFile(table.entry, path.join(workDir, `${table.name}.jsonl`));
    const files: BackupManifest['files'] = [];
    const mismatchedFiles: string[] = [];
    let fileBytes = 0;
    for (const file of snapshot.files) {
      // Read through the store: a row committed an instant ago (or before a crash, until the next
      // start) is read from its staged place (decisions 011 and 021).
      const size = await options.files.size(file.storage_key);
      if (size === null) throw new BackupError(`stored file ${file.storage_key} is missing from ${options.files.location}: the backup would be incomplete.`);
      const entry = `files/${file.storage_key}`;
      const hash = sha256();
      const bytes = await writer.addStream(entry, size, new Date(file.created_at), options.files.read(file.storage_key), (chunk) => hash.update(chunk));
      const digest = hash.digest('hex');
      if (digest !== file.sha256) mismatchedFiles.push(file.storage_key);
      files.push({ storageKey: file.storage_key, sha256: digest, bytes, entry });
      entries.push({ name: entry, sha256: digest, bytes });
      fileBytes += bytes;
    }
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      huijuVersion: options.huijuVersion,
      createdAt: new Date().toISOString(),
      source: { kind: options.kind, serverVersion: snapshot.serverVersion },
      migrations: snapshot.migrations,
      tables: snapshot.tables,
      sequences: snapshot.sequences,
      files,
      entries,
    };
    await writer.addBuffer('manifest.json', Buffer.from(JSON.stringify(manifest, null, 1), 'utf8'));
    await writer.finish();
    writer = undefined;
    fs.renameSync(partial, options.outFile);
    return {
      tables: snapshot.tables.length,
      rows: snapshot.tables.reduce((sum, t) => sum + t.rows, 0),
      files: files.length,
      fileBytes,
      archiveBytes: fs.statSync(options.outFile).size,
      mismatchedFiles,
    };
  } catch (error) {
    await writer?.abort();
    fs.rmSync(partial, { force: true });
    throw error;
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

async function dumpTable(trx: Transaction<Database>, table: string, file: string) {
  const out = fs.createWriteStream(file);
  const hash = sha256();
  let rows = 0;
  let bytes = 0;
  const write = async (text: string) => {
    const chunk = Buffer.from(text, 'utf8');
    hash.update(chunk);
    bytes += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  try {
    // A cursor reads the table in batches (PGlite cannot stream results).
    await sql`declare huiju_backup no scroll cursor for select to_jsonb(t)::text as j from ${sql.table(table)} t`.execute(trx);
    for (;;) {
      const batch = await sql<{ j: string }>`fetch forward ${sql.lit(BATCH)} from huiju_backup`.execute(trx);
      if (batch.rows.length === 0) break;
      await write(batch.rows.map((r) => `${r.j}\n`).join(''));
      rows += batch.rows.length;
    }
    await sql`close huiju_backup`.execute(trx);
  } finally {
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
  return { rows, bytes, sha256: hash.digest('hex') };
}

/** First pass over an archive: every entry hashed and checked against the manifest before anything is written. */
export async function readVerifiedManifest(file: string): Promise<BackupManifest> {
  const seen = new Map<string, { sha256: string; bytes: number }>();
  let manifestText: string | undefined;
  await readTar(file, (name, size) => {
    if (name === 'manifest.json') {
      if (size > 64 * 1024 * 1024) throw new ArchiveFormatError('manifest.json is implausibly large');
      const parts: Buffer[] = [];
      return { write: (chunk) => void parts.push(chunk), end: () => void (manifestText = Buffer.concat(parts).toString('utf8')) };
    }
    if (seen.has(name)) throw new ArchiveFormatError(`the archive holds ${name} twice`);
    const hash = sha256();
    let bytes = 0;
    return {
      write: (chunk) => {
        bytes += chunk.length;
        hash.update(chunk);
      },
      end: () => void seen.set(name, { sha256: hash.digest('hex'), bytes }),
    };
  });
  if (manifestText === undefined) throw new ArchiveFormatError('the archive has no manifest.json: it is not a Huiju backup');
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(manifestText) as BackupManifest;
  } catch {
    throw new ArchiveFormatError('manifest.json is not valid JSON');
  }
  if (manifest.format !== BACKUP_FORMAT) throw new ArchiveFormatError('manifest.json does not describe a Huiju backup');
  if (manifest.formatVersion !== BACKUP_FORMAT_VERSION) {
    throw new ArchiveFormatError(`backup format ${manifest.formatVersion} is not supported by this version (format ${BACKUP_FORMAT_VERSION})`);
  }
  for (const entry of manifest.entries) {
    const actual = seen.get(entry.name);
    if (!actual) throw new ArchiveFormatError(`${entry.name} is listed in the manifest but missing from the archive`);
    if (actual.sha256 !== entry.sha256 || actual.bytes !== entry.bytes) {
      throw new ArchiveFormatError(`${entry.name} does not match its SHA-256 in the manifest: the archive is damaged or was altered`);
    }
    seen.delete(entry.name);
  }
  const extra = [...seen.keys()];
  if (extra.length > 0) throw new ArchiveFormatError(`the archive holds entries the manifest does not list: ${extra.slice(0, 3).join(', ')}`);
  return manifest;
}

/** True when the database has no tables of its own (a new PostgreSQL database, a new PGlite directory). */
export async function databaseIsEmpty(db: Db): Promise<boolean> {
  const result = await sql<{ n: string }>`
    select count(*)::text as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'S')`.execute(db);
  return result.rows[0]!.n === '0';
}

export interface RestoreSummary {
  tables: number;
  rows: number;
  files: number;
  fileBytes: number;
}

/**
 * Restores a verified archive into an empty database and an empty file directory, all or nothing:
 * the schema (the backup's own migrations), every row, the sequences and the constraints are one
 * transaction; files are written under their storage keys and removed again if anything fails.
 */
export async function restoreBackup(db: Db, options: { file: string; files: FileStore; manifest: BackupManifest }): Promise<RestoreSummary> {
  const { manifest } = options;
  const known = new Map(readMigrationFiles().map((f) => [f.name, f]));
  const migrations = manifest.migrations.map((m) => {
    const file = known.get(m.name);
    if (!file) throw new BackupError(`the backup's schema includes migration ${m.name}, which this version of Huiju does not have: restore with the version that made it (${manifest.huijuVersion}) or newer.`);
    if (file.sha256 !== m.sha256) throw new BackupError(`migration ${m.name} differs between the backup and this version of Huiju.`);
    return file;
  });
  if (!(await databaseIsEmpty(db))) throw new BackupError('the target database is not empty: restore only into a new, empty database.');

  const written: string[] = [];
  try {
    let fileBytes = 0;
    await db.transaction().execute(async (trx) => {
      await ensureMigrationsTable(trx);
      for (const file of migrations) await applyMigration(trx, file);

      const tables = await listTables(trx);
      const byName = new Map(manifest.tables.map((t) => [t.name, t]));
      const missing = tables.filter((t) => !byName.has(t));
      const unknown = manifest.tables.filter((t) => !tables.includes(t.name)).map((t) => t.name);
      if (missing.length || unknown.length) {
        throw new BackupError(`the backup's tables do not match its schema (missing ${missing.join(', ') || '—'}, unknown ${unknown.join(', ') || '—'})`);
      }
      const columns = new Map<string, string[]>();
      for (const table of tables) {
        const cols = await writableColumns(trx, table);
        const expected = byName.get(table)!.columns;
        if (cols.join(',') !== expected.join(',')) throw new BackupError(`the columns of ${table} differ between the backup and its schema`);
        columns.set(table, cols);
      }

      // Load like pg_restore: user triggers off (the units path trigger, the audit guard and chain:
      // rows come back exactly as they were), foreign keys dropped and re-added (validated) at the end.
      const foreignKeys = await sql<{ tbl: string; name: string; def: string }>`
        select c.relname as tbl, k.conname as name, pg_get_constraintdef(k.oid) as def
          from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
         where k.contype = 'f' and n.nspname = 'public' order by c.relname, k.conname`.execute(trx);
      for (const fk of foreignKeys.rows) await sql`alter table ${sql.table(fk.tbl)} drop constraint ${sql.id(fk.name)}`.execute(trx);
      for (const table of tables) {
        await sql`alter table ${sql.table(table)} disable trigger user`.execute(trx);
        // Migrations may seed rows (the audit chain's head); the backup's rows replace them.
        await sql`delete from ${sql.table(table)}`.execute(trx);
      }

      const loaded = new Map<string, number>();
      const entryTable = new Map(manifest.tables.map((t) => [t.entry, t.name]));
      const entryFile = new Map(manifest.files.map((f) => [f.entry, f]));
      await readTar(options.file, async (name): Promise<EntrySink> => {
        const table = entryTable.get(name);
        if (table) return tableLoader(trx, table, columns.get(table)!, (n) => loaded.set(table, (loaded.get(table) ?? 0) + n));
        const file = entryFile.get(name);
        if (file) {
          if (!/^[0-9a-f]{2}\/[0-9a-f-]{36}$/.test(file.storageKey)) throw new BackupError(`invalid storage key ${file.storageKey} in the manifest`);
          // Streamed into the store as the archive is read: never more than a pipe's worth in memory.
          const body = new PassThrough();
          written.push(file.storageKey);
          const stored = options.files.restore(file.storageKey, body);
          stored.catch(() => {});
          return {
            write: async (chunk) => {
              fileBytes += chunk.length;
              if (!body.write(chunk)) await Promise.race([once(body, 'drain'), stored]);
            },
            end: async () => {
              body.end();
              const { sha256: digest } = await stored;
              if (digest !== file.sha256) throw new BackupError(`${name} changed while it was restored`);
            },
          };
        }
        return { write: () => {}, end: () => {} };
      });

      for (const table of manifest.tables) {
        if ((loaded.get(table.name) ?? 0) !== table.rows) {
          throw new BackupError(`${table.name}: ${loaded.get(table.name) ?? 0} rows loaded, the manifest lists ${table.rows}`);
        }
      }
      for (const seq of manifest.sequences) {
        await sql`select setval(${`public.${seq.name}`}::regclass, ${seq.lastValue}::bigint, ${seq.isCalled})`.execute(trx);
      }
      for (const fk of foreignKeys.rows) {
        await sql`alter table ${sql.table(fk.tbl)} add constraint ${sql.id(fk.name)} ${sql.raw(fk.def)}`.execute(trx);
      }
      for (const table of tables) await sql`alter table ${sql.table(table)} enable trigger user`.execute(trx);
    });
    return {
      tables: manifest.tables.length,
      rows: manifest.tables.reduce((sum, t) => sum + t.rows, 0),
      files: manifest.files.length,
      fileBytes,
    };
  } catch (error) {
    for (const key of written) await options.files.remove(key).catch(() => {});
    throw error;
  }
}

/** Splits a .jsonl entry into lines and inserts them in batches through jsonb_populate_recordset. */
function tableLoader(trx: Transaction<Database>, table: string, columns: string[], count: (n: number) => void): EntrySink {
  let rest = '';
  let lines: string[] = [];
  const decoder = new TextDecoder('utf8', { fatal: true });
  const cols = sql.join(columns.map((c) => sql.ref(c)));
  const flush = async () => {
    if (lines.length === 0) return;
    const json = `[${lines.join(',')}]`;
    const n = lines.length;
    lines = [];
    await sql`insert into ${sql.table(table)} (${cols}) overriding system value
              select ${cols} from jsonb_populate_recordset(null::${sql.table(table)}, ${json}::jsonb)`.execute(trx);
    count(n);
  };
  return {
    write: async (chunk) => {
      const text = rest + decoder.decode(chunk, { stream: true });
      const parts = text.split('\n');
      rest = parts.pop()!;
      for (const line of parts) {
        if (line) lines.push(line);
        if (lines.length >= BATCH) await flush();
      }
    },
    end: async () => {
      const last = rest + decoder.decode();
      if (last) lines.push(last);
      await flush();
    },
  };
}
