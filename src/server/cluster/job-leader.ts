import pg from 'pg';
import { processApplicationName } from './process-name';

/**
 * The advisory lock naming the job leader: any constant shared by every Huiju process (the
 * migrations use 4_842_201). In pg_locks a one-bigint lock shows as classid 0, objid = the key,
 * objsubid 1.
 */
export const schedulerLockKey = 4_842_202;

/** What a scheduled round asks before it runs. */
export interface Leadership {
  isLeader(): Promise<boolean>;
}

/** The embedded database: one process holds the data directory, so it always leads. */
export const soleProcess: Leadership = { isLeader: async () => true };

/**
 * One scheduler across processes (issue 10, decision 019): the process holding a session-level
 * pg_try_advisory_lock on its own dedicated connection runs the rounds (mail delivery, reminders,
 * escalations, purges); the others skip theirs. When the leader dies or its connection drops,
 * PostgreSQL releases the lock and the next process to ask takes over within one round. The lock
 * is for efficiency and for pointing at one process: each round stays safe if two ever overlap
 * (FOR UPDATE SKIP LOCKED, the reminders' unique index, the escalations' conditional update).
 */
export class JobLeader implements Leadership {
  private client: pg.Client | undefined;
  private held = false;
  private pending: Promise<boolean> | undefined;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly log: (message: string) => void = () => {},
  ) {}

  /** Whether this process leads now (taking the lock when free); false when the database is unreachable. */
  isLeader(): Promise<boolean> {
    // Schedulers ticking at the same moment share one check on the one connection.
    this.pending ??= this.check().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async check(): Promise<boolean> {
    if (this.closed) return false;
    try {
      const client = await this.connection();
      if (this.held) {
        // Still alive means still holding: the lock lives as long as this session.
        await client.query('select 1');
        return true;
      }
      const result = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [schedulerLockKey]);
      this.held = result.rows[0]?.locked === true;
      if (this.held) this.log(`jobs: this process (${processApplicationName()}) is now the job leader`);
      return this.held;
    } catch (error) {
      this.drop(error as Error);
      return false;
    }
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({ connectionString: this.url, application_name: processApplicationName(), keepAlive: true });
    client.on('error', (error) => {
      if (this.client === client) this.drop(error);
    });
    client.on('end', () => {
      if (this.client === client) this.drop();
    });
    this.client = client;
    await client.connect();
    return client;
  }

  private drop(error?: Error) {
    const client = this.client;
    if (!client) return;
    if (this.held) this.log(`jobs: lost the job leader's connection${error ? ` (${error.message})` : ''}; another process may take over`);
    this.client = undefined;
    this.held = false;
    client.end().catch(() => {});
  }

  /** Lets another process lead (closing the session releases the lock). */
  async close(): Promise<void> {
    this.closed = true;
    await this.pending?.catch(() => {});
    const client = this.client;
    this.client = undefined;
    this.held = false;
    await client?.end().catch(() => {});
  }
}
