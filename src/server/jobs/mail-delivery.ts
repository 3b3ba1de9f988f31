import nodemailer, { type Transporter } from 'nodemailer';
import { sql } from 'kysely';
import type { Config } from '../config';
import { soleProcess, type Leadership } from '../cluster/job-leader';
import type { Db } from '../db/database';
import { openField } from '../crypto/personal-data';

/**
 * Delivers the mail outbox. Mail is written to `mail_outbox` in the same transaction as what causes
 * it (a notice, a return, a reminder), so nothing is lost; this worker sends it. Rows are leased
 * with FOR UPDATE SKIP LOCKED, so several processes never send the same row at once; a failure
 * (SMTP down) is retried with exponential backoff up to `maxAttempts`. See
 * docs/decisions/005-mail-outbox.md for why no job library is used here.
 */
export const maxAttempts = 12;
const leaseMinutes = 5;

export function backoffMinutes(attempts: number): number {
  return Math.min(2 ** Math.max(0, attempts - 1), 6 * 60);
}

export function createTransport(smtp: NonNullable<Config['smtp']>): Transporter {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
}

export interface DeliveryResult {
  sent: number;
  failed: number;
}

/** Sends up to `batch` due messages; returns how many were sent and how many failed this time. */
export async function deliverDueMail(db: Db, transport: Transporter, from: string, batch = 50): Promise<DeliveryResult> {
  const leased = await db.transaction().execute(async (trx) => {
    const rows = await sql<{ id: string; to_address: string; subject: string; text_body: string; attempts: number }>`
      select id, to_address, subject, text_body, attempts from mail_outbox
      where status = 'queued' and next_attempt_at <= now()
      order by id limit ${batch}
      for update skip locked`.execute(trx);
    if (rows.rows.length > 0) {
      await trx
        .updateTable('mail_outbox')
        .set({ next_attempt_at: sql`now() + make_interval(mins => ${leaseMinutes})` })
        .where('id', 'in', rows.rows.map((r) => r.id))
        .execute();
    }
    return rows.rows;
  });
  const result: DeliveryResult = { sent: 0, failed: 0 };
  for (const mail of leased) {
    try {
      await transport.sendMail({ from, to: openField('mail_outbox', 'to_address', mail.to_address), subject: mail.subject, text: mail.text_body, headers: { 'X-Huiju-Mail-Id': mail.id } });
      await db.updateTable('mail_outbox').set({ status: 'sent', sent_at: new Date(), attempts: mail.attempts + 1, last_error: null }).where('id', '=', mail.id).execute();
      result.sent++;
    } catch (error) {
      const attempts = mail.attempts + 1;
      await db
        .updateTable('mail_outbox')
        .set({
          attempts,
          last_error: String((error as Error).message ?? error).slice(0, 500),
          status: attempts >= maxAttempts ? 'failed' : 'queued',
          next_attempt_at: sql`now() + make_interval(mins => ${backoffMinutes(attempts)})`,
        })
        .where('id', '=', mail.id)
        .execute();
      result.failed++;
    }
  }
  return result;
}

/** Polls the outbox while the server runs; stops on `stop()`. No SMTP configured: nothing to do. */
export function startMailWorker(db: Db, config: Config, log: (message: string) => void, leader: Leadership = soleProcess): { stop(): Promise<void> } {
  if (!config.smtp) return { stop: async () => {} };
  const transport = createTransport(config.smtp);
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    // The job leader delivers; SKIP LOCKED keeps rows apart should two processes ever overlap.
    running = leader
      .isLeader()
      .then((leads) => (leads ? deliverDueMail(db, transport, config.smtp!.from) : { sent: 0, failed: 0 }))
      .then((r) => {
        if (r.failed > 0) log(`mail: ${r.sent} sent, ${r.failed} failed (will retry)`);
      })
      .catch((error: Error) => log(`mail: delivery round failed: ${error.message}`));
  };
  const timer = setInterval(() => {
    if (!stopped) tick();
  }, config.mailPollSeconds * 1000);
  timer.unref();
  tick();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
      transport.close();
    },
  };
}
