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
  /**
   * The PostgreSQL server's URL, for the dedicated connections other processes are reached through
   * (cache invalidation's LISTEN). Absent on the embedded database, which one process holds.
   */
  databaseUrl?: string | undefined;
  /** A hot standby of db answering public showcase and statistics reads (decision 020); owned by the caller. */
  replicaDb?: Db;
  /** Interval of the replica's lag check (default 1 s; 0: only when asked, for tests). */
  replicaCheckIntervalMs?: number;
}
