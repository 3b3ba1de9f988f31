import type { Db } from '../../src/server/db/database';
import { issueJiangsuNotice, jiangsuItem, jiangsuScenario } from './jiangsu-scenario';
import { multipartFile, solidPng } from './png';
import { signIn, type Client } from './test-app';
import type { FastifyInstance } from 'fastify';
import { sealRow } from '../../src/server/crypto/personal-data';

const stampedPdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3000, 0x20), Buffer.from('\n%%EOF\n')]);

/** Personal data planted on the units and items: none of it may appear on a public page. */
export const plantedPersonalData = ['王五', '13900000000', 'ww@example.cn', '025-83000000', '北京东路', '赵六', '13811112222', 'zl@njast.cn', '025-84000000', '玄武大道'];

/**
 * Jiangsu 2021 (as the seed): 江苏省科协 issues its notice; 南京市科协 and 苏州市科协 each submit three
 * items through the API (items carry contacts with phones and e-mails, the units a contact and a
 * mailing address). Returns the signed-in clients and the activity ids by unit and item.
 */
export async function showcaseScenario(app: FastifyInstance, db: Db, year = 2021) {
  const s = await jiangsuScenario(db);
  await db
    .updateTable('units')
    .set(sealRow('units', { contact_name: '赵六', contact_mobile: '13811112222', contact_email: 'zl@njast.cn', contact_office_phone: '025-84000000', mailing_address: '南京市玄武区玄武大道1号' }))
    .where('id', '=', s.nanjing.id)
    .execute();
  const province = await signIn(app, s.people.province.username, s.people.province.password);
  const nanjing = await signIn(app, s.people.nanjing.username, s.people.nanjing.password);
  const suzhou = await signIn(app, s.people.suzhou.username, s.people.suzhou.password);
  const officeManager = await signIn(app, s.people.officeManager.username, s.people.officeManager.password);
  const { taskId, campaignId } = await issueJiangsuNotice(province, s.jiangsu.id, { year, deadline: `${year}-05-12`, documentSerial: 55 });

  const submitAs = async (client: Client, host: string) => {
    const upload = await client.request({ method: 'POST', url: `/api/v1/collection-tasks/${taskId}/files?field=stampedPdf`, ...multipartFile(stampedPdf, 'stamp.pdf', 'application/pdf') });
    if (upload.statusCode !== 201) throw new Error(upload.body);
    const items = [jiangsuItem(1, year, 'p1'), jiangsuItem(2, year, 'p2'), jiangsuItem(3, year, 'p3')].map((i) => ({ ...i, fields: { ...i.fields, host } }));
    const saved = await client.put(`/api/v1/collection-tasks/${taskId}/submission`, { values: { fields: { stampedPdf: [{ fileId: upload.json().id, name: 'stamp.pdf' }] }, items } });
    if (saved.statusCode !== 200) throw new Error(saved.body);
    const submitted = await client.post(`/api/v1/collection-tasks/${taskId}/submission/submit`, { version: saved.json().version });
    if (submitted.statusCode !== 200) throw new Error(submitted.body);
  };
  await submitAs(nanjing, '南京市科学技术协会');
  await submitAs(suzhou, '苏州市科学技术协会');

  const activitiesOf = async (unitId: number) => {
    const rows = await db.selectFrom('activities').select(['id', 'item_key']).where('unit_id', '=', unitId).where('task_id', '=', taskId).orderBy('item_key').execute();
    return rows.map((r) => r.id);
  };
  return {
    s,
    year,
    taskId,
    campaignId,
    clients: { province, nanjing, suzhou, officeManager },
    activities: { nanjing: await activitiesOf(s.nanjing.id), suzhou: await activitiesOf(s.suzhou.id) },
  };
}

/** Uploads a photo for `unitId` as `client` and returns its file id. */
export async function uploadPhoto(client: Client, unitId: number, name = '活动现场.png', png = solidPng(64, 48)) {
  const response = await client.request({ method: 'POST', url: `/api/v1/files?unitId=${unitId}`, ...multipartFile(png, name, 'image/png') });
  if (response.statusCode !== 201) throw new Error(response.body);
  return response.json().id as string;
}
