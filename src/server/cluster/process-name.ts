import os from 'node:os';

/**
 * The PostgreSQL application_name of every connection this process opens: `huiju:<host>:<pid>`,
 * so pg_stat_activity names which Huiju process holds a connection (the job leader, a listener)
 * and `huiju cluster-check` can list the processes on a database. PostgreSQL keeps 63 bytes.
 */
export function processApplicationName(): string {
  return `huiju:${os.hostname()}:${process.pid}`.slice(0, 63);
}
