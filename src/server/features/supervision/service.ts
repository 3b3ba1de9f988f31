import type { Actor } from '../../../shared/domain/access';
import { chinaDateOf } from '../../../shared/domain/deadlines';
import { completionStatus, dueReminder, hasSubmitted, rollUpCompletion, type CompletionStatus } from '../../../shared/domain/completion';
import { renderMail, type MailVariables } from '../../../shared/domain/mail-templates';
import { templateFor } from '../notifications/templates';
import type { Db, DbOrTx } from '../../db/database';
import { AppError } from '../../errors';
import type { ClientInfo } from '../accounts/service';
import { actorFields, insertAuditEntry } from '../audit/repository';
import { formatChinaDate } from '../notices/service';
import { enqueueMail } from '../notifications/repository';
import { assertCanCollect, loadTask } from '../submissions/service';
import type { CompletionRowsCache } from './completion-cache';
import * as repo from './repository';
import { soleProcess, type Leadership } from '../../cluster/job-leader';

// --- Completion ---------------------------------------------------------------------------------

export async function completion(db: Db, actor: Actor, taskId: number, now = new Date(), cache?: CompletionRowsCache<repo.CompletionRow[]>) {
  const task = await loadTask(db, taskId);
  await assertCanCollect(db, actor, task);
  const read = () => repo.completionRows(db, task.id);
  const rows = cache ? await cache.get(task.id, read) : await read();
  return { task, rollup: rollUp(task.issuer_unit_id, rows, now) };
}

/**
 * One task's statuses and counts. The same object is handed to every request served from the same
 * read of the rows until a deadline passes, so what is derived from it (routes.ts renders the
 * answers once) can be kept with it.
 */
export type CompletionRollup = ReturnType<typeof computeRollUp> & { until: number };

/**
 * Statuses and counts of one read of the rows, kept with it: shared rows (the cache) are rolled up
 * once, not per request. They depend on the clock only through each row's deadline, so they are
 * reused until the next deadline among the rows passes.
 */
const rolledUp = new WeakMap<readonly repo.CompletionRow[], CompletionRollup>();

function rollUp(issuerUnitId: number, rows: readonly repo.CompletionRow[], now: Date): CompletionRollup {
  const kept = rolledUp.get(rows);
  if (kept && now.getTime() < kept.until) return kept;
  let until = Number.POSITIVE_INFINITY;
  for (const r of rows) if (r.deadline.getTime() >= now.getTime()) until = Math.min(until, r.deadline.getTime() + 1);
  const result = { ...computeRollUp(issuerUnitId, rows, now), until };
  rolledUp.set(rows, result);
  return result;
}

function computeRollUp(issuerUnitId: number, rows: readonly repo.CompletionRow[], now: Date) {
  const entries = rows.map((r) => ({
    row: r,
    unitId: r.unit_id,
    parentUnitId: r.parent_unit_id === issuerUnitId ? null : r.parent_unit_id,
    status: completionStatus(
      { readAt: r.read_at, acknowledgedAt: r.acknowledged_at, forwardedAt: r.forwarded_at, submissionStatus: r.submission_status, lateHours: r.late_hours },
      r.deadline,
      now,
    ),
  }));
  return { entries, ...rollUpCompletion(entries) };
}

/** Submissions per day against the deadline: the burn-up of one task (and the tasks passing it on). */
export async function timeline(db: Db, actor: Actor, taskId: number, now = new Date()) {
  const {
    task,
    rollup: { entries, total },
  } = await completion(db, actor, taskId, now);
  const firstDay = chinaDateOf(task.created_at);
  const lastDay = chinaDateOf(new Date(Math.max(task.deadline.getTime(), Math.min(now.getTime(), task.deadline.getTime() + 30 * 86_400_000))));
  const perDay = new Map<string, { onTime: number; late: number }>();
  for (const e of entries) {
    if (!e.row.first_submitted_at || !hasSubmitted(e.status)) continue;
    const day = chinaDateOf(e.row.first_submitted_at);
    const bucket = perDay.get(day) ?? { onTime: 0, late: 0 };
    if (e.row.late_hours > 0) bucket.late++;
    else bucket.onTime++;
    perDay.set(day, bucket);
  }
  const days: { date: string; submitted: number; onTime: number; late: number }[] = [];
  let cumulative = 0;
  for (let d = new Date(`${firstDay}T00:00:00Z`); chinaDateOf(new Date(d.getTime() - 8 * 3_600_000)) <= lastDay && days.length < 400; d = new Date(d.getTime() + 86_400_000)) {
    const date = d.toISOString().slice(0, 10);
    const bucket = perDay.get(date) ?? { onTime: 0, late: 0 };
    cumulative += bucket.onTime + bucket.late;
    days.push({ date, submitted: cumulative, onTime: bucket.onTime, late: bucket.late });
  }
  return { deadline: chinaDateOf(task.deadline), owed: total.units, days };
}

// --- Reminding ----------------------------------------------------------------------------------

interface ReminderTarget {
  id: number;
  short_name: string;
  contact_email: string | null;
}

async function sendReminders(
  trx: DbOrTx,
  options: {
    task: Awaited<ReturnType<typeof loadTask>> | Awaited<ReturnType<typeof repo.tasksForReminders>>[number];
    targets: ReminderTarget[];
    kind: string;
    auto: boolean;
    message: string;
    actor: Actor | null;
    publicUrl: string;
  },
) {
  const { task } = options;
  const issuerUnitId = task.issuer_unit_id;
  const issuerName = 'issuer_name' in task ? task.issuer_name : '';
  const template = await templateFor(trx, issuerUnitId, options.kind === 'overdue' ? 'overdue' : 'reminder');
  const sent: number[] = [];
  for (const unit of options.targets) {
    const inserted = await trx
      .insertInto('reminders')
      .values({ task_id: task.id, unit_id: unit.id, kind: options.kind, auto: options.auto, message: options.message, sent_by: options.actor?.userId || null })
      .onConflict((oc) => oc.columns(['task_id', 'unit_id', 'kind']).where('auto', '=', true).doNothing())
      .returning('id')
      .executeTakeFirst();
    // An automatic reminder this unit already had: nothing more to send.
    if (!inserted) continue;
    const variables: MailVariables = {
      unit: unit.short_name,
      task: task.title,
      notice: task.notice_title,
      issuer: issuerName,
      deadline: formatChinaDate(task.deadline),
      comment: options.message,
      link: `${options.publicUrl}/tasks/${task.id}`,
    };
    const mail = renderMail(template, variables);
    const notification = await trx
      .insertInto('notifications')
      .values({ unit_id: unit.id, kind: options.kind === 'overdue' ? 'overdue' : 'reminder', title: mail.subject, body: options.message, link: `/tasks/${task.id}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.updateTable('reminders').set({ notification_id: notification.id }).where('id', '=', inserted.id).execute();
    if (unit.contact_email) {
      await enqueueMail(trx, [{ dedupeKey: `reminder:${inserted.id}`, to: unit.contact_email, subject: mail.subject, text: mail.body, unitId: unit.id }]);
    }
    sent.push(unit.id);
  }
  return sent;
}

/** 催办: reminds the chosen units (or every unit not yet submitted) in one action. */
export async function remind(
  db: Db,
  options: { actor: Actor; taskId: number; unitIds?: number[] | undefined; message: string; publicUrl: string; client: ClientInfo },
) {
  const { actor } = options;
  const task = await loadTask(db, options.taskId);
  await assertCanCollect(db, actor, task);
  const targets = await repo.unitsNotSubmitted(db, task, options.unitIds);
  if (options.unitIds && targets.length !== new Set(options.unitIds).size) {
    throw new AppError('validation_failed', 422, {}, [{ field: 'unitIds', code: 'invalid' }]);
  }
  return db.transaction().execute(async (trx) => {
    const sent = await sendReminders(trx, { task, targets, kind: 'manual', auto: false, message: options.message, actor, publicUrl: options.publicUrl });
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: task.issuer_unit_id,
      action: 'task.remind',
      targetType: 'collection_task',
      targetId: task.id,
      ip: options.client.ip,
      details: { units: sent },
    });
    return sent;
  });
}

/** What a 催办 would send, before it is sent. */
export async function previewReminder(db: Db, options: { actor: Actor; taskId: number; unitIds?: number[] | undefined; message: string; publicUrl: string }) {
  const task = await loadTask(db, options.taskId);
  await assertCanCollect(db, options.actor, task);
  const targets = await repo.unitsNotSubmitted(db, task, options.unitIds);
  const template = await templateFor(db, task.issuer_unit_id, 'reminder');
  const sample = renderMail(template, {
    unit: targets[0]?.short_name ?? '（单位）',
    task: task.title,
    notice: task.notice_title,
    issuer: task.issuer_name,
    deadline: formatChinaDate(task.deadline),
    comment: options.message,
    link: `${options.publicUrl}/tasks/${task.id}`,
  });
  return { recipients: targets.map((t) => ({ unitId: t.id, unitName: t.short_name, hasEmail: Boolean(t.contact_email) })), sample };
}

/**
 * The automatic reminders due now, sent once per unit and kind whatever the number of processes
 * or restarts: the unique index on (task, unit, kind) decides who sends.
 */
export async function runAutomaticReminders(db: Db, now: Date, publicUrl: string) {
  let sent = 0;
  for (const task of await repo.tasksForReminders(db, now)) {
    const kind = dueReminder(task.deadline, task.reminder_settings, now);
    if (!kind) continue;
    const targets = await repo.unitsNotSubmitted(db, task);
    if (targets.length === 0) continue;
    sent += (await db.transaction().execute((trx) => sendReminders(trx, { task, targets, kind, auto: true, message: '', actor: null, publicUrl }))).length;
  }
  return sent;
}

/**
 * Runs the reminder round every minute while the server runs. Nothing is kept in memory between
 * rounds, so a restart loses nothing; `now` is the clock (tests move it past a due time). With
 * several processes only the job leader runs it; the unique index keeps it exact if two overlap.
 */
export function startReminderScheduler(
  db: Db,
  publicUrl: string,
  log: (message: string) => void,
  { intervalMs = 60_000, now = () => new Date(), leader = soleProcess }: { intervalMs?: number; now?: () => Date; leader?: Leadership } = {},
) {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    // Several processes: only the job leader runs the round (cluster/job-leader.ts).
    running = leader
      .isLeader()
      .then((leads) => (leads ? runAutomaticReminders(db, now(), publicUrl) : 0))
      .catch((error: Error) => log(`reminders: ${error.message}`));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return {
    /** Waits for the round under way (tests use it to know a round has finished). */
    settled: () => running,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

export type { CompletionStatus };
