import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/server/app';
import { huijuVersion, prepareDatabase } from '../src/server/bootstrap';
import { loadConfig } from '../src/server/config';
import { openPGlite, openPostgres, type DatabaseHandle, type Db } from '../src/server/db/database';
import { totpCode } from '../src/server/features/accounts/totp';
import { activityColumns } from '../src/server/features/submissions/repository';
import { LocalFileStore } from '../src/server/storage/file-store';
import { searchVectorLiteral } from '../src/shared/domain/bigram-search';
import { defaultModules, defaultPhases, defaultTargetGroups } from '../src/shared/domain/campaigns';
import { activityFromItem } from '../src/shared/forms/activity';
import { formDefinitionSchema, type FormDefinition } from '../src/shared/forms/definition';

/**
 * The bench's data set, generated once per database and then served by a real Huiju process:
 *
 * - the real GB/T 2260 hierarchy (中国科协, 31 provinces, 342 cities, 3,056 counties: prepareDatabase's seed)
 *   plus learned societies, enterprise and university associations under the root, the provinces
 *   and the cities (≈ 10,000 units at scale 1), inserted with bulk SQL (the units trigger computes
 *   paths as for any insert);
 * - the 2027 campaign of 中国科协 with its featured-activity form, a notice to the provinces and the
 *   national societies, forwarded by every province and city to all its children through the real
 *   API (the forwarded tasks are what the units owe);
 * - `items` submitted activity items (≈ 400 字 work plans from phrase lists) written with bulk SQL in
 *   the shapes the app writes on submit (submissions, their revision, one `activities` row per item
 *   built with the app's own activityFromItem) and all published in the national showcase column
 *   (approved showcase_publications with the app's bigram search vector);
 * - for W1, a pool of units that have not submitted, each with a contact account, a session (its
 *   cookie token and CSRF token written to the metadata file) and a saved draft of 3 items.
 */

export const benchYear = 2027;
export const adminPassword = 'Bench@Huiju2026';
export const benchTotpSecret = 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF';

export interface PoolEntry {
  token: string;
  csrf: string;
  taskId: number;
  version: number;
  unitId: number;
  /** The draft's items (the burst saves them again beside its files). */
  items: { key: string; fields: Record<string, unknown> }[];
}

export interface GeneratedMeta {
  units: number;
  items: number;
  submitted: number;
  forwards: number;
  rootUnitId: number;
  rootTaskId: number;
  campaignId: number;
  year: number;
  admin: { token: string; csrf: string };
  pool: PoolEntry[];
  /** A submission id and task for the limit service's plain inserts. */
  anySubmission: { id: number; taskId: number; unitId: number };
  searchWord: string;
  filter: { module: string; phase: string };
  seconds: number;
}

// --- Realistic names and texts -----------------------------------------------------------------

const disciplines = [
  '物理学会', '化学会', '力学学会', '数学会', '天文学会', '气象学会', '地质学会', '地理学会', '植物学会', '动物学会',
  '生物化学与分子生物学会', '营养学会', '药学会', '医学会', '护理学会', '农学会', '林学会', '水利学会', '电机工程学会', '计算机学会',
  '自动化学会', '电子学会', '通信学会', '机械工程学会', '土木建筑学会', '环境科学学会', '生态学会', '心理学会', '科普作家协会', '科技新闻学会',
  '图书馆学会', '档案学会', '中医药学会', '兽医学会', '水产学会', '航空学会', '宇航学会', '造船工程学会', '汽车工程学会', '铁道学会',
];
const industries = ['钢铁集团有限公司', '电力有限公司', '化工集团有限公司', '汽车股份有限公司', '医药集团有限公司', '电子科技有限公司', '建设集团有限公司', '交通投资集团有限公司', '能源集团有限公司', '信息技术股份有限公司', '机械制造有限公司', '农业发展集团有限公司'];
const colleges = ['大学', '理工大学', '师范大学', '医科大学', '农业大学', '职业技术学院', '工程学院', '科技学院', '财经大学', '交通大学', '工业大学', '中医药大学'];

const themes = ['众心向党，自立自强', '弘扬科学家精神', '科技创新 强国有我', '创新争先 自立自强', '百年回望 初心如磐'];
const kinds = ['科普宣讲会', '科技志愿服务进社区', '最美科技工作者发布', '院士专家报告会', '青年科技人才沙龙', '科技成果展', '科学家精神报告会', '科普讲解大赛', '科技工作者座谈会', '学术交流会', '科技下乡服务', '创新方法培训'];
const openers = [
  '为深入学习贯彻习近平总书记关于科技创新的重要论述，', '为庆祝第十一个“全国科技工作者日”，', '按照上级科协关于开展“全国科技工作者日”活动的通知要求，', '为进一步团结引领广大科技工作者，',
];
const sentences = [
  '组织院士专家走进中小学校园开展科普讲座，激发青少年崇尚科学、探索未知的兴趣。',
  '邀请优秀科技工作者代表讲述创新故事，弘扬科学家精神和工匠精神。',
  '联合科技馆和科普教育基地举办科普开放日，面向社会公众展示最新科技成果。',
  '走访慰问一线科技工作者，倾听意见建议，帮助解决工作生活中的实际困难。',
  '组织科技志愿者深入社区和农村，开展健康义诊、农业技术指导和防灾减灾宣传。',
  '召开科技工作者座谈会，围绕产业发展中的关键技术问题开展交流研讨。',
  '开展“最美科技工作者”学习宣传活动，营造尊重知识、尊重人才的良好氛围。',
  '利用网站、微信公众号和短视频平台同步直播，扩大活动覆盖面和影响力。',
  '举办青年科技人才创新沙龙，搭建跨学科、跨领域的学术交流平台。',
  '组织企业科协和高校科协开展产学研对接，推动科技成果转化落地。',
  '开展科普讲解大赛和科学实验展演，提升基层科普工作者的专业能力。',
  '表彰一批在科技创新和科学普及工作中做出突出贡献的先进集体和个人。',
  '围绕乡村振兴开展科技下乡服务，组织专家团队现场解答种植养殖技术难题。',
  '会同教育、卫生健康等部门，联合开展科学素质提升专项行动。',
  '建立活动工作台账，明确责任分工和时间节点，确保各项任务落到实处。',
  '活动结束后及时总结经验做法，形成图文并茂的工作总结报送上级科协。',
  '加强安全保障和疫情防控工作，制定应急预案，确保活动安全有序开展。',
  '发挥学会专业优势，组织专家编写科普读物，面向公众普及前沿科学知识。',
];

/** A small deterministic generator: the same data every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function workPlan(random: () => number, host: string): string {
  let text = `${openers[Math.floor(random() * openers.length)]!}${host}定于五月下旬组织开展系列主题活动。`;
  while (Array.from(text).length < 380) text += sentences[Math.floor(random() * sentences.length)]!;
  return text;
}

function itemFor(random: () => number, n: number, unitName: string, place: string) {
  const phase = (['p1', 'p2', 'p3'] as const)[n % 3]!;
  const dates = { p1: ['2027-05-12', '2027-05-13'], p2: ['2027-05-30', '2027-05-30'], p3: ['2027-06-10', '2027-06-12'] }[phase];
  const moduleIds = defaultModules.map((m) => m.id);
  const first = moduleIds[Math.floor(random() * moduleIds.length)]!;
  const second = moduleIds[Math.floor(random() * moduleIds.length)]!;
  return {
    key: `item-${n + 1}`,
    fields: {
      host: unitName,
      title: `${place}“${themes[Math.floor(random() * themes.length)]!}”${kinds[Math.floor(random() * kinds.length)]!}`,
      modules: [...new Set([first, second])],
      organiser: `${place}科技馆`,
      time: { phaseId: phase, startDate: dates[0], endDate: dates[1] },
      place: `${place}科技馆报告厅`,
      audience: { selected: ['workers', 'public'], other: '中小学生' },
      scale: 100 + Math.floor(random() * 900),
      contact: { name: '王五', officePhone: '025-83000000', mobile: '13900000000', email: 'ww@example.cn' },
      mailingAddress: `${place}人民路1号`,
      workPlan: workPlan(random, unitName),
    },
  };
}

// --- Steps ------------------------------------------------------------------------------------

async function chunked<T>(rows: T[], size: number, write: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await write(rows.slice(i, i + size));
}

/** Learned societies, enterprise and university associations: ≈ 6,700 more units per scale step. */
async function addOrganisationUnits(db: Db, scale: number) {
  const regional = await db.selectFrom('units').select(['id', 'short_name', 'level']).where('type', '=', 'regional_association').where('level', 'in', ['national', 'provincial', 'city']).execute();
  const rows: { parent_id: number; name: string; short_name: string; type: 'learned_society' | 'enterprise_association' | 'university_association'; level: 'national' | 'provincial' | 'city' }[] = [];
  const numbered = (list: string[], i: number) => (i < list.length ? list[i]! : `${list[i % list.length]!.replace(/(有限公司|学会|大学|学院)$/, '')}第${Math.floor(i / list.length) + 1}$1`);
  for (const unit of regional) {
    const place = unit.level === 'national' ? '中国' : unit.short_name.replace(/科协$/, '');
    const add = (type: (typeof rows)[number]['type'], count: number, nameOf: (i: number) => string, suffix: string) => {
      for (let i = 0; i < count * scale; i++) {
        const base = nameOf(i);
        rows.push({ parent_id: unit.id, name: `${base}${suffix}`.slice(0, 100), short_name: `${base}${suffix}`.slice(0, 50), type, level: unit.level as 'national' | 'provincial' | 'city' });
      }
    };
    if (unit.level === 'national') add('learned_society', 200, (i) => `${place}${numbered(disciplines, i)}`, '');
    if (unit.level === 'provincial') {
      add('learned_society', 40, (i) => `${place}${numbered(disciplines, i)}`, '');
      add('enterprise_association', 10, (i) => `${place}${numbered(industries, i)}`, '科协');
      add('university_association', 15, (i) => `${place}${numbered(colleges, i)}`, '科协');
    }
    if (unit.level === 'city') {
      add('learned_society', 3, (i) => `${place}${numbered(disciplines, i)}`, '');
      add('enterprise_association', 8, (i) => `${place}${numbered(industries, i)}`, '科协');
      add('university_association', 5, (i) => `${place}${numbered(colleges, i)}`, '科协');
    }
  }
  const seen = new Set<string>();
  const unique = rows.filter((r) => {
    const key = `${r.parent_id}:${r.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  await chunked(unique, 1000, (chunk) => db.insertInto('units').values(chunk).execute());
  return unique.length;
}

/**
 * A city-level office's own organisations (HUIJU_SEED_ROOT = the city): its learned societies,
 * enterprise and university associations, enough for ≈ 300 units with the city's districts.
 */
async function addCityOrganisationUnits(db: Db, cityCode: string, total: number) {
  const city = await db.selectFrom('units').select(['id', 'short_name']).where('region_code', '=', cityCode).executeTakeFirstOrThrow();
  const existing = Number((await db.selectFrom('units').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  const place = city.short_name.replace(/科协$/, '');
  const wanted = Math.max(0, total - existing);
  const numbered = (list: string[], i: number) => (i < list.length ? list[i]! : `${list[i % list.length]!.replace(/(有限公司|学会|大学|学院)$/, '')}第${Math.floor(i / list.length) + 1}$1`);
  // Roughly the mix of a large city: societies first, then enterprises, then universities.
  const rows = Array.from({ length: wanted }, (_, i) => {
    const type = i % 10 < 5 ? ('learned_society' as const) : i % 10 < 8 ? ('enterprise_association' as const) : ('university_association' as const);
    const n = Math.floor(i / 10);
    const name = type === 'learned_society' ? `${place}${numbered(disciplines, n * 5 + (i % 10))}` : type === 'enterprise_association' ? `${place}${numbered(industries, n * 3 + (i % 10) - 5)}科协` : `${place}${numbered(colleges, n * 2 + (i % 10) - 8)}科协`;
    return { parent_id: city.id, name: name.slice(0, 100), short_name: name.slice(0, 50), type, level: 'city' as const };
  });
  await chunked(rows, 1000, (chunk) => db.insertInto('units').values(chunk).execute());
  return rows.length;
}

function newSessionToken() {
  const token = randomBytes(32).toString('base64url');
  return { token, id: createHash('sha256').update(token).digest('hex'), csrf: randomBytes(24).toString('base64url') };
}

async function insertSession(db: Db, userId: number) {
  const s = newSessionToken();
  await db.insertInto('sessions').values({ id: s.id, user_id: userId, csrf_token: s.csrf, expires_at: new Date(Date.now() + 11 * 3600_000), ip: '127.0.0.1', user_agent: 'huiju-bench' }).execute();
  return s;
}

/** A signed-in request helper over inject() for the set-up steps that go through the API. */
export async function adminCall(app: FastifyInstance) {
  let signedIn = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'admin', password: adminPassword } });
  // The administrator's second factor (enrolled by generateInto): a code already used in this
  // 30-second step is refused, so a second sign-in waits for the next step.
  for (let attempt = 0; signedIn.statusCode === 202 && attempt < 2; attempt++) {
    const challengeToken = (signedIn.json() as { challengeToken: string }).challengeToken;
    const answer = await app.inject({ method: 'POST', url: '/api/v1/session/totp', payload: { challengeToken, totpCode: totpCode(benchTotpSecret) } });
    if (answer.statusCode === 200 || attempt === 1) {
      signedIn = answer;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 30_000 - (Date.now() % 30_000) + 100));
    signedIn = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'admin', password: adminPassword } });
  }
  if (signedIn.statusCode !== 200) throw new Error(`sign-in failed: ${signedIn.body}`);
  const setCookie = signedIn.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie[0]! : setCookie!).split(';')[0]!;
  const csrf = (signedIn.json() as { csrfToken: string }).csrfToken;
  return async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => {
    const response = await app.inject({ method, url, headers: { cookie, 'x-csrf-token': csrf }, ...(payload ? { payload } : {}) });
    if (response.statusCode >= 400) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    return response;
  };
}

const allChildren = (['regional_association', 'learned_society', 'enterprise_association', 'university_association'] as const).map((unitType) => ({ kind: 'units_of_type' as const, unitType, scope: 'children' as const }));

/** The campaign, its form, the national notice and its forwards by every province and city, through the API. */
async function campaignAndCascade(app: FastifyInstance, db: Db, requiredFiles: boolean) {
  const call = await adminCall(app);
  const root = await db.selectFrom('units').select('id').where('parent_id', 'is', null).executeTakeFirstOrThrow();
  const form = (await call('POST', '/api/v1/forms', { unitId: root.id, name: '特色亮点活动筹备方案', templateKey: 'jiangsu_featured_activity' })).json();
  const template = (await call('POST', '/api/v1/campaigns/template', { unitId: root.id, year: benchYear })).json() as Record<string, unknown>;
  const campaign = (await call('POST', '/api/v1/campaigns', { ...template, theme: '众心向党，自立自强' })).json();
  const draft = await call('POST', '/api/v1/notices', {
    issuerUnitId: root.id,
    campaignId: campaign.id,
    documentNumber: `科协发〔${benchYear}〕9号`,
    title: `关于开展${benchYear}年“全国科技工作者日”活动的通知`,
    addresseeRules: [
      { kind: 'units_of_type', unitType: 'regional_association', level: 'provincial', scope: 'children' },
      { kind: 'units_of_type', unitType: 'learned_society', scope: 'children' },
    ],
    tasks: [
      {
        title: '特色亮点活动筹备方案（不少于3项）',
        deadline: `${benchYear}-05-12`,
        formVersionId: form.latest.id,
        quota: { minItems: 3 },
        // The deadline burst (W6): the plan comes with its stamped PDF and its Word version.
        ...(requiredFiles
          ? { requiredFiles: [{ key: 'stampedPdf', label: '盖章PDF版', kinds: ['pdf'] }, { key: 'wordVersion', label: 'Word版', kinds: ['docx'] }] }
          : {}),
      },
    ],
  });
  const issued = await call('POST', `/api/v1/notices/${draft.json().id}/issue`, { version: draft.json().version });
  const rootTaskId = issued.json().tasks[0].id as number;

  let noticeIds = [issued.json().id as number];
  let forwards = 0;
  for (const level of ['provincial', 'city'] as const) {
    const next: number[] = [];
    for (const noticeId of noticeIds) {
      const recipients = await db.selectFrom('notice_recipients as r').innerJoin('units as u', 'u.id', 'r.unit_id').select(['u.id', 'u.region_code']).where('r.notice_id', '=', noticeId).where('u.level', '=', level).where('u.type', '=', 'regional_association').execute();
      for (const unit of recipients) {
        const child = await db.selectFrom('units').select('id').where('parent_id', '=', unit.id).executeTakeFirst();
        if (!child) continue;
        const forward = (await call('POST', `/api/v1/notices/${noticeId}/forward`, { unitId: unit.id })).json();
        const saved = await call('PUT', `/api/v1/notices/${forward.id}`, {
          version: forward.version,
          documentNumber: `转发〔${benchYear}〕${unit.region_code}号`,
          title: forward.title,
          addresseeRules: allChildren,
          bodyHtml: forward.bodyHtml,
          tasks: forward.tasks.map((t: { title: string; upstreamTaskId: number; formVersionId: number | null; quota: unknown }) => ({
            title: t.title,
            upstreamTaskId: t.upstreamTaskId,
            formVersionId: t.formVersionId,
            quota: t.quota,
            deadline: `${benchYear}-05-08`,
          })),
        });
        const sent = await call('POST', `/api/v1/notices/${forward.id}/issue`, { version: saved.json().version });
        next.push(sent.json().id as number);
        forwards++;
      }
    }
    noticeIds = next;
  }
  return { rootUnitId: root.id, rootTaskId, campaignId: campaign.id as number, forwards };
}

export interface GenerateOptions {
  items: number;
  scale: number;
  /** Units with a draft and a session, for W1. */
  poolSize: number;
  /** Every unit owing the task may be in the pool (and none submits beforehand): the W6 burst. */
  poolEveryUnit?: boolean;
  /** The national task asks for a stamped PDF and a .docx (the W6 burst uploads them). */
  requiredFiles?: boolean;
  /**
   * A city-level office: GB/T 2260 code of the city seeded (HUIJU_SEED_ROOT) with its districts, and
   * its own organisations up to `cityUnits` units in all, instead of the national organisations.
   */
  city?: { code: string; units: number };
  log?: (line: string) => void;
}

/** Generates the whole data set on a prepared database (the admin password must be adminPassword). */
export async function generate(handle: DatabaseHandle, app: FastifyInstance, options: GenerateOptions): Promise<GeneratedMeta> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const { db } = handle;
  const added = options.city ? await addCityOrganisationUnits(db, options.city.code, options.city.units) : await addOrganisationUnits(db, options.scale);
  log(`${added} organisation units added`);
  const cascade = await campaignAndCascade(app, db, options.requiredFiles ?? false);
  log(`campaign, notice and ${cascade.forwards} forwards issued`);

  const owing = await db
    .selectFrom('notice_recipients as r')
    .innerJoin('collection_tasks as t', 't.notice_id', 'r.notice_id')
    .innerJoin('notices as n', 'n.id', 't.notice_id')
    .innerJoin('units as u', 'u.id', 'r.unit_id')
    .select(['r.unit_id', 'u.name', 'u.short_name', 't.id as task_id', 't.form_version_id', 'n.campaign_id'])
    .orderBy('r.unit_id')
    .execute();
  const formRow = await db.selectFrom('form_versions').select('definition').where('id', '=', owing[0]!.form_version_id!).executeTakeFirstOrThrow();
  const form: FormDefinition = formDefinitionSchema.parse(formRow.definition);
  const campaignRow = await db.selectFrom('campaigns').select(['phases', 'modules', 'target_groups']).where('id', '=', cascade.campaignId).executeTakeFirstOrThrow();
  const ctx = { phases: campaignRow.phases ?? defaultPhases(benchYear), modules: campaignRow.modules ?? defaultModules, targetGroups: campaignRow.target_groups ?? defaultTargetGroups };

  // 40 % of the units (up to poolSize) keep a draft for W1; the other 60 % submitted.
  const poolRows = (options.poolEveryUnit ? owing : owing.filter((_, i) => i % 5 >= 3)).slice(0, options.poolSize);
  const poolSet = new Set(poolRows.map((r) => r.unit_id));
  const submitters = options.poolEveryUnit ? [] : owing.filter((r, i) => !poolSet.has(r.unit_id) && i % 5 < 3);
  const perUnit = Math.max(1, Math.ceil(options.items / submitters.length));
  const random = rng(2027);
  const now = new Date();
  let written = 0;
  let submitted = 0;
  const batchSize = 200;
  for (let b = 0; b < submitters.length && written < options.items; b += batchSize) {
    const batch = submitters.slice(b, b + batchSize);
    const planned = batch.map((row) => {
      const count = Math.min(perUnit, options.items - written);
      written += Math.max(0, count);
      const place = row.short_name.replace(/(科协|学会)$/, '');
      return { row, items: Array.from({ length: Math.max(0, count) }, (_, n) => itemFor(random, n, row.name, place)) };
    }).filter((p) => p.items.length > 0);
    if (planned.length === 0) break;
    await db.transaction().execute(async (trx) => {
      const late = (i: number) => (i % 10 === 0 ? 5 : 0);
      const subs = await trx
        .insertInto('submissions')
        .values(planned.map((p, i) => ({
          task_id: p.row.task_id,
          unit_id: p.row.unit_id,
          form_version_id: p.row.form_version_id,
          status: 'submitted',
          values: JSON.stringify({ fields: {}, items: p.items }),
          submitted_at: now,
          first_submitted_at: now,
          late_hours: late(b + i),
          version: 2,
        }) as never))
        .returning(['id', 'unit_id'])
        .execute();
      const idOf = new Map(subs.map((s) => [s.unit_id, s.id]));
      await trx
        .insertInto('submission_revisions')
        .values(planned.map((p) => ({ submission_id: idOf.get(p.row.unit_id)!, version: 2, status: 'submitted', values: JSON.stringify({ fields: {}, items: p.items }), action: 'submit' })))
        .execute();
      const activityRows = planned.flatMap((p) =>
        p.items.map((item, n) => {
          const a = activityFromItem(form, ctx, item.fields, `活动${n + 1}`);
          return {
            submission_id: idOf.get(p.row.unit_id)!,
            item_key: item.key,
            task_id: p.row.task_id,
            campaign_id: p.row.campaign_id,
            unit_id: p.row.unit_id,
            ...activityColumns(a),
          };
        }),
      );
      for (let i = 0; i < activityRows.length; i += 500) {
        const chunk = activityRows.slice(i, i + 500);
        const inserted = await trx.insertInto('activities').values(chunk as never).returning(['id', 'unit_id', 'title', 'description']).execute();
        await trx
          .insertInto('showcase_publications')
          .values(inserted.map((a) => {
            const description = (a.description ?? a.title).slice(0, 300);
            return {
              activity_id: a.id,
              campaign_id: cascade.campaignId,
              unit_id: a.unit_id,
              status: 'approved',
              description,
              decided_at: now,
              first_published_at: now,
              published_at: new Date(now.getTime() - Math.floor(random() * 30 * 86400_000)),
              search_vector: sql<string>`${searchVectorLiteral([{ text: a.title, weight: 'A' }, { text: description, weight: 'B' }])}::tsvector`,
            };
          }) as never)
          .execute();
      }
    });
    submitted += planned.length;
    if ((b / batchSize) % 10 === 0) log(`${written} items written`);
  }
  log(`${written} items in ${submitted} submissions`);

  // W1's pool: contact, session, a saved draft of 3 items.
  const pool: PoolEntry[] = [];
  await chunked(poolRows, 200, async (chunk) => {
    await db.transaction().execute(async (trx) => {
      const users = await trx
        .insertInto('users')
        .values(chunk.map((r) => ({ unit_id: r.unit_id, username: `bench.${r.unit_id}`, display_name: '联络员', status: 'active' })) as never)
        .returning(['id', 'unit_id'])
        .execute();
      await trx.insertInto('role_assignments').values(users.map((u) => ({ user_id: u.id, role: 'contact', unit_id: u.unit_id }))).execute();
      const drafts = chunk.map((r) => ({ row: r, items: [0, 1, 2].map((n) => itemFor(random, n, r.name, r.short_name.replace(/(科协|学会)$/, ''))) }));
      const subs = await trx
        .insertInto('submissions')
        .values(drafts.map((d) => ({ task_id: d.row.task_id, unit_id: d.row.unit_id, form_version_id: d.row.form_version_id, status: 'draft', values: JSON.stringify({ fields: {}, items: d.items }), version: 1 }) as never))
        .returning(['id', 'unit_id'])
        .execute();
      const subOf = new Map(subs.map((s) => [s.unit_id, s.id]));
      await trx
        .insertInto('submission_revisions')
        .values(drafts.map((d) => ({ submission_id: subOf.get(d.row.unit_id)!, version: 1, status: 'draft', values: JSON.stringify({ fields: {}, items: d.items }), action: 'save' })))
        .execute();
      const sessions = users.map((u) => ({ u, s: newSessionToken() }));
      await trx
        .insertInto('sessions')
        .values(sessions.map(({ u, s }) => ({ id: s.id, user_id: u.id, csrf_token: s.csrf, expires_at: new Date(Date.now() + 11 * 3600_000), ip: '127.0.0.1', user_agent: 'huiju-bench' })))
        .execute();
      const taskOf = new Map(chunk.map((r) => [r.unit_id, r.task_id]));
      const itemsOf = new Map(drafts.map((d) => [d.row.unit_id, d.items]));
      for (const { u, s } of sessions) pool.push({ token: s.token, csrf: s.csrf, taskId: taskOf.get(u.unit_id)!, version: 1, unitId: u.unit_id, items: itemsOf.get(u.unit_id)! });
    });
  });
  log(`${pool.length} drafts with sessions for W1`);

  const admin = await db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
  const adminSession = await insertSession(db, admin.id);
  // A data set where nobody has submitted yet (the W6 burst, the city office) names a draft.
  const anySubmission =
    (await db.selectFrom('submissions').select(['id', 'task_id', 'unit_id']).where('status', '=', 'submitted').orderBy('id').executeTakeFirst()) ??
    (await db.selectFrom('submissions').select(['id', 'task_id', 'unit_id']).orderBy('id').executeTakeFirstOrThrow());
  const units = Number((await db.selectFrom('units').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  await sql`analyze`.execute(db);
  return {
    units,
    items: written,
    submitted,
    forwards: cascade.forwards,
    rootUnitId: cascade.rootUnitId,
    rootTaskId: cascade.rootTaskId,
    campaignId: cascade.campaignId,
    year: benchYear,
    admin: { token: adminSession.token, csrf: adminSession.csrf },
    pool,
    anySubmission: { id: anySubmission.id, taskId: anySubmission.task_id, unitId: anySubmission.unit_id },
    searchWord: '科普',
    filter: { module: 'serve', phase: 'p2' },
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Creates and fills a data directory (PGlite) or an empty PostgreSQL database, then closes it so a
 * Huiju process can open it. Returns the metadata the load scripts need.
 */
export async function generateInto(target: { dataDir: string; databaseUrl?: string | undefined }, options: GenerateOptions): Promise<GeneratedMeta> {
  const handle = target.databaseUrl ? openPostgres(target.databaseUrl, 5) : await openPGlite(target.dataDir);
  const config = loadConfig({
    HUIJU_DATA_DIR: target.dataDir,
    LOG_LEVEL: 'silent',
    HUIJU_ADMIN_PASSWORD: adminPassword,
    ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
    ...(options.city ? { HUIJU_SEED_ROOT: options.city.code } : {}),
  });
  try {
    await prepareDatabase(handle.db, config);
    // Enrolled directly: the bench measures the business paths, not the authenticator set-up.
    await handle.db.updateTable('users').set({ totp_secret: benchTotpSecret, totp_enabled_at: new Date() }).where('username', '=', 'admin').execute();
    const app = await buildApp({ db: handle.db, databaseKind: handle.kind, config, version: huijuVersion, files: new LocalFileStore(path.join(target.dataDir, 'files')) }, { serveWeb: false });
    try {
      return await generate(handle, app, options);
    } finally {
      await app.close();
    }
  } finally {
    await handle.close();
  }
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** `node --import tsx bench/generate.ts [--items N] [--scale S] [--data-dir DIR]` (DATABASE_URL for PostgreSQL). */
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const scale = Number(argValue('--scale') ?? 1);
  const items = Number(argValue('--items') ?? 100_000 * scale);
  const dataDir = argValue('--data-dir') ?? fs.mkdtempSync(path.join(os.tmpdir(), 'huiju-bench-data-'));
  const meta = await generateInto({ dataDir, databaseUrl: process.env.DATABASE_URL }, { items, scale, poolSize: 4000, log: (l) => console.log(`[generate] ${l}`) });
  fs.writeFileSync(path.join(dataDir, 'bench-meta.json'), JSON.stringify(meta));
  console.log(`[generate] ${meta.units} units, ${meta.items} items, ${meta.pool.length} W1 drafts in ${meta.seconds.toFixed(0)} s → ${dataDir}`);
}
