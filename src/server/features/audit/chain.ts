import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, DbOrTx } from '../../db/database';
import { insertAuditEntry } from './repository';

/**
 * The audit log's hash chain (migration 0007, decision 007). The database computes each row's hash
 * in its insert trigger; this module recomputes it independently from the stored fields, so a row
 * edited or deleted behind the application's back (trigger disabled by a superuser, a restored
 * file edited by hand) is found and named.
 */

export const GENESIS_HASH = '0'.repeat(64);
/** The floor below which no purge may go, also enforced by the database trigger. */
export const AUDIT_RETENTION_MONTHS = 6;

/** The fields of one row as text, exactly as the migration's `audit_log_row_hash` reads them. */
export interface ChainRowText {
  id: string;
  chain_seq: string;
  occurred_us: string;
  actor_user_id: string | null;
  actor_username: string | null;
  actor_unit_id: string | null;
  unit_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: string;
  ip: string | null;
  details: string;
}

const field = (value: string | null) => (value === null ? '-' : `${Buffer.byteLength(value, 'utf8')}:${value}`);

export function canonicalAuditRow(row: ChainRowText): string {
  return [
    row.chain_seq,
    row.id,
    row.occurred_us,
    row.actor_user_id,
    row.actor_username,
    row.actor_unit_id,
    row.unit_id,
    row.action,
    row.target_type,
    row.target_id,
    row.outcome,
    row.ip,
    row.details,
  ]
    .map(field)
    .join('|');
}

export function auditRowHash(prevHash: string, row: ChainRowText): string {
  return createHash('sha256').update(prevHash + canonicalAuditRow(row), 'utf8').digest('hex');
}

export interface ChainHead {
  headSeq: string;
  headHash: string;
  anchorSeq: string;
  anchorHash: string;
  anchorBefore: Date | null;
  purgedAt: Date | null;
}

export interface BrokenLink {
  /** The audit_log id of the first row that does not verify (null when the row itself is gone). */
  id: string | null;
  seq: string | null;
  reason: string;
}

export interface ChainReport {
  ok: boolean;
  rows: number;
  head: ChainHead;
  firstBroken: BrokenLink | null;
}

export async function readChainHead(db: DbOrTx, forUpdate = false): Promise<ChainHead> {
  const result = await sql<{
    head_seq: string;
    head_hash: string;
    anchor_seq: string;
    anchor_hash: string;
    anchor_before: Date | null;
    purged_at: Date | null;
  }>`select head_seq::text as head_seq, head_hash, anchor_seq::text as anchor_seq, anchor_hash, anchor_before, purged_at
     from audit_chain where id ${forUpdate ? sql`for update` : sql``}`.execute(db);
  const row = result.rows[0];
  if (!row) throw new Error('audit_chain has no head row: the audit chain migration (0007) has not run.');
  return {
    headSeq: row.head_seq,
    headHash: row.head_hash,
    anchorSeq: row.anchor_seq,
    anchorHash: row.anchor_hash,
    anchorBefore: row.anchor_before,
    purgedAt: row.purged_at,
  };
}

interface StoredChainRow extends ChainRowText {
  prev_hash: string;
  row_hash: string;
}

async function chainBatch(db: DbOrTx, afterSeq: string, limit: number) {
  const result = await sql<StoredChainRow>`
    select id::text as id, chain_seq::text as chain_seq,
           ((extract(epoch from occurred_at) * 1000000)::bigint)::text as occurred_us,
           actor_user_id::text as actor_user_id, actor_username, actor_unit_id::text as actor_unit_id,
           unit_id::text as unit_id, action, target_type, target_id, outcome, ip, details::text as details,
           prev_hash, row_hash
      from audit_log
     where chain_seq > ${afterSeq}::bigint
     order by audit_log.chain_seq
     limit ${limit}`.execute(db);
  return result.rows;
}

/**
 * Walks the chain from its anchor to its head and reports the first row that does not verify:
 * a changed row (its hash no longer matches its content), a row removed or inserted (a gap in the
 * sequence, a link to a hash that is not the previous row's), rows added with the trigger disabled
 * (no place in the chain), or rows removed from the end (the head records more than is there).
 */
export async function verifyAuditChain(db: DbOrTx, batchSize = 2000): Promise<ChainReport> {
  const head = await readChainHead(db);
  const report = (rows: number, firstBroken: BrokenLink | null): ChainReport => ({ ok: firstBroken === null, rows, head, firstBroken });

  let expectedSeq = BigInt(head.anchorSeq) + 1n;
  let expectedPrev = head.anchorHash;
  let rows = 0;
  let lastId: string | null = null;
  // Rows before the anchor must all have been purged.
  const early = await sql<{ id: string; chain_seq: string }>`
    select id::text as id, chain_seq::text as chain_seq from audit_log
     where chain_seq <= ${head.anchorSeq}::bigint order by audit_log.chain_seq limit 1`.execute(db);
  if (early.rows[0]) {
    return report(0, { id: early.rows[0].id, seq: early.rows[0].chain_seq, reason: `row lies before the chain's anchor (seq ${head.anchorSeq})` });
  }
  for (let after = head.anchorSeq; ; ) {
    const batch = await chainBatch(db, after, batchSize);
    for (const row of batch) {
      if (BigInt(row.chain_seq) !== expectedSeq) {
        const missing = expectedSeq === BigInt(row.chain_seq) - 1n ? `seq ${expectedSeq}` : `seq ${expectedSeq}–${BigInt(row.chain_seq) - 1n}`;
        return report(rows, { id: row.id, seq: row.chain_seq, reason: `the chain has a gap before this row: ${missing} missing` });
      }
      if (row.prev_hash !== expectedPrev) {
        return report(rows, { id: row.id, seq: row.chain_seq, reason: 'its link (prev_hash) is not the previous row’s hash: a row before it was changed, removed or inserted' });
      }
      const actual = auditRowHash(row.prev_hash, row);
      if (actual !== row.row_hash) {
        return report(rows, { id: row.id, seq: row.chain_seq, reason: 'its content does not match its hash: the row was changed after it was written' });
      }
      expectedPrev = row.row_hash;
      expectedSeq += 1n;
      rows += 1;
      lastId = row.id;
    }
    if (batch.length < batchSize) break;
    after = batch[batch.length - 1]!.chain_seq;
  }
  const lastSeq = expectedSeq - 1n;
  if (lastSeq !== BigInt(head.headSeq) || expectedPrev !== head.headHash) {
    return report(rows, {
      id: lastId,
      seq: lastSeq.toString(),
      reason:
        lastSeq < BigInt(head.headSeq)
          ? `the chain ends at seq ${lastSeq} but its head records seq ${head.headSeq}: the last ${BigInt(head.headSeq) - lastSeq} row(s) were removed`
          : `the chain's head (seq ${head.headSeq}) does not match its last row`,
    });
  }
  const unchained = await sql<{ id: string }>`select id::text as id from audit_log where chain_seq is null order by audit_log.id limit 1`.execute(db);
  if (unchained.rows[0]) {
    return report(rows, { id: unchained.rows[0].id, seq: null, reason: 'the row has no place in the chain (written with the chain trigger disabled)' });
  }
  return report(rows, null);
}

/** Verifies inside one REPEATABLE READ snapshot, so concurrent writers cannot make a sound chain look broken. */
export function verifyAuditChainConsistently(db: Db): Promise<ChainReport> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      await sql`set transaction read only`.execute(trx);
      return verifyAuditChain(trx);
    });
}

export class AuditPurgeRefused extends Error {}

export function retentionLimit(now = new Date()): Date {
  const limit = new Date(now);
  limit.setUTCMonth(limit.getUTCMonth() - AUDIT_RETENTION_MONTHS);
  return limit;
}

export interface PurgeResult {
  purged: number;
  anchorSeq: string;
  anchorHash: string;
}

/**
 * Deletes the audit rows written before `before` (which must lie at least six months back), as a
 * prefix of the chain: the chain must verify first, the hash of the last removed row becomes the
 * anchor the remaining rows verify from, and the purge is itself audited.
 */
export async function purgeAuditLog(db: Db, options: { before: Date; actorUsername: string; now?: Date }): Promise<PurgeResult> {
  const limit = retentionLimit(options.now);
  if (!(options.before.getTime() <= limit.getTime())) {
    throw new AuditPurgeRefused(
      `Audit entries are kept at least ${AUDIT_RETENTION_MONTHS} months: --before must be on or before ${limit.toISOString().slice(0, 10)}.`,
    );
  }
  return db.transaction().execute(async (trx) => {
    const head = await readChainHead(trx, true);
    const check = await verifyAuditChain(trx);
    if (!check.ok) {
      const broken = check.firstBroken!;
      throw new AuditPurgeRefused(`The audit chain does not verify (row ${broken.id ?? '?'}: ${broken.reason}); nothing was purged.`);
    }
    const firstKept = await sql<{ chain_seq: string }>`
      select min(chain_seq)::text as chain_seq from audit_log where occurred_at >= ${options.before}`.execute(trx);
    const lastPurged = firstKept.rows[0]?.chain_seq ? BigInt(firstKept.rows[0].chain_seq) - 1n : BigInt(head.headSeq);
    if (lastPurged <= BigInt(head.anchorSeq)) return { purged: 0, anchorSeq: head.anchorSeq, anchorHash: head.anchorHash };
    const anchor = await sql<{ row_hash: string }>`select row_hash from audit_log where chain_seq = ${lastPurged.toString()}::bigint`.execute(trx);
    const anchorHash = anchor.rows[0]!.row_hash;
    await sql`select set_config('huiju.audit_purge', 'on', true)`.execute(trx);
    const deleted = await sql`delete from audit_log where chain_seq <= ${lastPurged.toString()}::bigint`.execute(trx);
    await sql`select set_config('huiju.audit_purge', 'off', true)`.execute(trx);
    await sql`update audit_chain set anchor_seq = ${lastPurged.toString()}::bigint, anchor_hash = ${anchorHash},
                     anchor_before = ${options.before}, purged_at = now() where id`.execute(trx);
    const purged = Number(deleted.numAffectedRows ?? 0n);
    await insertAuditEntry(trx, {
      actorUsername: options.actorUsername,
      action: 'audit.purge',
      targetType: 'audit_log',
      details: { before: options.before.toISOString(), purged, anchorSeq: lastPurged.toString(), anchorHash },
    });
    return { purged, anchorSeq: lastPurged.toString(), anchorHash };
  });
}
