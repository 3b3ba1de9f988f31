import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from '../db/database';
import { processApplicationName } from './process-name';

/** The PostgreSQL channel on which a process tells the others that its write made caches stale. */
export const invalidationChannel = 'huiju_invalidate';

/** What a cache must offer to be kept coherent across processes. */
export interface ClusterCache {
  clear(): void;
  /** Off: answer nothing from memory and keep nothing (a missed notification would serve stale data). */
  setServing(on: boolean): void;
}

export interface InvalidationOptions {
  db: Db;
  /** The PostgreSQL server; absent on the embedded database (one process: nothing to tell). */
  url: string | undefined;
  caches: ClusterCache[];
  log?: (message: string) => void;
  /** Reconnection delays grow from `minBackoffMs` to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Cross-process cache invalidation (issue 10, decision 019). After a successful write, `publish()`
 * clears this process's caches and sends NOTIFY on `huiju_invalidate` naming this instance; every
 * other process LISTENs on one dedicated connection and clears its caches when a notification
 * arrives. While that connection is down (database restart, network) notifications may be missed,
 * so the caches stop serving until it is back and then start empty.
 */
export class CacheInvalidation {
  /** Names this instance in its notifications, so it ignores its own (already cleared locally). */
  readonly origin = `${processApplicationName()}:${randomBytes(4).toString('hex')}`;
  private client: pg.Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private listening = false;
  /** Notifications received from other instances (tests and cluster-check read it). */
  received = 0;

  constructor(private readonly options: InvalidationOptions) {
    this.backoffMs = options.minBackoffMs ?? 100;
    // On a server the caches wait for the listener; on the embedded database they serve at once.
    for (const cache of options.caches) cache.setServing(!options.url);
  }

  /** True on the embedded database, or while the LISTEN connection is up. */
  get connected(): boolean {
    return !this.options.url || this.listening;
  }

  /** The listener's server process id (tests terminate it to prove reconnection). */
  get listenerPid(): number | undefined {
    return this.listening ? (this.client as unknown as { processID?: number } | undefined)?.processID : undefined;
  }

  /** Connects the listener (one attempt; on failure it keeps retrying in the background). */
  async start(): Promise<void> {
    if (!this.options.url || this.closed) return;
    await this.connect();
  }

  private async connect(): Promise<void> {
    this.retry = undefined;
    const client = new pg.Client({ connectionString: this.options.url, application_name: processApplicationName(), keepAlive: true });
    this.client = client;
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.listening) this.options.log?.(`cache invalidation: listener lost${error ? ` (${error.message})` : ''}; caches off until it is back`);
      this.setListening(false);
      client.end().catch(() => {});
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (message) => {
      if (message.channel !== invalidationChannel || message.payload === this.origin) return;
      this.received++;
      for (const cache of this.options.caches) cache.clear();
    });
    try {
      await client.connect();
      await client.query(`listen ${invalidationChannel}`);
      if (this.closed || lost) {
        await client.end().catch(() => {});
        return;
      }
      this.backoffMs = this.options.minBackoffMs ?? 100;
      this.setListening(true);
    } catch (error) {
      onLost(error as Error);
    }
  }

  private scheduleReconnect() {
    if (this.closed || this.retry) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 5_000);
    this.retry = setTimeout(() => void this.connect(), delay * (0.75 + Math.random() * 0.5));
    this.retry.unref();
  }

  private setListening(on: boolean) {
    if (this.listening === on) return;
    this.listening = on;
    // Back on: whatever was written meanwhile is unknown, so the caches start empty.
    for (const cache of this.options.caches) {
      cache.clear();
      cache.setServing(on);
    }
  }

  /** After a successful write: clears the caches here and tells every other process to. */
  async publish(): Promise<void> {
    for (const cache of this.options.caches) cache.clear();
    if (!this.options.url) return;
    try {
      await sql`select pg_notify(${invalidationChannel}, ${this.origin})`.execute(this.options.db);
    } catch (error) {
      // The write itself succeeded; other processes then serve their copies until their TTL.
      this.options.log?.(`cache invalidation: NOTIFY failed: ${(error as Error).message}`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.listening = false;
    await this.client?.end().catch(() => {});
  }
}
