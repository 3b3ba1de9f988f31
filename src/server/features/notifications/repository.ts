import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database';
import { sealField } from '../../crypto/personal-data';

export interface NewNotification {
  unitId: number;
  kind: string;
  title: string;
  body?: string;
  link?: string | null;
}

export async function insertNotifications(db: DbOrTx, rows: NewNotification[]) {
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('notifications')
      .values(rows.slice(i, i + 1000).map((r) => ({ unit_id: r.unitId, kind: r.kind, title: r.title, body: r.body ?? '', link: r.link ?? null })))
      .execute();
  }
}

export interface NewMail {
  dedupeKey: string;
  to: string;
  subject: string;
  text: string;
  unitId: number | null;
}

/** Queues mail in the caller's transaction; the same dedupe key never queues twice. */
export async function enqueueMail(db: DbOrTx, mails: NewMail[]) {
  for (let i = 0; i < mails.length; i += 1000) {
    const batch = mails.slice(i, i + 1000);
    if (batch.length === 0) continue;
    await db
      .insertInto('mail_outbox')
      .values(batch.map((m) => ({ dedupe_key: m.dedupeKey, to_address: sealField('mail_outbox', 'to_address', m.to), subject: m.subject, text_body: m.text, unit_id: m.unitId })))
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .execute();
  }
}

export async function listNotifications(db: DbOrTx, unitIds: number[], limit: number) {
  if (unitIds.length === 0) return { items: [], unread: 0 };
  const [items, unread] = await Promise.all([
    db.selectFrom('notifications').selectAll().where('unit_id', 'in', unitIds).orderBy('id', 'desc').limit(limit).execute(),
    db
      .selectFrom('notifications')
      .select(sql<string>`count(*)`.as('n'))
      .where('unit_id', 'in', unitIds)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ]);
  return { items, unread: Number(unread.n) };
}

export async function markNotificationsRead(db: DbOrTx, unitIds: number[], userId: number, ids?: string[]) {
  if (unitIds.length === 0 || ids?.length === 0) return;
  let query = db
    .updateTable('notifications')
    .set({ read_at: new Date(), read_by: userId || null })
    .where('unit_id', 'in', unitIds)
    .where('read_at', 'is', null);
  if (ids) query = query.where('id', 'in', ids);
  const read = await query.returning('id').execute();
  // A reminder counts as read when the unit reads its notification: the sender sees it.
  if (read.length > 0) {
    await db.updateTable('reminders').set({ read_at: new Date() }).where('notification_id', 'in', read.map((r) => r.id)).where('read_at', 'is', null).execute();
  }
}
