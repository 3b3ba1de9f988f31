import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../server/config';
import { huijuVersion, openConfiguredDatabase } from '../server/bootstrap';
import { fieldKeyFileName } from '../server/crypto/field-keys';
import { ArchiveFormatError } from '../server/backup/tar';
import { BackupError, createBackup, readVerifiedManifest, restoreBackup } from '../server/backup/backup';
import { openFileStore } from '../server/storage/open-file-store';
import { CliError } from './shared';

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

/** Known failures print one line; anything else keeps its stack trace (runCli). */
const asCliError = (error: unknown) => (error instanceof BackupError || error instanceof ArchiveFormatError ? new CliError(error.message) : error);

function nonEmptyEntries(dir: string, ignore: string[] = []): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((name) => !ignore.includes(name));
}

export function registerBackupCommands(program: Command): void {
  program
    .command('backup <file>')
    .description('write one consistent archive (.tar.gz): every table, every uploaded file, a manifest of SHA-256s')
    .addHelpText(
      'after',
      '\nOn the embedded database the server must be stopped (the data directory is locked while it runs);\n' +
        'with DATABASE_URL the backup reads one snapshot while the server keeps running.',
    )
    .action(async (file: string) => {
      const out = path.resolve(file);
      if (fs.existsSync(out)) throw new CliError(`${file} already exists: choose a new file name.`);
      if (!fs.existsSync(path.dirname(out))) throw new CliError(`Directory not found: ${path.dirname(out)}`);
      const config = loadConfig();
      const started = Date.now();
      const database = await openConfiguredDatabase(config);
      try {
        const summary = await createBackup(database.db, {
          kind: database.kind,
          files: await openFileStore(config),
          outFile: out,
          huijuVersion,
        }).catch((error: unknown) => {
          throw asCliError(error);
        });
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        console.log(
          `Backup written to ${file}: ${summary.tables} tables, ${summary.rows} rows, ${summary.files} files (${mib(summary.fileBytes)}); ` +
            `archive ${mib(summary.archiveBytes)} in ${seconds} s.`,
        );
        for (const key of summary.mismatchedFiles) {
          console.error(`warning: stored file ${key} no longer matches the SHA-256 recorded at upload; archived as it is.`);
        }
      } finally {
        await database.close();
      }
    });

  program
    .command('restore <file>')
    .description('restore an archive written by `huiju backup` into an empty data directory or empty database')
    .addHelpText(
      'after',
      '\nThe target is HUIJU_DATA_DIR (its embedded database and files/ must not exist yet) or, with\n' +
        'DATABASE_URL, a new empty database (files go to HUIJU_DATA_DIR/files, or the empty bucket of\n' +
        'HUIJU_STORAGE=s3). The archive is checked\n' +
        'against its manifest before anything is written; the database part is one transaction.',
    )
    .action(async (file: string) => {
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new CliError(`File not found: ${file}`);
      const config = loadConfig();
      const pgdata = path.join(config.dataDir, 'pgdata');
      if (!config.databaseUrl && nonEmptyEntries(pgdata).length > 0) {
        throw new CliError(`${config.dataDir} already holds a database: restore into an empty data directory.`);
      }
      const started = Date.now();
      const manifest = await readVerifiedManifest(file).catch((error: unknown) => {
        throw asCliError(error);
      });
      // Opened once the archive is verified: a refused archive leaves the data directory untouched.
      const files = await openFileStore(config);
      if (!(await files.isEmpty())) {
        throw new CliError(`${files.location} already holds files: restore into an empty ${config.storage.kind === 's3' ? 'bucket' : 'data directory'}.`);
      }
      const createdPgdata = !config.databaseUrl && !fs.existsSync(pgdata);
      let restored = false;
      const database = await openConfiguredDatabase(config);
      try {
        const summary = await restoreBackup(database.db, { file, files, manifest }).catch((error: unknown) => {
          throw asCliError(error);
        });
        restored = true;
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        console.log(
          `Restored ${file} (Huiju ${manifest.huijuVersion}, ${manifest.source.kind}, ${manifest.createdAt}): ` +
            `${summary.tables} tables, ${summary.rows} rows, ${summary.files} files (${mib(summary.fileBytes)}) in ${seconds} s.`,
        );
        // The archive never carries the keys: say which ones the restored data needs.
        const keys = await database.db.selectFrom('field_encryption_keys').select('key_id').execute();
        if (keys.length > 0) {
          console.log(
            `Personal data in it is sealed under field key ${keys.map((k) => k.key_id).join(', ')}: start with the same HUIJU_FIELD_KEYS, ` +
              `or copy the file ${fieldKeyFileName} of the original data directory into ${config.dataDir}.`,
          );
        }
      } finally {
        await database.close();
        // A failed restore leaves the directory as empty as it found it.
        if (!restored && createdPgdata) fs.rmSync(pgdata, { recursive: true, force: true });
      }
    });
}
