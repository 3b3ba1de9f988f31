import type { Config } from './config';
import type { Db, DatabaseKind } from './db/database';
import type { FileStore } from './storage/file-store';

/** What every feature needs from the process: built once in main.ts (or a test) and passed to buildApp. */
export interface AppContext {
  db: Db;
  databaseKind: DatabaseKind;
  config: Config;
  version: string;
  files: FileStore;
}
