import type { Db } from '../../src/server/db/database';
import { createUnit, createUser, regionalUnit } from './factories';
import type { Client } from './test-app';

/** The jiangsu-2021 seed's people: the province's campaign office, 南京市科协's contact, and 苏州市科协's. */
export async function jiangsuScenario(db: Db) {
  const jiangsu = await regionalUnit(db, '32');
  const nanjing = await regionalUnit(db, '3201');
  const suzhou = await regionalUnit(db, '3205');
  const office = await createUnit(db, jiangsu.id, { name: '江苏省科协调研宣传部', shortName: '省科协调宣部', type: 'internal_department', level: 'provincial' });
  const society = await createUnit(db, jiangsu.id, { name: '江苏省化学化工学会', shortName: '省化学化工学会', type: 'learned_society', level: 'provincial' });
  return {
    jiangsu,
    nanjing,
    suzhou,
    office,
    society,
    people: {
      province: await createUser(db, jiangsu.id, ['campaign_manager'], { username: `js-cm-${jiangsu.id}-${Date.now() % 100000}` }),
      nanjing: await createUser(db, nanjing.id, ['contact'], { username: `nj-contact-${Date.now() % 100000}` }),
      suzhou: await createUser(db, suzhou.id, ['contact'], { username: `sz-contact-${Date.now() % 100000}` }),
      officeManager: await createUser(db, office.id, ['campaign_manager'], { username: `js-office-${Date.now() % 100000}` }),
      society: await createUser(db, society.id, ['contact'], { username: `js-soc-${Date.now() % 100000}` }),
    },
  };
}

/** Creates the Jiangsu form, campaign and notice through the API and returns the task id. */
export async function issueJiangsuNotice(
  province: Client,
  jiangsuId: number,
  options: { year: number; deadline: string; latePolicy?: 'accept_flag' | 'close'; routing?: unknown[]; documentSerial: number; addressees?: unknown[] },
) {
  const form = await province.post('/api/v1/forms', { unitId: jiangsuId, name: '特色亮点活动筹备方案', templateKey: 'jiangsu_featured_activity' });
  if (form.statusCode !== 201) throw new Error(form.body);
  const existing = (await province.get(`/api/v1/campaigns?unitId=${jiangsuId}&year=${options.year}`)).json() as { id: number }[];
  let campaignId = existing[0]?.id;
  if (!campaignId) {
    const template = (await province.post('/api/v1/campaigns/template', { unitId: jiangsuId, year: options.year })).json() as Record<string, unknown>;
    const campaign = await province.post('/api/v1/campaigns', { ...template, theme: '众心向党，自立自强' });
    if (campaign.statusCode !== 201) throw new Error(campaign.body);
    campaignId = campaign.json().id;
  }
  const draft = await province.post('/api/v1/notices', {
    issuerUnitId: jiangsuId,
    campaignId,
    documentNumber: `苏科协发〔${options.year}〕${options.documentSerial}号`,
    title: `关于开展${options.year}年“全国科技工作者日”活动的通知`,
    addresseeRules: options.addressees ?? [
      { kind: 'units_of_type', unitType: 'regional_association', level: 'city', scope: 'children' },
      { kind: 'units_of_type', unitType: 'learned_society', scope: 'children' },
    ],
    tasks: [
      {
        title: '特色亮点活动筹备方案（不少于3项，原则上每个阶段1项）',
        deadline: options.deadline,
        formVersionId: form.json().latest.id,
        quota: { minItems: 3, onePerPhase: true },
        latePolicy: options.latePolicy ?? 'accept_flag',
        routing: options.routing ?? [],
        requiredFiles: [{ key: 'stampedPdf', label: '盖章PDF版', kinds: ['pdf'] }],
      },
    ],
  });
  if (draft.statusCode !== 201) throw new Error(draft.body);
  const issued = await province.post(`/api/v1/notices/${draft.json().id}/issue`, { version: draft.json().version });
  if (issued.statusCode !== 200) throw new Error(issued.body);
  return { taskId: issued.json().tasks[0].id as number, noticeId: issued.json().id as number, formVersionId: form.json().latest.id as number, campaignId: campaignId as number };
}

export function jiangsuItem(n: number, year: number, phase: 'p1' | 'p2' | 'p3') {
  const dates = { p1: [`${year}-05-12`, `${year}-05-13`], p2: [`${year}-05-30`, `${year}-05-30`], p3: [`${year}-06-10`, `${year}-06-12`] }[phase];
  return {
    key: `item-${n}`,
    fields: {
      host: '南京市科学技术协会',
      title: ['“百年回望”科普宣传周', '最美科技工作者宣讲会', '科技志愿服务进社区'][n - 1] ?? `活动${n}`,
      modules: n === 1 ? ['unite', 'serve'] : n === 2 ? ['honour'] : ['serve'],
      organiser: '南京科技馆',
      time: { phaseId: phase, startDate: dates[0], endDate: dates[1] },
      place: '南京科技馆',
      audience: { selected: ['workers', 'public'], other: '中小学生' },
      scale: 300 * n,
      contact: { name: '王五', officePhone: '025-83000000', mobile: '13900000000', fax: '025-83000001', email: 'ww@example.cn' },
      mailingAddress: '南京市玄武区北京东路1号',
      workPlan: `本活动围绕“众心向党，自立自强”主题，${'组织科技工作者开展科普宣讲。'.repeat(20)}`,
    },
  };
}
