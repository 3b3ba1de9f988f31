import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMail } from '../../src/server/features/notifications/repository';
import { createTransport, deliverDueMail } from '../../src/server/jobs/mail-delivery';
import { createTestApp, signIn, type TestApp } from '../support/test-app';
import { testAdmin } from '../support/template';

interface Received {
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback that records what it receives. */
function startSmtp(port = 0): Promise<{ server: SMTPServer; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, port: (server.server.address() as { port: number }).port, received })));
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('mail outbox delivery', () => {
  it('delivers queued mail over SMTP, keeps mail while SMTP is down, and delivers it when it returns', async () => {
    const smtp = await startSmtp();
    const transport = () => createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, user: undefined, password: undefined, from: '汇聚 <noreply@huiju.test>' });
    await enqueueMail(t.db, [
      { dedupeKey: 'test:1', to: 'nanjing@example.cn', subject: '【汇聚】新通知：测试', text: '南京市科协：\n\n请签收。', unitId: null },
      { dedupeKey: 'test:2', to: 'suzhou@example.cn', subject: '【汇聚】新通知：测试', text: '苏州市科协：\n\n请签收。', unitId: null },
      // The same event twice never queues a second mail.
      { dedupeKey: 'test:1', to: 'nanjing@example.cn', subject: '重复', text: '重复', unitId: null },
    ]);
    const first = await deliverDueMail(t.db, transport(), '汇聚 <noreply@huiju.test>');
    expect(first).toEqual({ sent: 2, failed: 0 });
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(['nanjing@example.cn', 'suzhou@example.cn']);
    expect(smtp.received[0]!.raw).toContain('Subject: =?UTF-8?');

    // SMTP goes away: the mail stays queued, with the error and a later retry time.
    await new Promise<void>((resolve) => smtp.server.close(() => resolve()));
    await enqueueMail(t.db, [{ dedupeKey: 'test:3', to: 'wuxi@example.cn', subject: '催办', text: '无锡市科协：请尽快报送。', unitId: null }]);
    const down = await deliverDueMail(t.db, transport(), '汇聚 <noreply@huiju.test>');
    expect(down).toEqual({ sent: 0, failed: 1 });
    const waiting = await t.db.selectFrom('mail_outbox').selectAll().where('dedupe_key', '=', 'test:3').executeTakeFirstOrThrow();
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1 });
    expect(waiting.last_error).toBeTruthy();
    expect(waiting.next_attempt_at.getTime()).toBeGreaterThan(Date.now());

    // SMTP is back on the same port; once the retry is due the mail goes out.
    const back = await startSmtp(smtp.port);
    await t.db.updateTable('mail_outbox').set({ next_attempt_at: sql`now()` }).where('dedupe_key', '=', 'test:3').execute();
    const retried = await deliverDueMail(t.db, transport(), '汇聚 <noreply@huiju.test>');
    expect(retried).toEqual({ sent: 1, failed: 0 });
    expect(back.received.map((m) => m.to[0])).toEqual(['wuxi@example.cn']);
    await new Promise<void>((resolve) => back.server.close(() => resolve()));
  });

  it('shows the outbox to system administrators only', async () => {
    const admin = await signIn(t.app, testAdmin.username, testAdmin.password);
    const outbox = (await admin.get('/api/v1/outbox')).json();
    expect(outbox.smtpConfigured).toBe(false);
    expect(outbox.items.some((m: { toAddress: string; status: string }) => m.toAddress === 'wuxi@example.cn' && m.status === 'sent')).toBe(true);
  });
});
