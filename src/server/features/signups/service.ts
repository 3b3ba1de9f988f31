import { randomInt } from 'node:crypto';
import QRCode from 'qrcode';
import { can, type Actor } from '../../../shared/domain/access';
import type { SignupSettingsBody } from '../../../shared/contracts/signups';
import { isOrganiser, makeCode, normaliseCode, signupOpen, statusForNewSignup, toPromote } from '../../../shared/domain/signups';
import type { Db, DbOrTx } from '../../db/database';
import { AppError, forbidden, invalidFields, notFound, staleVersion } from '../../errors';
import type { ClientInfo } from '../accounts/service';
import { actorFields, insertAuditEntry } from '../audit/repository';
import * as repo from './repository';

const isPublished = (a: repo.SignupActivityRow) => a.publication_status === 'approved' && !a.withdrawn;

/** The activity as the signed-in see it: 404 outside their subtree. */
async function loadVisible(db: DbOrTx, actor: Actor, activityId: number) {
  const activity = await repo.findActivity(db, activityId);
  if (!activity || !can(actor, 'units.view', activity.unit_path)) throw notFound();
  return { activity, organiser: isOrganiser(actor, activity.unit_path) };
}

/** Sign-ups of an activity: names and numbers for the organising unit, masked for units above. */
export async function signupsOf(db: DbOrTx, actor: Actor, activityId: number, query: { status?: 'confirmed' | 'waitlisted' | 'cancelled' | undefined; page: number; pageSize: number }) {
  const { activity, organiser } = await loadVisible(db, actor, activityId);
  const [counts, listed] = await Promise.all([repo.counts(db, activityId), repo.list(db, activityId, query)]);
  return { activity, organiser, counts, ...listed };
}

/**
 * The organising unit opens (or changes, or closes) sign-up. Capacity may not drop below the
 * places already confirmed; a larger capacity promotes the waiting list in order at once.
 */
export async function saveSettings(db: Db, options: { actor: Actor; activityId: number; input: SignupSettingsBody; client: ClientInfo; now?: Date }) {
  const { actor, input } = options;
  const now = options.now ?? new Date();
  const { activity, organiser } = await loadVisible(db, actor, options.activityId);
  if (!organiser) throw forbidden();
  return db.transaction().execute(async (trx) => {
    const current = await repo.lockSettings(trx, activity.id);
    if ((current?.version ?? undefined) !== input.version) throw staleVersion();
    const counts = await repo.counts(trx, activity.id);
    if (input.capacity < counts.confirmed) throw invalidFields([{ field: 'capacity', code: 'capacity_below_confirmed', params: { count: counts.confirmed } }]);
    const values = { enabled: input.enabled, capacity: input.capacity, deadline: new Date(input.deadline), updated_by: actor.userId || null, updated_at: now };
    if (current) {
      await trx.updateTable('activity_signup_settings').set((eb) => ({ ...values, version: eb('version', '+', 1) })).where('activity_id', '=', activity.id).execute();
    } else {
      await trx.insertInto('activity_signup_settings').values({ activity_id: activity.id, ...values }).execute();
    }
    const promoted = toPromote(await repo.waiting(trx, activity.id), counts.confirmed, input.capacity);
    await repo.promote(
      trx,
      promoted.map((p) => p.id),
      now,
    );
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: activity.unit_id,
      action: 'signup.settings',
      targetType: 'activity',
      targetId: activity.id,
      ip: options.client.ip,
      details: { enabled: input.enabled, capacity: input.capacity, deadline: input.deadline, promoted: promoted.length },
    });
  });
}

/** The check-in QR code: the sign-up code itself, which the organiser's page reads. */
export function qrSvg(code: string): Promise<string> {
  return QRCode.toString(code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

async function publicView(db: DbOrTx, signup: { id: number; activity_id: number; code: string; status: 'confirmed' | 'waitlisted' | 'cancelled'; checked_in_at: Date | null }) {
  const activity = await repo.findActivity(db, signup.activity_id);
  if (!activity || !isPublished(activity)) throw notFound();
  const position = signup.status === 'waitlisted' ? await repo.waitingPosition(db, signup.activity_id, signup.id) : null;
  return {
    code: signup.code,
    status: signup.status,
    position,
    checkedIn: signup.checked_in_at !== null,
    activity: { id: activity.id, title: activity.title, startDate: activity.start_date, place: activity.place },
    qrSvg: await qrSvg(signup.code),
  };
}

/**
 * The public signs up for a published activity. The same mobile number and name again is the same
 * sign-up (a retried form takes no second place); the same number under another name is refused.
 * Full activities put the newcomer on the waiting list.
 */
export async function signUp(db: Db, options: { activityId: number; input: { attendeeName: string; mobile: string; affiliation?: string | undefined }; ip: string; now?: Date }) {
  const now = options.now ?? new Date();
  const activity = await repo.findActivity(db, options.activityId);
  if (!activity || !isPublished(activity)) throw notFound();
  const { attendeeName, mobile } = options.input;
  const affiliation = options.input.affiliation?.trim() || null;
  const result = await db.transaction().execute(async (trx) => {
    const settings = await repo.lockSettings(trx, activity.id);
    if (!settings || !signupOpen(settings, now)) throw new AppError('signup_not_open', 409);
    const existing = await repo.findActiveByMobile(trx, activity.id, mobile);
    if (existing) {
      if (existing.name !== attendeeName) throw new AppError('signup_mobile_taken', 409, {}, [{ field: 'mobile', code: 'mobile_taken' }]);
      return { signup: existing, created: false };
    }
    const { confirmed } = await repo.counts(trx, activity.id);
    const status = statusForNewSignup(confirmed, settings.capacity);
    const signup = await repo.insertSignup(trx, { activityId: activity.id, name: attendeeName, mobile, affiliation, code: makeCode(randomInt), status, ip: options.ip });
    await insertAuditEntry(trx, { actorUsername: 'public', unitId: activity.unit_id, action: 'signup.create', targetType: 'activity_signup', targetId: signup.id, ip: options.ip, details: { activityId: activity.id, status } });
    return { signup, created: true };
  });
  return { created: result.created, view: await publicView(db, result.signup) };
}

export async function byCode(db: DbOrTx, code: string) {
  const signup = await repo.findByCode(db, code);
  if (!signup) throw notFound();
  return publicView(db, signup);
}

/**
 * Cancels with the code (again: no change). A confirmed place that frees up goes to the earliest
 * on the waiting list at once. A checked-in sign-up stays.
 */
export async function cancel(db: Db, options: { code: string; ip: string; now?: Date }) {
  const now = options.now ?? new Date();
  const found = await repo.findByCode(db, options.code);
  if (!found) throw notFound();
  await db.transaction().execute(async (trx) => {
    const settings = await repo.lockSettings(trx, found.activity_id);
    const signup = await trx.selectFrom('activity_signups').selectAll().where('id', '=', found.id).forUpdate().executeTakeFirstOrThrow();
    if (signup.status === 'cancelled') return;
    if (signup.checked_in_at) throw new AppError('signup_checked_in', 409);
    await trx.updateTable('activity_signups').set({ status: 'cancelled', cancelled_at: now, updated_at: now }).where('id', '=', signup.id).execute();
    let promoted: number[] = [];
    if (signup.status === 'confirmed' && settings) {
      const { confirmed } = await repo.counts(trx, signup.activity_id);
      promoted = toPromote(await repo.waiting(trx, signup.activity_id), confirmed, settings.capacity).map((p) => p.id);
      await repo.promote(trx, promoted, now);
    }
    await insertAuditEntry(trx, { actorUsername: 'public', action: 'signup.cancel', targetType: 'activity_signup', targetId: signup.id, ip: options.ip, details: { activityId: signup.activity_id, was: signup.status, promoted } });
  });
  return byCode(db, options.code);
}

/** The organiser checks a code in at the door (typed, or read by a scanner from the QR code). */
export async function checkIn(db: Db, options: { actor: Actor; activityId: number; code: string; client: ClientInfo; now?: Date }) {
  const now = options.now ?? new Date();
  const { activity, organiser } = await loadVisible(db, options.actor, options.activityId);
  if (!organiser) throw forbidden();
  const code = normaliseCode(options.code);
  const signup = await repo.findByCode(db, code);
  if (!signup || signup.activity_id !== activity.id) throw new AppError('signup_wrong_activity', 404, { code }, [{ field: 'signupCode', code: 'signup_code_unknown' }]);
  if (signup.status === 'cancelled') throw new AppError('signup_cancelled', 409);
  if (signup.status === 'waitlisted') throw new AppError('signup_not_confirmed', 409);
  let checkedInAt = signup.checked_in_at;
  const already = checkedInAt !== null;
  if (!already) {
    checkedInAt = now;
    await db.transaction().execute(async (trx) => {
      const changed = await trx
        .updateTable('activity_signups')
        .set({ checked_in_at: now, checked_in_by: options.actor.userId || null, updated_at: now })
        .where('id', '=', signup.id)
        .where('status', '=', 'confirmed')
        .where('checked_in_at', 'is', null)
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) !== 1) throw new AppError('signup_not_confirmed', 409);
      await insertAuditEntry(trx, { ...actorFields(options.actor), unitId: activity.unit_id, action: 'signup.check_in', targetType: 'activity_signup', targetId: signup.id, ip: options.client.ip, details: { activityId: activity.id } });
    });
  }
  return { signup, checkedInAt: checkedInAt ?? now, already, counts: await repo.counts(db, activity.id) };
}

/** What the public activity page says about sign-up; null when the activity takes none. */
export async function publicInfo(db: DbOrTx, activityId: number, now = new Date()) {
  const settings = await db.selectFrom('activity_signup_settings').selectAll().where('activity_id', '=', activityId).executeTakeFirst();
  const counts = await repo.counts(db, activityId);
  if (!settings) return { info: null, checkedIn: counts.checkedIn };
  return {
    info: { open: signupOpen(settings, now), capacity: settings.capacity, deadline: settings.deadline.toISOString(), ...counts },
    checkedIn: counts.checkedIn,
  };
}
