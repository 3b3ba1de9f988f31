import { sql } from 'kysely';
import type { Db } from './database';

/**
 * Read replica routing (decision 020): public showcase and statistics reads may be answered by a
 * PostgreSQL hot standby. This module holds the one decision of where such a read goes, the
 * replica's health as last measured, and the counters the health endpoint shows. It knows nothing
 * of HTTP: the Fastify side (the cookie, the header) is src/server/plugins/read-routing.ts.
 */

export type ReadSource = 'replica' | 'primary';
/** none: no replica configured; unknown: not measured yet; lagging: further behind than allowed. */
export type ReplicaState = 'none' | 'unknown' | 'healthy' | 'lagging' | 'down';

export interface ReadDecisionInput {
  state: ReplicaState;
  /** Epoch ms until which this client's reads go to the primary (after its own write), if any. */
  primaryUntil: number | undefined;
  now: number;
}

export type ReadReason = 'replica' | 'no_replica' | 'own_write' | 'replica_unknown' | 'replica_lagging' | 'replica_down';

/** Where a routable read goes. Pure: the whole policy in one place, unit-tested. */
export function chooseReadSource(input: ReadDecisionInput): { source: ReadSource; reason: ReadReason } {
  if (input.state === 'none') return { source: 'primary', reason: 'no_replica' };
  // Read-your-writes first: a client that just wrote must see its write whatever the replica's state.
  if (input.primaryUntil !== undefined && input.primaryUntil > input.now) return { source: 'primary', reason: 'own_write' };
  if (input.state === 'healthy') return { source: 'replica', reason: 'replica' };
  return { source: 'primary', reason: `replica_${input.state}` };
}

export interface ReplicaProbe {
  inRecovery: boolean;
  /** null when the standby cannot tell (nothing replayed yet while WAL is waiting). */
  lagSeconds: number | null;
}

/** Classifies one measurement of the replica. Pure. */
export function replicaStateOf(probe: ReplicaProbe, maxLagSeconds: number): { state: ReplicaState; lagSeconds: number | null } {
  // Not in recovery: a promoted or misconfigured "replica" no longer follows the primary; its data
  // would drift apart silently, so it is passed over.
  if (!probe.inRecovery) return { state: 'down', lagSeconds: null };
  if (probe.lagSeconds === null || probe.lagSeconds > maxLagSeconds) return { state: 'lagging', lagSeconds: probe.lagSeconds };
  return { state: 'healthy', lagSeconds: probe.lagSeconds };
}

/**
 * Lag as the standby sees it. On an idle primary the last replayed transaction ages although
 * nothing is behind: a standby that has replayed all it received counts as lag 0.
 */
export async function probeReplica(replica: Db): Promise<ReplicaProbe> {
  const result = await sql<{ in_recovery: boolean; lag: string | number | null }>`
    select pg_is_in_recovery() as in_recovery,
      case
        when not pg_is_in_recovery() then null
        when pg_last_wal_receive_lsn() is not null and pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
        else extract(epoch from now() - pg_last_xact_replay_timestamp())
      end as lag`.execute(replica);
  const row = result.rows[0]!;
  return { inRecovery: row.in_recovery, lagSeconds: row.lag === null ? null : Math.max(0, Number(row.lag)) };
}

/** A connection-level failure (refused, reset, timed out, server shutting down), as opposed to a failing query. */
export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN'].includes(code)) return true;
  // SQLSTATE class 08 (connection exception), 57P01–57P03 (admin shutdown, crash shutdown, cannot connect now).
  if (/^08/.test(code) || ['57P01', '57P02', '57P03'].includes(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message);
}

/**
 * A failure only a standby produces, which the primary would answer: a query cancelled by a
 * conflict with recovery (replay needed rows it read), or a write refused in a read-only
 * transaction (a routed read that writes is a bug, but the visitor still gets an answer).
 */
export function isStandbyOnlyError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  return code === '25006' || ((code === '40001' || code === '40P01') && /conflict with recovery/i.test(message));
}

export interface ReadRouterOptions {
  primary: Db;
  replica?: Db | undefined;
  maxLagSeconds: number;
  /** Interval of the background lag check; 0: only when checkNow() is called (tests). */
  checkIntervalMs?: number;
  /** A check slower than this counts as the replica being down. */
  checkTimeoutMs?: number;
  warn?: (message: string) => void;
  info?: (message: string) => void;
}

export interface ReadStats {
  replica: ReplicaState;
  lagSeconds: number | null;
  maxLagSeconds: number;
  readsFromReplica: number;
  readsFromPrimary: number;
  /** Reads that failed on the replica (lost connection, recovery conflict) and were answered by the primary. */
  replicaFallbacks: number;
}

export class ReadRouter {
  readonly primary: Db;
  readonly replica: Db | undefined;
  private state: ReplicaState;
  private lagSeconds: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private readonly counts = { replica: 0, primary: 0, fallbacks: 0 };

  constructor(private readonly options: ReadRouterOptions) {
    this.primary = options.primary;
    this.replica = options.replica;
    this.state = options.replica ? 'unknown' : 'none';
  }

  /** Starts the background check (once per second by default); a no-op without a replica. */
  start(): void {
    if (!this.replica || this.timer) return;
    const interval = this.options.checkIntervalMs ?? 1000;
    void this.checkNow();
    if (interval > 0) {
      this.timer = setInterval(() => void this.checkNow(), interval);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Measures the replica now (one check at a time) and updates its state. */
  checkNow(): Promise<void> {
    const replica = this.replica;
    if (!replica) return Promise.resolve();
    this.checking ??= (async () => {
      let timeout: NodeJS.Timeout | undefined;
      try {
        const limit = new Promise<never>((_, reject) => {
          timeout = setTimeout(() => reject(new Error(`no answer within ${this.options.checkTimeoutMs ?? 2000} ms`)), this.options.checkTimeoutMs ?? 2000);
        });
        const probe = await Promise.race([probeReplica(replica), limit]);
        const measured = replicaStateOf(probe, this.options.maxLagSeconds);
        this.lagSeconds = measured.lagSeconds;
        this.setState(measured.state, probe.inRecovery ? `lag ${measured.lagSeconds ?? 'unknown'} s, max ${this.options.maxLagSeconds} s` : 'not in recovery: not a standby');
      } catch (error) {
        this.lagSeconds = null;
        this.setState('down', (error as Error).message);
      } finally {
        clearTimeout(timeout);
        this.checking = undefined;
      }
    })();
    return this.checking;
  }

  /** Where a routable read goes now for a client whose reads stay on the primary until primaryUntil. */
  choose(primaryUntil: number | undefined, now = Date.now()): ReadSource {
    return chooseReadSource({ state: this.state, primaryUntil, now }).source;
  }

  /**
   * Runs a read on the chosen database. A read that fails on the replica for its connection (or
   * for a reason only a standby has) is run once more on the primary: the visitor gets an answer,
   * not a 500. A lost connection also counts the replica as down until the next check. Returns the
   * value and the source that answered.
   */
  async run<T>(source: ReadSource, read: (db: Db) => Promise<T>): Promise<{ value: T; source: ReadSource }> {
    if (source === 'replica' && this.replica) {
      try {
        const value = await read(this.replica);
        this.counts.replica++;
        return { value, source: 'replica' };
      } catch (error) {
        if (isConnectionError(error)) this.setState('down', (error as Error).message);
        else if (isStandbyOnlyError(error)) {
          if ((error as { code?: unknown }).code === '25006') this.options.warn?.(`a routed read tried to write on the replica and was run on the primary: ${(error as Error).message}`);
        } else throw error;
        this.counts.fallbacks++;
      }
    }
    const value = await read(this.primary);
    this.counts.primary++;
    return { value, source: 'primary' };
  }

  stats(): ReadStats {
    return {
      replica: this.state,
      lagSeconds: this.lagSeconds,
      maxLagSeconds: this.options.maxLagSeconds,
      readsFromReplica: this.counts.replica,
      readsFromPrimary: this.counts.primary,
      replicaFallbacks: this.counts.fallbacks,
    };
  }

  // Logged on a change of state only, not per request or per check.
  private setState(next: ReplicaState, detail: string) {
    if (next === this.state) return;
    const previous = this.state;
    this.state = next;
    if (next === 'healthy') this.options.info?.(`read replica ${previous === 'unknown' ? 'in use' : 'back in use'} (${detail})`);
    else this.options.warn?.(`read replica ${next}: public and statistics reads go to the primary (${detail})`);
  }
}
