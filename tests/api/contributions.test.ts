import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executables } from '../../src/server/features/files/hostile-files.fixture';
import { solidPng } from '../support/png';
import { showcaseScenario } from '../support/showcase-scenario';
import { anonymous, createTestApp, signIn, type Client, type TestApp } from '../support/test-app';
import { createUser } from '../support/factories';
import { openField } from '../../src/server/crypto/personal-data';

/**
 * Public contributions (作品征集) on the Jiangsu 2021 column: 江苏省科协's campaign manager opens a
 * call for photos, short videos and letters; the public sends works without an account; nothing
 * shows before a moderator approves it; the contributor's e-mail gets the result and appears on no
 * public answer.
 */
let t: TestApp;
let sc: Awaited<ReturnType<typeof showcaseScenario>>;
let pub: Client;
let filesDir = '';
let callId = 0;
let callVersion = 0;
const email = 'li.si@example.cn';
const base = '/api/v1/public/contribution-calls';

const tinyMp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2'), Buffer.from([0, 0, 0, 0x10]), Buffer.from('mdat'), Buffer.alloc(8, 7)]);

let ipCounter = 0;
/** Each submission from its own address unless told: the per-address limit has its own test. */
const nextIp = () => `10.1.${Math.floor(++ipCounter / 200)}.${ipCounter % 200}`;

interface Work {
  kind: 'photo' | 'video' | 'letter';
  title?: string;
  creditName?: string;
  workUnit?: string;
  email?: string;
  letterText?: string;
  consent?: string;
  file?: { data: Buffer; name: string; type: string };
}

function form(work: Work) {
  const boundary = '----huiju-contribution';
  const fields: [string, string | undefined][] = [
    ['kind', work.kind],
    ['title', work.title ?? '青春献礼科技工作者日'],
    ['creditName', work.creditName ?? '李四'],
    ['workUnit', work.workUnit ?? '南京大学物理学院'],
    ['email', work.email ?? email],
    ['letterText', work.letterText],
    ['consent', work.consent ?? 'true'],
  ];
  const parts: Buffer[] = [];
  for (const [name, value] of fields) if (value !== undefined) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  if (work.file) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${work.file.name}"\r\nContent-Type: ${work.file.type}\r\n\r\n`), work.file.data, Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

function send(work: Work, options: { callId?: number; key?: string; ip?: string } = {}) {
  const body = form(work);
  return pub.request({
    method: 'POST',
    url: `${base}/${options.callId ?? callId}/contributions`,
    payload: body.payload,
    headers: { ...body.headers, ...(options.key ? { 'idempotency-key': options.key } : {}) },
    remoteAddress: options.ip ?? nextIp(),
  });
}

const photo = (name = '实验室合影.png', data = solidPng(1200, 800)) => ({ data, name, type: 'image/png' });

/** A phone's photo: JPEG with the owner's name and a GPS position in its EXIF. */
const gpsJpeg = () =>
  sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 30, g: 120, b: 200 } } })
    .withExif({ IFD0: { Copyright: 'CONTRIBUTOR-CAMERA' }, IFD3: { GPSMapDatum: 'WGS-84', GPSLatitudeRef: 'N', GPSLatitude: '32/1 3/1 0/1' } })
    .jpeg({ quality: 80 })
    .toBuffer();
let cameraPhoto: { data: Buffer; name: string; type: string } = { data: Buffer.alloc(0), name: '实验室合影.jpg', type: 'image/jpeg' };

/** Files in the store (committed or staged) and rows: what a refusal must leave unchanged. */
async function stored() {
  const count = (dir: string): number =>
    fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? (e.name === 'derived' ? 0 : count(path.join(dir, e.name))) : 1), 0) : 0;
  const rows = await t.db.selectFrom('stored_files').select(t.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const works = await t.db.selectFrom('contributions').select(t.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { files: count(filesDir), rows: Number(rows.n), works: Number(works.n) };
}

async function pending() {
  const list = await sc.clients.province.get(`/api/v1/contribution-calls/${callId}/contributions?status=pending`);
  expect(list.statusCode, list.body).toBe(200);
  return list.json().items as { id: number; title: string; version: number; email: string; kind: string; mediaUrl: string | null }[];
}

const publicAnswers: string[] = [];
async function publicGet(url: string) {
  const response = await pub.get(url);
  publicAnswers.push(response.body);
  return response;
}

beforeAll(async () => {
  filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiju-contributions-'));
  t = await createTestApp({ filesDir, env: { HUIJU_PUBLIC_URL: 'https://huiju.example.cn' } });
  sc = await showcaseScenario(t.app, t.db);
  pub = anonymous(t.app);
  cameraPhoto = { ...cameraPhoto, data: await gpsJpeg() };
});
afterAll(async () => {
  await t.close();
  fs.rmSync(filesDir, { recursive: true, force: true });
});

describe('a call (征集) on the column', () => {
  const callBody = {
    title: '“我为科技工作者送祝福”作品征集',
    description: '面向全省青年科技工作者征集5·30祝福短视频、照片和书信。',
    kinds: ['photo', 'video', 'letter'],
    letterWordLimit: 100,
    videoMaxMb: 1,
    photoMaxMb: 1,
    opensAt: '2020-01-01T00:00:00+08:00',
    closesAt: '2099-12-31T00:00:00+08:00',
  };

  it('is opened by the issuing unit’s campaign managers only: units below get 404, fields named when wrong', async () => {
    const url = `/api/v1/showcase/campaigns/${sc.campaignId}/contribution-calls`;
    expect((await sc.clients.nanjing.post(url, callBody)).statusCode).toBe(404);
    expect((await pub.post(url, callBody)).statusCode).toBe(401);
    const bad = await sc.clients.province.post(url, { ...callBody, kinds: [], closesAt: '2019-01-01T00:00:00+08:00', photoMaxMb: 50 });
    expect(bad.statusCode).toBe(422);
    const messages = bad.json().errors.map((e: { field: string; message: string }) => [e.field, e.message]);
    expect(messages).toEqual(expect.arrayContaining([['kinds', expect.stringContaining('征集作品类型')], ['photoMaxMb', expect.stringContaining('照片大小上限')]]));
    const order = await sc.clients.province.post(url, { ...callBody, closesAt: '2019-01-01T00:00:00+08:00' });
    expect(order.json().errors).toEqual([expect.objectContaining({ field: 'closesAt', message: '结束时间须晚于开始时间' })]);
    const created = await sc.clients.province.post(url, callBody);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ status: 'draft', open: false, kinds: ['video', 'photo', 'letter'], manages: true });
    callId = created.json().id;
    callVersion = created.json().version;
    const audit = await t.db.selectFrom('audit_log').select('action').where('target_type', '=', 'contribution_call').where('target_id', '=', String(callId)).execute();
    expect(audit.map((a) => a.action)).toEqual(['contribution_call.create']);
  });

  it('is changed with its version; a stale version is refused (409) and changes nothing', async () => {
    const changed = await sc.clients.province.put(`/api/v1/contribution-calls/${callId}`, { ...callBody, description: '征集5·30祝福。', version: callVersion });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ description: '征集5·30祝福。', version: callVersion + 1 });
    const stale = await sc.clients.province.put(`/api/v1/contribution-calls/${callId}`, { ...callBody, title: '过期的修改', version: callVersion });
    expect(stale.statusCode).toBe(409);
    callVersion += 1;
    expect((await sc.clients.province.get(`/api/v1/contribution-calls/${callId}`)).json().title).toBe(callBody.title);
  });

  it('shows nothing publicly while a draft, then its page once published (with the consent text)', async () => {
    expect((await publicGet(`${base}/${callId}`)).statusCode).toBe(404);
    expect((await send({ kind: 'letter', letterText: '节日快乐！' })).statusCode).toBe(404);
    expect((await publicGet(`/api/v1/public/showcase/${sc.s.jiangsu.id}/${sc.year}/contribution-calls`)).json()).toEqual([]);
    const published = await sc.clients.province.post(`/api/v1/contribution-calls/${callId}/publish`, { version: callVersion });
    expect(published.statusCode, published.body).toBe(200);
    callVersion += 1;
    const page = await publicGet(`${base}/${callId}`);
    expect(page.json()).toMatchObject({ open: true, photoMaxMb: 1, letterWordLimit: 100, column: { unitId: sc.s.jiangsu.id, year: sc.year } });
    expect(page.json().consentText).toContain('仅用于通知审核结果');
    const listed = await publicGet(`/api/v1/public/showcase/${sc.s.jiangsu.id}/${sc.year}/contribution-calls`);
    expect(listed.json()).toEqual([expect.objectContaining({ id: callId, open: true })]);
  });

  it('takes submissions only within its window', async () => {
    await t.db.updateTable('contribution_calls').set({ opens_at: '2099-01-01T00:00:00+08:00' }).where('id', '=', callId).execute();
    const early = await send({ kind: 'letter', letterText: '节日快乐！' });
    expect(early.statusCode).toBe(409);
    expect(early.json().detail).toContain('2099-01-01 00:00');
    await t.db.updateTable('contribution_calls').set({ opens_at: '2020-01-01T00:00:00+08:00', closes_at: '2021-01-01T00:00:00+08:00' }).where('id', '=', callId).execute();
    expect((await send({ kind: 'letter', letterText: '节日快乐！' })).statusCode).toBe(409);
    expect((await publicGet(`${base}/${callId}`)).json().open).toBe(false);
    await t.db.updateTable('contribution_calls').set({ closes_at: '2099-12-31T00:00:00+08:00' }).where('id', '=', callId).execute();
    expect((await stored()).works).toBe(0);
  });
});

describe('sending a work (public, no account)', () => {
  it('refuses bad input with Chinese messages naming each field', async () => {
    const bad = await send({ kind: 'letter', title: '一', creditName: '', email: 'not-an-address', letterText: '祝福', consent: 'false' });
    expect(bad.statusCode).toBe(422);
    const byField = Object.fromEntries(bad.json().errors.map((e: { field: string; message: string }) => [e.field, e.message]));
    expect(byField).toMatchObject({ title: expect.stringContaining('标题'), creditName: '署名姓名为必填项', email: '电子邮箱格式不正确', consent: '须勾选同意公开展示后才能提交' });
    const long = await send({ kind: 'letter', letterText: '祝'.repeat(101) });
    expect(long.json().errors).toEqual([expect.objectContaining({ field: 'letterText', message: '书信正文超过字数限制：101 字，限 100 字以内' })]);
    const noFile = await send({ kind: 'photo' });
    expect(noFile.json().errors).toEqual([expect.objectContaining({ field: 'file', message: expect.stringContaining('请上传作品文件') })]);
    const letterWithFile = await send({ kind: 'letter', letterText: '节日快乐', file: photo() });
    expect(letterWithFile.json().errors[0].field).toBe('file');
  });

  it('refuses hostile, mislabelled and oversize files and stores nothing of them', async () => {
    const before = await stored();
    const cases: [Work, number, string][] = [
      [{ kind: 'photo', file: { data: executables.pe, name: '合影.jpg', type: 'image/jpeg' } }, 422, '可执行程序'],
      [{ kind: 'photo', file: { data: executables.script, name: '合影.png', type: 'image/png' } }, 422, '可执行程序'],
      [{ kind: 'photo', file: { data: solidPng(20, 20), name: '合影.jpg', type: 'image/jpeg' } }, 422, '与扩展名不符'],
      [{ kind: 'photo', file: { data: tinyMp4, name: '合影.mp4', type: 'video/mp4' } }, 415, '.jpg、.png'],
      [{ kind: 'video', file: { data: solidPng(20, 20), name: '视频.png', type: 'image/png' } }, 415, '.mp4'],
      [{ kind: 'photo', file: { data: solidPng(20, 20), name: '../../etc/合影.png', type: 'image/png' } }, 422, '文件名'],
      [{ kind: 'photo', file: { data: Buffer.concat([solidPng(20, 20), Buffer.alloc(1024 * 1024 + 1)]), name: '大图.png', type: 'image/png' } }, 413, '1 MB'],
      [{ kind: 'video', file: { data: Buffer.concat([tinyMp4, Buffer.alloc(1024 * 1024)]), name: '长视频.mp4', type: 'video/mp4' } }, 413, '1 MB'],
    ];
    for (const [work, status, words] of cases) {
      const refused = await send(work);
      expect(refused.statusCode, `${work.file!.name}: ${refused.body}`).toBe(status);
      expect(refused.json().detail ?? refused.json().title).toContain(words);
      expect(refused.json().errors?.[0]?.field ?? 'file').toBe('file');
    }
    expect(await stored()).toEqual(before);
  });

  it('stores a photo, a video and a letter under generated names; a retry with the same key stores nothing more', async () => {
    const before = await stored();
    expect((await sharp(cameraPhoto.data).metadata()).exif).toBeDefined();
    const first = await send({ kind: 'photo', title: '实验室里的5·30', file: cameraPhoto }, { key: 'photo-key-0001' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toEqual({ id: expect.any(Number), status: 'pending', callId, kind: 'photo', title: '实验室里的5·30' });
    expect(first.body).not.toContain(email);
    const retry = await send({ kind: 'photo', title: '实验室里的5·30', file: cameraPhoto }, { key: 'photo-key-0001' });
    expect(retry.statusCode).toBe(200);
    expect(retry.json().id).toBe(first.json().id);
    const reused = await send({ kind: 'photo', title: '另一件作品', file: cameraPhoto }, { key: 'photo-key-0001' });
    expect(reused.statusCode).toBe(422);
    const after = await stored();
    expect(after.works).toBe(before.works + 1);
    expect(after.rows).toBe(before.rows + 1);
    const file = await t.db.selectFrom('stored_files').innerJoin('contributions', 'contributions.file_id', 'stored_files.id').select(['storage_key', 'original_name']).where('contributions.id', '=', first.json().id).executeTakeFirstOrThrow();
    expect(file.original_name).toBe('实验室合影.jpg');
    expect(file.storage_key).not.toContain('实验室');
    const video = await send({ kind: 'video', title: '给科技工作者的一段话', creditName: '王小明', file: { data: tinyMp4, name: '祝福.mp4', type: 'video/mp4' } });
    expect(video.statusCode, video.body).toBe(201);
    const letter = await send({ kind: 'letter', title: '致坚守一线的你', creditName: '赵青', letterText: '亲爱的科技工作者：节日快乐！' });
    expect(letter.statusCode, letter.body).toBe(201);
    const audit = await t.db.selectFrom('audit_log').select(['action', 'actor_username', 'ip']).where('action', '=', 'contribution.submit').execute();
    expect(audit).toHaveLength(3);
    expect(audit.every((a) => a.actor_username === 'public' && a.ip)).toBe(true);
  });

  it('keeps the e-mail address sealed at rest', async () => {
    const rows = await t.db.selectFrom('contributions').select('email').execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.email).toMatch(/^enc:v1:/);
  });

  it('limits submissions per client address', async () => {
    const ip = '10.9.9.9';
    const answers: number[] = [];
    // Refused ones count too: guessing and flooding cost the same.
    for (let i = 0; i < 10; i++) answers.push((await send({ kind: 'letter', letterText: '节日快乐', consent: 'false' }, { ip })).statusCode);
    expect(answers).toEqual(Array(10).fill(422));
    const limited = await send({ kind: 'letter', letterText: '节日快乐' }, { ip });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });
});

describe('moderation gates what the public sees', () => {
  it('shows nothing unapproved: no work, no file', async () => {
    expect((await publicGet(`${base}/${callId}/works`)).json()).toEqual({ items: [], total: 0 });
    for (const w of await pending()) expect((await publicGet(`/api/v1/public/contributions/${w.id}/media`)).statusCode).toBe(404);
  });

  it('is for the column’s moderators: units below get 404; a moderator unit sees the e-mail masked, the managers in full', async () => {
    const [work] = await pending();
    expect(work!.email).toBe(email);
    expect((await sc.clients.nanjing.get(`/api/v1/contribution-calls/${callId}/contributions`)).statusCode).toBe(404);
    expect((await sc.clients.nanjing.post(`/api/v1/contributions/${work!.id}/approve`, { version: work!.version })).statusCode).toBe(404);
    expect((await sc.clients.nanjing.get(`/api/v1/contributions/${work!.id}/file`)).statusCode).toBe(404);
    expect((await sc.clients.officeManager.get(`/api/v1/contribution-calls/${callId}/contributions`)).statusCode).toBe(404);
    const { version } = (await sc.clients.province.get(`/api/v1/showcase/campaigns/${sc.campaignId}/moderators`)).json();
    expect((await sc.clients.province.put(`/api/v1/showcase/campaigns/${sc.campaignId}/moderators`, { unitIds: [sc.s.office.id], version })).statusCode).toBe(200);
    // The moderator unit finds the call among those it moderates, without managing it; a unit below finds none.
    expect((await sc.clients.officeManager.get('/api/v1/contribution-calls')).json()).toEqual([expect.objectContaining({ id: callId, manages: false })]);
    expect((await sc.clients.nanjing.get('/api/v1/contribution-calls')).json()).toEqual([]);
    expect((await sc.clients.province.get('/api/v1/contribution-calls')).json()).toEqual([expect.objectContaining({ id: callId, manages: true })]);
    const asModerator = await sc.clients.officeManager.get(`/api/v1/contribution-calls/${callId}/contributions`);
    expect(asModerator.statusCode).toBe(200);
    expect(asModerator.json().items.map((i: { email: string }) => i.email)).toContain('l***@example.cn');
    expect(asModerator.body).not.toContain(email);
    // A moderator may not change the call itself.
    expect((await sc.clients.officeManager.post(`/api/v1/contribution-calls/${callId}/withdraw`, { version: callVersion })).statusCode).toBe(403);
    const photoWork = (await pending()).find((w) => w.kind === 'photo')!;
    const file = await sc.clients.officeManager.get(photoWork.mediaUrl!);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/jpeg');
  });

  it('approves and rejects (with a reason), queues the result mail, and the public sees only the approved', async () => {
    const works = await pending();
    const photoWork = works.find((w) => w.kind === 'photo')!;
    const letter = works.find((w) => w.kind === 'letter')!;
    const video = works.find((w) => w.kind === 'video')!;
    const noReason = await sc.clients.province.post(`/api/v1/contributions/${letter.id}/reject`, { version: letter.version });
    expect(noReason.json().errors[0]).toMatchObject({ field: 'reason', message: '原因为必填项' });
    for (const w of [photoWork, video]) expect((await sc.clients.officeManager.post(`/api/v1/contributions/${w.id}/approve`, { version: w.version })).statusCode).toBe(200);
    expect((await sc.clients.province.post(`/api/v1/contributions/${letter.id}/reject`, { version: letter.version, reason: '内容与征集主题无关' })).statusCode).toBe(200);
    expect((await sc.clients.province.post(`/api/v1/contributions/${letter.id}/reject`, { version: letter.version + 1, reason: '重复' })).statusCode).toBe(409);

    const mails = await t.db.selectFrom('mail_outbox').select(['to_address', 'subject', 'text_body']).where('dedupe_key', 'like', 'contribution:%').orderBy('id').execute();
    expect(mails).toHaveLength(3);
    // Sealed at rest, opened only to send.
    expect(mails.every((m) => m.to_address.startsWith('enc:v1:') && openField('mail_outbox', 'to_address', m.to_address) === email)).toBe(true);
    expect(mails.filter((m) => m.subject.includes('已通过审核'))).toHaveLength(2);
    const rejected = mails.find((m) => m.subject.includes('未通过审核'))!;
    expect(rejected.text_body).toContain('原因：内容与征集主题无关');
    expect(mails[0]!.text_body).toContain(`https://huiju.example.cn/contribute/${callId}/works`);

    const listed = await publicGet(`${base}/${callId}/works`);
    expect(listed.json().items.map((i: { title: string }) => i.title).sort()).toEqual(['实验室里的5·30', '给科技工作者的一段话']);
    const shown = listed.json().items.find((i: { kind: string }) => i.kind === 'photo');
    expect(shown).toMatchObject({ creditName: '李四', workUnit: '南京大学物理学院' });
    expect(shown.srcset.webp).toContain(`/api/v1/public/contributions/${photoWork.id}/media?w=480&format=webp 480w`);
    const small = await publicGet(`/api/v1/public/contributions/${photoWork.id}/media?w=480&format=webp`);
    expect(small.statusCode).toBe(200);
    expect(small.headers['content-type']).toBe('image/webp');
    // The original (which may carry EXIF, GPS included) is never served publicly: a clean copy stands in.
    const whole = await publicGet(`/api/v1/public/contributions/${photoWork.id}/media`);
    expect(whole.headers['content-type']).toBe('image/jpeg');
    expect(whole.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    for (const copy of [whole.rawPayload, small.rawPayload]) expect((await sharp(copy).metadata()).exif).toBeUndefined();
    expect(whole.rawPayload.includes('CONTRIBUTOR-CAMERA')).toBe(false);
    expect((await publicGet(`/api/v1/public/contributions/${letter.id}/media`)).statusCode).toBe(404);
    const ranged = await pub.request({ method: 'GET', url: `/api/v1/public/contributions/${video.id}/media`, headers: { range: 'bytes=4-11' } });
    expect(ranged.statusCode).toBe(206);
    expect(ranged.headers['content-range']).toBe(`bytes 4-11/${tinyMp4.length}`);
    expect(ranged.body).toBe('ftypisom');
    const audit = await t.db.selectFrom('audit_log').select('action').where('target_type', '=', 'contribution').where('action', 'in', ['contribution.approve', 'contribution.reject']).execute();
    expect(audit).toHaveLength(3);
  });

  it('withdraws an approved work from the public column at once', async () => {
    const list = (await sc.clients.province.get(`/api/v1/contribution-calls/${callId}/contributions?status=approved`)).json().items as { id: number; version: number; kind: string }[];
    const video = list.find((w) => w.kind === 'video')!;
    expect((await sc.clients.province.post(`/api/v1/contributions/${video.id}/withdraw`, { version: video.version, reason: '作者来信要求撤下' })).statusCode).toBe(200);
    expect((await publicGet(`${base}/${callId}/works`)).json().total).toBe(1);
    expect((await publicGet(`/api/v1/public/contributions/${video.id}/media`)).statusCode).toBe(404);
  });

  it('withdrawing the call takes its page and works off the column', async () => {
    const ids = (await t.db.selectFrom('contributions').select('id').where('status', '=', 'approved').execute()).map((r) => r.id);
    expect((await sc.clients.province.post(`/api/v1/contribution-calls/${callId}/withdraw`, { version: callVersion })).statusCode).toBe(200);
    expect((await publicGet(`${base}/${callId}`)).statusCode).toBe(404);
    expect((await publicGet(`${base}/${callId}/works`)).statusCode).toBe(404);
    for (const id of ids) expect((await publicGet(`/api/v1/public/contributions/${id}/media`)).statusCode).toBe(404);
    expect((await sc.clients.province.post(`/api/v1/contribution-calls/${callId}/publish`, { version: callVersion + 1 })).statusCode).toBe(200);
  });

  it('never puts an e-mail address or an IP on a public answer', () => {
    expect(publicAnswers.length).toBeGreaterThan(10);
    for (const body of publicAnswers) {
      expect(body).not.toContain(email);
      expect(body).not.toMatch(/[\w.]+@[\w.]+\.cn/);
      expect(body).not.toContain('10.1.');
    }
  });
});

describe('another campaign manager elsewhere', () => {
  it('gets 404 for the call and its works', async () => {
    const other = await createUser(t.db, sc.s.suzhou.id, ['campaign_manager']);
    const client = await signIn(t.app, other.username, other.password);
    expect((await client.get(`/api/v1/contribution-calls/${callId}`)).statusCode).toBe(404);
    expect((await client.get(`/api/v1/contribution-calls/${callId}/contributions`)).statusCode).toBe(404);
  });
});
