import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export const pgBin = '/usr/lib/postgresql/15/bin';

/** Whether the tests that start their own PostgreSQL servers should run (CI requires them). */
export const privatePostgresWanted = fs.existsSync(`${pgBin}/postgres`) && (process.env.HUIJU_REQUIRE_POSTGRES === '1' || !!process.env.TEST_DATABASE_URL);

/**
 * A private PostgreSQL 15 server a test may stop, restart or replicate (postgres refuses to run as
 * root: it runs as huiju-pg then). `primary` enables WAL streaming so a standby can follow it.
 */
export class PrivateCluster {
  readonly dir = fs.mkdtempSync('/tmp/huiju-pg-cluster-');
  readonly runAs = process.getuid?.() === 0 ? ['runuser', '-u', 'huiju-pg', '--'] : [];
  private readonly settings: string[];

  constructor(
    readonly port: number,
    options: { primary?: boolean; standbyOf?: PrivateCluster } = {},
  ) {
    fs.chmodSync(this.dir, 0o755);
    if (this.runAs.length > 0) {
      if (spawnSync('id', ['huiju-pg']).status !== 0) spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'huiju-pg']);
      spawnSync('chown', ['huiju-pg', this.dir]);
    }
    this.settings = ['-c listen_addresses=127.0.0.1', '-c max_connections=100'];
    if (options.standbyOf) {
      // A base backup with -R writes standby.signal and primary_conninfo: the copy follows the primary.
      this.run(`${pgBin}/pg_basebackup`, ['-h', '127.0.0.1', '-p', String(options.standbyOf.port), '-U', 'postgres', '-D', `${this.dir}/data`, '-R', '-X', 'stream']);
      this.settings.push('-c hot_standby=on');
    } else {
      this.run(`${pgBin}/initdb`, ['-D', `${this.dir}/data`, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
      if (options.primary) this.settings.push('-c wal_level=replica', '-c max_wal_senders=5');
    }
    this.start();
  }

  private run(command: string, args: string[]) {
    const [bin, ...rest] = this.runAs.length > 0 ? [...this.runAs, command, ...args] : [command, ...args];
    const result = spawnSync(bin!, rest, { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stdout}${result.stderr}`);
  }

  get url() {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  start() {
    this.run(`${pgBin}/pg_ctl`, ['-D', `${this.dir}/data`, '-l', `${this.dir}/server.log`, '-w', '-t', '60', '-o', `-p ${this.port} -k ${this.dir} ${this.settings.join(' ')}`, 'start']);
  }

  stopImmediately() {
    this.run(`${pgBin}/pg_ctl`, ['-D', `${this.dir}/data`, '-m', 'immediate', 'stop']);
  }

  remove() {
    try {
      this.stopImmediately();
    } catch {
      // already stopped
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
