import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import QRCode from 'qrcode';
import type { SurveyBody, SurveyResponseBody } from '../../../shared/contracts/surveys';
import { can, rolesHaving, scopeOf, type Actor } from '../../../shared/domain/access';
import {
  contactText,
  crossTabs,
  maskContact,
  normaliseSurveyAnswers,
  surveyOpen,
  tallySurvey,
  validateSurveyAnswers,
  type ContactAnswer,
  type SurveyAnswer,
  type SurveyAnswers,
  type SurveyQuestion,
} from '../../../shared/forms/survey';
import { surveyQuestionsSchema } from '../../../shared/forms/survey-schema';
import { fieldCipher, openField, sealField } from '../../crypto/personal-data';
import type { Db, DbOrTx } from '../../db/database';
import type { SurveyStatus } from '../../db/schema';
import { AppError, forbidden, invalidFields, notFound, staleVersion, type FieldError } from '../../errors';
import type { ClientInfo } from '../accounts/service';
import { actorFields, insertAuditEntry } from '../audit/repository';
import { countiesUnder, regionExists, regionName, regionWithin } from './regions';

const statusLabels: Record<SurveyStatus, string> = { draft: '草稿', published: '已发布', closed: '已结束' };

/** The HMAC purpose of device hashes: one response per device and survey (decision 014). */
const devicePurpose = 'survey_responses.device_hash';

const surveyColumns = [
  's.id',
  's.unit_id',
  's.title',
  's.intro',
  's.questions',
  's.target_regions',
  's.opens_at',
  's.closes_at',
  's.status',
  's.token',
  's.published_at',
  's.version',
  's.created_at',
  'u.path as unit_path',
  'u.short_name as unit_name',
  'u.region_code as unit_region_code',
] as const;

function surveyQuery(db: DbOrTx) {
  return db
    .selectFrom('surveys as s')
    .innerJoin('units as u', 'u.id', 's.unit_id')
    .select([...surveyColumns, sql<number>`(select count(*)::int from survey_responses r where r.survey_id = s.id)`.as('responses')]);
}
export type SurveyRow = NonNullable<Awaited<ReturnType<ReturnType<typeof surveyQuery>['executeTakeFirst']>>>;

/** Stored questions went through the schema when saved; parsing again keeps the types honest. */
export const questionsOf = (row: { questions: unknown }): SurveyQuestion[] => surveyQuestionsSchema.parse(row.questions);
const targetsOf = (row: { target_regions: unknown }) => row.target_regions as string[];

/** Those who see a survey: its unit's subtree viewers; those who manage it: campaign managers over it. */
async function loadManaged(db: DbOrTx, actor: Actor, id: number) {
  const survey = await surveyQuery(db).where('s.id', '=', id).executeTakeFirst();
  if (!survey || !can(actor, 'units.view', survey.unit_path)) throw notFound();
  if (!can(actor, 'campaigns.manage', survey.unit_path)) throw forbidden();
  return survey;
}

/** The surveying unit's own campaign managers see contacts in clear; managers above see them masked. */
export function isSurveyOrganiser(actor: Actor, unitPath: string): boolean {
  const roles = rolesHaving('campaigns.manage');
  return actor.grants.some((g) => g.unitPath === unitPath && roles.includes(g.role) && g.role !== 'system_admin');
}

export async function list(db: DbOrTx, actor: Actor) {
  const paths = scopeOf(actor, 'campaigns.manage');
  if (paths.length === 0) return [];
  return surveyQuery(db)
    .where((eb) => eb.or(paths.map((p) => eb('u.path', 'like', `${p}%`))))
    .orderBy('s.created_at', 'desc')
    .orderBy('s.id', 'desc')
    .limit(500)
    .execute();
}

export const get = loadManaged;

async function checkedBody(db: DbOrTx, actor: Actor, input: SurveyBody) {
  const unit = await db.selectFrom('units').select(['id', 'path', 'region_code', 'active']).where('id', '=', input.unitId).executeTakeFirst();
  if (!unit || !can(actor, 'units.view', unit.path)) throw invalidFields([{ field: 'unitId', code: 'invalid_option' }]);
  if (!can(actor, 'campaigns.manage', unit.path)) throw forbidden();
  const errors: FieldError[] = [];
  input.targetRegions.forEach((code, i) => {
    if (!regionExists(code)) errors.push({ field: `targetRegions.${i}`, code: 'region_unknown', params: { label: `调查范围“${code}”` } });
    else if (unit.region_code && !regionWithin(code, unit.region_code)) errors.push({ field: `targetRegions.${i}`, code: 'region_outside', params: { label: `调查范围“${regionName(code)}”` } });
  });
  if (new Date(input.closesAt) <= new Date(input.opensAt)) errors.push({ field: 'closesAt', code: 'window_invalid' });
  if (errors.length) throw invalidFields(errors);
  return unit;
}

export async function create(db: Db, options: { actor: Actor; input: SurveyBody; client: ClientInfo }) {
  const { actor, input } = options;
  const unit = await checkedBody(db, actor, input);
  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('surveys')
      .values({
        unit_id: unit.id,
        title: input.title,
        intro: input.intro ?? '',
        questions: JSON.stringify(surveyQuestionsSchema.parse(input.questions)),
        target_regions: JSON.stringify(input.targetRegions),
        opens_at: input.opensAt,
        closes_at: input.closesAt,
        token: randomBytes(16).toString('base64url'),
        created_by: actor.userId || null,
        updated_by: actor.userId || null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertAuditEntry(trx, { ...actorFields(actor), unitId: unit.id, action: 'survey.create', targetType: 'survey', targetId: id, ip: options.client.ip, details: { title: input.title, questions: input.questions.length } });
    return id;
  });
}

/** Questions change only while the survey is a draft: answers already given must keep their meaning. */
export async function update(db: Db, options: { actor: Actor; id: number; input: SurveyBody; client: ClientInfo }) {
  const { actor, input } = options;
  const survey = await loadManaged(db, actor, options.id);
  if (input.version !== survey.version) throw staleVersion();
  if (survey.status !== 'draft') throw new AppError('survey_status_conflict', 409, { status: statusLabels[survey.status] });
  const unit = await checkedBody(db, actor, input);
  await db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable('surveys')
      .set({
        unit_id: unit.id,
        title: input.title,
        intro: input.intro ?? '',
        questions: JSON.stringify(surveyQuestionsSchema.parse(input.questions)),
        target_regions: JSON.stringify(input.targetRegions),
        opens_at: input.opensAt,
        closes_at: input.closesAt,
        updated_by: actor.userId || null,
        updated_at: new Date(),
        version: sql<number>`version + 1`,
      })
      .where('id', '=', survey.id)
      .where('version', '=', survey.version)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) throw staleVersion();
    await insertAuditEntry(trx, { ...actorFields(actor), unitId: unit.id, action: 'survey.update', targetType: 'survey', targetId: survey.id, ip: options.client.ip, details: { title: input.title } });
  });
}

/** Publishing puts the public link to work (inside the window); closing ends answering for good. */
export async function setStatus(db: Db, options: { actor: Actor; id: number; version: number; to: 'published' | 'closed'; client: ClientInfo }) {
  const { actor } = options;
  const survey = await loadManaged(db, actor, options.id);
  if (survey.version !== options.version) throw staleVersion();
  if (options.to === 'published' ? survey.status !== 'draft' : survey.status !== 'published') throw new AppError('survey_status_conflict', 409, { status: statusLabels[survey.status] });
  await db.transaction().execute(async (trx) => {
    const now = new Date();
    const changed = await trx
      .updateTable('surveys')
      .set({ status: options.to, ...(options.to === 'published' ? { published_at: now } : {}), updated_by: actor.userId || null, updated_at: now, version: sql<number>`version + 1` })
      .where('id', '=', survey.id)
      .where('version', '=', survey.version)
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) throw staleVersion();
    await insertAuditEntry(trx, { ...actorFields(actor), unitId: survey.unit_id, action: options.to === 'published' ? 'survey.publish' : 'survey.close', targetType: 'survey', targetId: survey.id, ip: options.client.ip, details: { title: survey.title } });
  });
}

export const isOpen = (s: SurveyRow, now = new Date()) => surveyOpen({ status: s.status, opensAt: s.opens_at, closesAt: s.closes_at }, now);

export function publicUrlOf(base: string, token: string) {
  return `${base.replace(/\/+$/, '')}/survey/${token}`;
}

export function qrPng(url: string): Promise<Buffer> {
  return QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 640 });
}
export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

// --- Results ----------------------------------------------------------------------------------------

async function responsesOf(db: DbOrTx, surveyId: number) {
  const rows = await db.selectFrom('survey_responses').select(['id', 'answers', 'contact', 'created_at']).where('survey_id', '=', surveyId).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, answers: r.answers as Record<string, SurveyAnswer>, sealedContact: r.contact, createdAt: r.created_at }));
}

export async function results(db: DbOrTx, actor: Actor, id: number) {
  const survey = await loadManaged(db, actor, id);
  const questions = questionsOf(survey);
  const responses = await responsesOf(db, survey.id);
  return {
    survey,
    questions,
    responses,
    tally: tallySurvey(questions, responses, regionName, responses.filter((r) => r.sealedContact).length),
    crossTabs: crossTabs(questions, responses, regionName),
  };
}

/** Contacts left with consent: in clear for the surveying unit's managers, masked for those above. */
export function contactsOf(actor: Actor, survey: SurveyRow, responses: Awaited<ReturnType<typeof responsesOf>>) {
  const organiser = isSurveyOrganiser(actor, survey.unit_path);
  const items = responses
    .filter((r) => r.sealedContact)
    .map((r) => {
      const contact = JSON.parse(openField('survey_responses', 'contact', r.sealedContact!)) as ContactAnswer;
      const shown = organiser ? contact : maskContact(contact);
      return { responseId: r.id, name: shown.name ?? null, mobile: shown.mobile ?? null, email: shown.email ?? null, createdAt: r.createdAt.toISOString() };
    });
  return { organiser, items };
}

/** A contact for the export: always masked (a bulk file of contacts would need the export grant). */
export function maskedContactText(sealed: string | null): string | null {
  if (!sealed) return null;
  return contactText(maskContact(JSON.parse(openField('survey_responses', 'contact', sealed)) as ContactAnswer));
}

// --- Public -----------------------------------------------------------------------------------------

export async function findPublic(db: DbOrTx, token: string) {
  const survey = await surveyQuery(db).where('s.token', '=', token).where('s.status', '<>', 'draft').where('u.active', '=', true).executeTakeFirst();
  if (!survey) throw notFound();
  return survey;
}

/**
 * A response from the public. The same responseKey again (a retried submission) is the same
 * response; another response from the same device token is refused; nothing identifies the
 * respondent but a contact left with consent, sealed at rest. The audit entry holds no address.
 */
export async function respond(db: Db, options: { token: string; input: SurveyResponseBody; now?: Date }) {
  const now = options.now ?? new Date();
  const { input } = options;
  const survey = await findPublic(db, options.token);
  const questions = questionsOf(survey);
  const existing = await db.selectFrom('survey_responses').select(['id', 'response_key', 'created_at']).where('survey_id', '=', survey.id).where('response_key', '=', input.responseKey).executeTakeFirst();
  if (existing) return { created: false, row: existing };
  if (!isOpen(survey, now)) throw new AppError('survey_not_open', 409);
  const answers = input.answers as SurveyAnswers;
  const problems = validateSurveyAnswers(questions, answers, input.consent, { counties: countiesUnder(targetsOf(survey)) });
  if (problems.length) throw invalidFields(problems as FieldError[]);
  const cipher = fieldCipher();
  const deviceValue = `${survey.id}:${input.deviceToken}`;
  const candidates = cipher.blindIndexCandidates(deviceValue, devicePurpose);
  const normalised = normaliseSurveyAnswers(questions, answers, input.consent);
  return db.transaction().execute(async (trx) => {
    const sameDevice = await trx.selectFrom('survey_responses').select('id').where('survey_id', '=', survey.id).where('device_hash', 'in', candidates).executeTakeFirst();
    if (sameDevice) throw new AppError('survey_already_answered', 409);
    const inserted = await trx
      .insertInto('survey_responses')
      .values({
        survey_id: survey.id,
        response_key: input.responseKey,
        device_hash: cipher.blindIndex(deviceValue, devicePurpose),
        answers: JSON.stringify(normalised.answers),
        contact: normalised.contact ? sealField('survey_responses', 'contact', JSON.stringify(normalised.contact)) : null,
        consented_at: normalised.contact ? now : null,
      })
      .onConflict((oc) => oc.doNothing())
      .returning(['id', 'response_key', 'created_at'])
      .executeTakeFirst();
    if (!inserted) {
      // A concurrent twin of this request won: the same key is the same response, another device's key is not.
      const twin = await trx.selectFrom('survey_responses').select(['id', 'response_key', 'created_at']).where('survey_id', '=', survey.id).where('response_key', '=', input.responseKey).executeTakeFirst();
      if (twin) return { created: false, row: twin };
      throw new AppError('survey_already_answered', 409);
    }
    await insertAuditEntry(trx, { actorUsername: 'public', unitId: survey.unit_id, action: 'survey.respond', targetType: 'survey_response', targetId: inserted.id, ip: null, details: { surveyId: survey.id, contact: normalised.contact !== null } });
    return { created: true, row: inserted };
  });
}

export const receiptOf = (responseKey: string) => responseKey.replace(/-/g, '').slice(0, 8).toUpperCase();
