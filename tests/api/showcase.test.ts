import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findPersonalData } from '../../src/shared/domain/personal-data';
import { searchQueryLiteral } from '../../src/shared/domain/bigram-search';
import { listPublished } from '../../src/server/features/showcase/repository';
import { createUnit, createUser, regionalUnit } from '../support/factories';
import { anonymous, createTestApp, signIn, type Client, type TestApp } from '../support/test-app';
import { plantedPersonalData, showcaseScenario, uploadPhoto } from '../support/showcase-scenario';

let t: TestApp;
let sc: Awaited<ReturnType<typeof showcaseScenario>>;
let pub: Client;
const ids = { kepu: 0, zuimei: 0, zhiyuan: 0, suzhou: 0 };
const publications: Record<string, { id: number; version: number; status: string }> = {};
let photoId = '';
let column = '';

const kepuText = '南京科技馆举办“百年回望”科普宣传周，院士专家与市民面对面，展出百年科技成就图片两百余幅。';
const zuimeiText = '邀请最美科技工作者代表讲述扎根一线的奋斗故事，青年科技人才现场交流。';
const zhiyuanText = '科技志愿者走进社区，开展健康咨询和科普讲座，服务居民五百余人次。';

beforeAll(async () => {
  t = await createTestApp();
  sc = await showcaseScenario(t.app, t.db);
  pub = anonymous(t.app);
  [ids.kepu, ids.zuimei, ids.zhiyuan] = sc.activities.nanjing as [number, number, number];
  ids.suzhou = sc.activities.suzhou[0]!;
  column = `/api/v1/public/showcase/${sc.s.jiangsu.id}/${sc.year}`;
});
afterAll(() => t.close());

const ask = (client: Client, activityId: number, body: Record<string, unknown>) => client.put(`/api/v1/showcase/activities/${activityId}/publication`, body);
const titles = (body: { items: { title: string }[] }) => body.items.map((i) => i.title);

describe('asking to publish', () => {
  it('refuses personal data, foreign photos and unsafe links, naming each field', async () => {
    const suzhouPhoto = await uploadPhoto(sc.clients.suzhou, sc.s.suzhou.id);
    const refused = await ask(sc.clients.nanjing, ids.kepu, {
      description: '报名请联系王老师，电话13900000000，或发邮件至 ww@example.cn。',
      photos: [{ fileId: suzhouPhoto }],
      mediaLinks: [{ kind: 'video', title: '活动视频', url: 'javascript:alert(1)' }],
    });
    expect(refused.statusCode).toBe(422);
    const errors = refused.json().errors as { field: string; message: string }[];
    expect(errors.map((e) => e.field)).toEqual(['description', 'mediaLinks.0.url', 'photos.0.fileId']);
    expect(errors[0]!.message).toContain('个人信息');
    const short = await ask(sc.clients.nanjing, ids.kepu, { description: '太短' });
    expect(short.statusCode).toBe(422);
    expect(short.json().errors[0].field).toBe('description');
  });

  it('lets 南京市科协 ask for its own activities only; nothing is public before approval', async () => {
    photoId = await uploadPhoto(sc.clients.nanjing, sc.s.nanjing.id);
    const first = await ask(sc.clients.nanjing, ids.kepu, {
      description: kepuText,
      photos: [{ fileId: photoId, caption: '开幕式现场' }],
      mediaLinks: [{ kind: 'coverage', title: '新华日报报道', url: 'https://www.xhby.net/news/1.html' }],
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ status: 'pending', mayModerate: false, mayRequest: true, photos: [{ fileId: photoId, caption: '开幕式现场' }] });
    publications.kepu = first.json();
    for (const [key, text] of [['zuimei', zuimeiText], ['zhiyuan', zhiyuanText]] as const) {
      const r = await ask(sc.clients.nanjing, ids[key], { description: text });
      expect(r.statusCode, r.body).toBe(200);
      publications[key] = r.json();
    }
    // 苏州 may not touch 南京's activity; asking twice without the version is stale.
    expect((await ask(sc.clients.suzhou, ids.kepu, { description: kepuText })).statusCode).toBe(404);
    expect((await ask(sc.clients.nanjing, ids.kepu, { description: kepuText })).statusCode).toBe(409);

    const mine = (await sc.clients.nanjing.get('/api/v1/showcase/activities?status=pending')).json();
    expect(mine.items.map((i: { activityId: number }) => i.activityId).sort()).toEqual([ids.kepu, ids.zuimei, ids.zhiyuan].sort());
    expect((await pub.get(`${column}/activities`)).json().total).toBe(0);
    expect((await pub.get(`/api/v1/public/showcase/activities/${ids.kepu}`)).statusCode).toBe(404);
    expect((await pub.get(`/api/v1/public/showcase/photos/${photoId}`)).statusCode).toBe(404);
  });
});

describe('moderation', () => {
  it('is for the upper unit: 南京 cannot approve its own, 苏州 cannot see it, 江苏省科协 approves at once', async () => {
    const { kepu } = publications;
    expect((await sc.clients.nanjing.post(`/api/v1/showcase/publications/${kepu!.id}/approve`, { version: kepu!.version })).statusCode).toBe(403);
    expect((await sc.clients.suzhou.post(`/api/v1/showcase/publications/${kepu!.id}/approve`, { version: kepu!.version })).statusCode).toBe(404);
    const queue = (await sc.clients.province.get('/api/v1/showcase/reviews')).json();
    expect(queue.items.map((i: { activityId: number }) => i.activityId)).toEqual(expect.arrayContaining([ids.kepu, ids.zuimei, ids.zhiyuan]));
    expect(queue.items.every((i: { mayModerate: boolean }) => i.mayModerate)).toBe(true);
    expect((await sc.clients.province.post(`/api/v1/showcase/publications/${kepu!.id}/approve`, { version: kepu!.version + 1 })).statusCode).toBe(409);

    for (const key of ['kepu', 'zuimei'] as const) {
      const approved = await sc.clients.province.post(`/api/v1/showcase/publications/${publications[key]!.id}/approve`, { version: publications[key]!.version, note: '同意发布' });
      expect(approved.statusCode, approved.body).toBe(200);
      expect(approved.json()).toMatchObject({ status: 'approved', decisionNote: '同意发布' });
      publications[key] = approved.json();
    }
    const again = await sc.clients.province.post(`/api/v1/showcase/publications/${kepu!.id}/approve`, { version: publications.kepu!.version });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('showcase_status_conflict');
    const audit = await t.db.selectFrom('audit_log').select(['action', 'actor_user_id']).where('target_type', '=', 'showcase_publication').where('target_id', '=', String(kepu!.id)).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['showcase.request', 'showcase.approve']);
    expect(audit[1]!.actor_user_id).toBe(sc.s.people.province.id);
  });

  it('lets a configured moderator unit approve, within the issuing unit only', async () => {
    const zhiyuan = publications.zhiyuan!;
    expect((await sc.clients.officeManager.post(`/api/v1/showcase/publications/${zhiyuan.id}/approve`, { version: zhiyuan.version })).statusCode).toBe(404);
    const elsewhere = await regionalUnit(t.db, '33');
    const { version } = (await sc.clients.province.get(`/api/v1/showcase/campaigns/${sc.campaignId}/moderators`)).json();
    const bad = await sc.clients.province.put(`/api/v1/showcase/campaigns/${sc.campaignId}/moderators`, { unitIds: [sc.s.office.id, elsewhere.id], version });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].field).toBe('unitIds.1');
    expect((await sc.clients.nanjing.put(`/api/v1/showcase/campaigns/${sc.campaignId}/moderators`, { unitIds: [sc.s.office.id], version })).statusCode).toBe(404);
    expect((await sc.clients.province.put(`/api/v1/showcase/campaigns/${sc.campaignId}/moderators`, { unitIds: [sc.s.office.id], version })).statusCode).toBe(200);
    expect((await sc.clients.province.get(`/api/v1/showcase/campaigns/${sc.campaignId}/moderators`)).json()).toEqual({ units: [{ unitId: sc.s.office.id, unitName: sc.s.office.short_name }], version: version + 1 });
    const approved = await sc.clients.officeManager.post(`/api/v1/showcase/publications/${zhiyuan.id}/approve`, { version: zhiyuan.version });
    expect(approved.statusCode, approved.body).toBe(200);
    publications.zhiyuan = approved.json();
  });

  it('rejects with a reason, and a rejected request can be asked again', async () => {
    const r = await ask(sc.clients.suzhou, ids.suzhou, { description: '苏州市科协组织“科技之光”青少年科普营，走进苏州科技馆体验科学实验。' });
    expect(r.statusCode, r.body).toBe(200);
    expect((await sc.clients.province.post(`/api/v1/showcase/publications/${r.json().id}/reject`, { version: r.json().version })).statusCode).toBe(422);
    const rejected = await sc.clients.province.post(`/api/v1/showcase/publications/${r.json().id}/reject`, { version: r.json().version, note: '请补充活动照片' });
    expect(rejected.json()).toMatchObject({ status: 'rejected', decisionNote: '请补充活动照片' });
    const again = await ask(sc.clients.suzhou, ids.suzhou, { description: '苏州市科协组织“科技之光”青少年科普营，走进苏州科技馆体验科学实验。', version: rejected.json().version });
    expect(again.json().status).toBe('pending');
    // Asked again from the rejected version once more: stale, the pending request stays as it is.
    const stale = await ask(sc.clients.suzhou, ids.suzhou, { description: '另一份说明：苏州市科协组织青少年科普营，走进苏州科技馆体验科学实验。', version: rejected.json().version });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('stale_version');
    expect((await sc.clients.suzhou.get(`/api/v1/showcase/publications/${again.json().id}`)).json()).toMatchObject({ status: 'pending', version: again.json().version });
  });
});

describe('the final report (活动总结)', () => {
  it('is added after the activity, checked for 字数 and personal data, and public once approved again', async () => {
    const zuimei = publications.zuimei!;
    const report = '宣讲会邀请三位最美科技工作者代表讲述扎根一线的故事，线上线下共一千二百余人参加。';
    const tooLong = await ask(sc.clients.nanjing, ids.zuimei, { description: zuimeiText, finalReport: '科'.repeat(1001), version: zuimei.version });
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.json().errors).toEqual([expect.objectContaining({ field: 'finalReport', message: expect.stringContaining('1001') })]);
    const personal = await ask(sc.clients.nanjing, ids.zuimei, { description: zuimeiText, finalReport: `${report}联系电话13900000000。`, version: zuimei.version });
    expect(personal.json().errors[0].field).toBe('finalReport');
    expect((await pub.get(`/api/v1/public/showcase/activities/${ids.zuimei}`)).json().finalReport).toBeNull();

    const asked = await ask(sc.clients.nanjing, ids.zuimei, { description: zuimeiText, finalReport: report, version: zuimei.version });
    expect(asked.statusCode, asked.body).toBe(200);
    expect(asked.json()).toMatchObject({ status: 'pending', finalReport: report });
    // A changed publication waits for moderation again: the report is not public before that.
    expect((await pub.get(`/api/v1/public/showcase/activities/${ids.zuimei}`)).statusCode).toBe(404);
    const approved = await sc.clients.province.post(`/api/v1/showcase/publications/${zuimei.id}/approve`, { version: asked.json().version });
    expect(approved.statusCode, approved.body).toBe(200);
    publications.zuimei = approved.json();
    const page = (await pub.get(`/api/v1/public/showcase/activities/${ids.zuimei}`)).json();
    expect(page.finalReport).toBe(report);
    const found = (await pub.get(`${column}/activities?q=${encodeURIComponent('一千二百')}`)).json();
    expect(found.items.map((i: { id: number }) => i.id)).toEqual([ids.zuimei]);
  });
});

describe('the public column', () => {
  it('shows the campaign home: theme, phases, figures and the latest activities', async () => {
    const home = await pub.get(column);
    expect(home.statusCode, home.body).toBe(200);
    const body = home.json();
    expect(body).toMatchObject({ unitId: sc.s.jiangsu.id, year: 2021, theme: '众心向党，自立自强', figures: { activities: 3, units: 1, participants: 300 + 600 + 900 } });
    expect(body.phases.map((p: { id: string; activities: number }) => [p.id, p.activities])).toEqual([['p1', 1], ['p2', 1], ['p3', 1]]);
    expect(body.latest).toHaveLength(3);
    expect(body.latest.find((c: { id: number }) => c.id === ids.kepu)).toMatchObject({ phase: { id: 'p1', name: '第一阶段' }, modules: [{ id: 'unite' }, { id: 'serve' }], photo: `/api/v1/public/showcase/photos/${photoId}` });
    expect(body.years).toContain(2021);
    expect((await pub.get(`/api/v1/public/showcase/${sc.s.jiangsu.id}/2099`)).statusCode).toBe(404);
    const columns = (await pub.get('/api/v1/public/showcase/columns')).json();
    expect(columns).toContainEqual({ unitId: sc.s.jiangsu.id, unitName: expect.any(String), years: [2021] });
  });

  it('filters by module, phase, region and dates', async () => {
    const list = async (query: string) => titles((await pub.get(`${column}/activities?${query}`)).json());
    expect(await list('module=unite')).toEqual(['“百年回望”科普宣传周']);
    expect(await list('phase=p2')).toEqual(['最美科技工作者宣讲会']);
    expect((await list('region=3201')).sort()).toEqual(['“百年回望”科普宣传周', '最美科技工作者宣讲会', '科技志愿服务进社区'].sort());
    expect(await list('region=3205')).toEqual([]);
    expect(await list('from=2021-05-29&to=2021-05-31')).toEqual(['最美科技工作者宣讲会']);
    const paged = (await pub.get(`${column}/activities?pageSize=2&page=2`)).json();
    expect(paged).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(paged.items).toHaveLength(1);
    const bad = await pub.get(`${column}/activities?region=32a&from=2021-13-01&unitType=club`);
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['from', 'region', 'unitType']);
    // 南京市科协 is a regional association; no university association published anything.
    expect((await list('unitType=regional_association')).length).toBe(3);
    expect(await list('unitType=university_association')).toEqual([]);
  });

  it('filters online and offline activities by what the place says', async () => {
    const list = async (query: string) => (await pub.get(`${column}/activities?${query}`)).json();
    await t.db.updateTable('activities').set({ place: '线上直播（南京科技馆演播厅）' }).where('id', '=', ids.zuimei).execute();
    t.app.publicCache.clear();
    try {
      expect(titles(await list('format=online'))).toEqual(['最美科技工作者宣讲会']);
      expect(titles(await list('format=offline')).sort()).toEqual(['“百年回望”科普宣传周', '科技志愿服务进社区'].sort());
      expect((await list('format=offline&phase=p2')).total).toBe(0);
      expect((await list('')).items.find((c: { id: number }) => c.id === ids.zuimei).format).toBe('online');
      const bad = await pub.get(`${column}/activities?format=hybrid`);
      expect(bad.statusCode).toBe(422);
      expect(bad.json().errors[0].field).toBe('format');
    } finally {
      await t.db.updateTable('activities').set({ place: '南京科技馆' }).where('id', '=', ids.zuimei).execute();
      t.app.publicCache.clear();
    }
  });

  it('features on the home what an announced round awarded, then what was recommended upward', async () => {
    expect((await pub.get(column)).json()).toMatchObject({ featured: [], commendations: [] });
    t.app.publicCache.clear();
    await t.db.insertInto('recommendations').values({ activity_id: ids.zhiyuan, task_id: sc.taskId, from_unit_id: sc.s.nanjing.id, to_unit_id: sc.s.jiangsu.id, reason: '服务群众成效显著' }).execute();
    const round = await t.db.insertInto('evaluation_rounds').values({ unit_id: sc.s.jiangsu.id, campaign_id: sc.campaignId, title: '2021年优秀活动评选', stage: 'publicity' }).returning('id').executeTakeFirstOrThrow();
    const category = await t.db.insertInto('evaluation_categories').values({ round_id: round.id, name: '优秀活动', kind: 'activity', places: 1 }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('evaluation_candidates').values({ category_id: category.id, activity_id: ids.kepu, unit_id: sc.s.nanjing.id, selected: true }).execute();
    // Still in publicity: not yet an award, nor on the commendation list.
    const during = (await pub.get(column)).json();
    expect(during.featured.map((f: { id: number; badge: string }) => [f.id, f.badge])).toEqual([[ids.zhiyuan, 'recommended']]);
    expect(during.commendations).toEqual([]);
    await t.db.updateTable('evaluation_rounds').set({ stage: 'announced' }).where('id', '=', round.id).execute();
    // Written behind the server's back: its cache of public answers would keep the old page for a moment.
    t.app.publicCache.clear();
    const featured = (await pub.get(column)).json().featured;
    expect(featured.map((f: { id: number; badge: string; award: string | null }) => [f.id, f.badge, f.award])).toEqual([
      [ids.kepu, 'awarded', '优秀活动'],
      [ids.zhiyuan, 'recommended', null],
    ]);
    expect((await pub.get(column)).json().commendations).toEqual([
      { round: '2021年优秀活动评选', categories: [{ name: '优秀活动', kind: 'activity', winners: [{ activityId: ids.kepu, title: '“百年回望”科普宣传周', unitName: sc.s.nanjing.short_name }] }] },
    ]);
  });

  it('searches Chinese 2-character words inside titles and descriptions, ranked by relevance', async () => {
    const search = async (q: string) => titles((await pub.get(`${column}/activities?q=${encodeURIComponent(q)}`)).json());
    // 科普 is in the title of one (weight A) and the description of another: the title ranks first.
    expect(await search('科普')).toEqual(['“百年回望”科普宣传周', '科技志愿服务进社区']);
    expect(await search('院士')).toEqual(['“百年回望”科普宣传周']);
    expect(await search('奋斗故事')).toEqual(['最美科技工作者宣讲会']);
    expect(await search('科普 社区')).toEqual(['科技志愿服务进社区']);
    expect(await search('故事科普')).toEqual([]);
    expect(await search('量子')).toEqual([]);
    // 苏州's activity mentions 科普 too but is not approved.
    expect((await search('科技')).length).toBe(3);
    // Punctuation alone searches nothing and lists everything.
    expect((await search('，！')).length).toBe(3);
  });

  it('ranks only the most recent matches of a common word and says there are more (issue 8, W4)', async () => {
    const tsquery = searchQueryLiteral('科技')!;
    const all = await listPublished(t.db, { campaignId: sc.campaignId, tsquery, page: 1, pageSize: 10 });
    expect(all).toMatchObject({ total: 3, totalCapped: false });
    const capped = await listPublished(t.db, { campaignId: sc.campaignId, tsquery, page: 1, pageSize: 10, searchCandidates: 2 });
    expect(capped).toMatchObject({ total: 2, totalCapped: true });
    // The two most recently published of the three matches, ranked among themselves.
    const recent = [...all.rows].sort((a, b) => b.published_at!.getTime() - a.published_at!.getTime() || b.id - a.id).slice(0, 2);
    expect(capped.rows.map((r) => r.id).sort()).toEqual(recent.map((r) => r.id).sort());
    expect((await listPublished(t.db, { campaignId: sc.campaignId, tsquery, page: 2, pageSize: 2, searchCandidates: 2 })).rows).toEqual([]);
    expect((await pub.get(`${column}/activities?q=${encodeURIComponent('科技')}`)).json()).toMatchObject({ total: 3, totalCapped: false });
  });

  it('shows an activity with its photos and links, and serves the photo', async () => {
    const page = await pub.get(`/api/v1/public/showcase/activities/${ids.kepu}`);
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({
      title: '“百年回望”科普宣传周',
      host: '南京市科学技术协会',
      organiser: '南京科技馆',
      place: '南京科技馆',
      description: kepuText,
      phase: { id: 'p1' },
      photos: [{ url: `/api/v1/public/showcase/photos/${photoId}`, caption: '开幕式现场' }],
      mediaLinks: [{ kind: 'coverage', url: 'https://www.xhby.net/news/1.html' }],
      column: { unitId: sc.s.jiangsu.id, year: 2021 },
    });
    const photo = await pub.get(`/api/v1/public/showcase/photos/${photoId}`);
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(photo.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    expect((await pub.request({ method: 'GET', url: `/api/v1/public/showcase/photos/${photoId}`, headers: { 'if-none-match': photo.headers.etag as string } })).statusCode).toBe(304);
    // 苏州's pending activity is not public.
    expect((await pub.get(`/api/v1/public/showcase/activities/${ids.suzhou}`)).statusCode).toBe(404);
  });

  it('never answers personal data on any public route', async () => {
    await t.app.ready();
    const doc = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const publicPaths = Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/public/showcase'));
    // Someone signs up for the 科普 week with the planted name and number: neither may show anywhere public.
    expect((await sc.clients.nanjing.put(`/api/v1/showcase/activities/${ids.kepu}/signup-settings`, { enabled: true, capacity: 1, deadline: '2099-01-01T00:00:00Z' })).statusCode).toBe(200);
    const posts: Record<string, () => ReturnType<Client['post']>> = {
      '/api/v1/public/showcase/activities/{id}/signups': () => pub.post(`/api/v1/public/showcase/activities/${ids.kepu}/signups`, { attendeeName: '王五', mobile: '13900000000', affiliation: '北京东路小学' }),
    };
    const signedUp = await posts['/api/v1/public/showcase/activities/{id}/signups']!();
    expect(signedUp.statusCode, signedUp.body).toBe(201);
    const code = signedUp.json().code as string;
    // A second person waits; cancelling them is checked last, so the column keeps the first.
    const waiting = await pub.post(`/api/v1/public/showcase/activities/${ids.kepu}/signups`, { attendeeName: '赵六', mobile: '13811112222' });
    // A published article of the column.
    const article = await sc.clients.province.post(`/api/v1/showcase/campaigns/${sc.campaignId}/articles`, { kind: 'news', title: '全省科技工作者日活动综述', bodyHtml: '<p>各地科协开展形式多样的活动。</p>' });
    expect(article.statusCode, article.body).toBe(201);
    expect((await sc.clients.province.post(`/api/v1/showcase/articles/${article.json().id}/publish`, { version: article.json().version })).statusCode).toBe(200);
    posts['/api/v1/public/showcase/signups/{code}/cancel'] = () => pub.post(`/api/v1/public/showcase/signups/${waiting.json().code as string}/cancel`);
    const urls: Record<string, string[]> = {
      '/api/v1/public/showcase/columns': ['/api/v1/public/showcase/columns'],
      '/api/v1/public/showcase/{unitId}/{year}': [column],
      '/api/v1/public/showcase/{unitId}/{year}/activities': [`${column}/activities`, `${column}/activities?q=${encodeURIComponent('科普')}`, `${column}/activities?region=3201`],
      '/api/v1/public/showcase/activities/{id}': [ids.kepu, ids.zuimei, ids.zhiyuan].map((id) => `/api/v1/public/showcase/activities/${id}`),
      '/api/v1/public/showcase/photos/{fileId}': [`/api/v1/public/showcase/photos/${photoId}`],
      '/api/v1/public/showcase/signups/{code}': [`/api/v1/public/showcase/signups/${code}`],
      '/api/v1/public/showcase/{unitId}/{year}/articles': [`${column}/articles`],
      // The column's calls for works (作品征集); the works themselves are checked in contributions.test.ts.
      '/api/v1/public/showcase/{unitId}/{year}/contribution-calls': [`${column}/contribution-calls`],
      '/api/v1/public/showcase/articles/{id}': [`/api/v1/public/showcase/articles/${article.json().id as number}`],
    };
    // A new public route fails here until it is listed and checked.
    expect(publicPaths.sort()).toEqual([...new Set([...Object.keys(urls), ...Object.keys(posts)])].sort());
    const answers = [signedUp, waiting];
    for (const list of Object.values(urls)) for (const url of list) answers.push(await pub.get(url));
    answers.push(await posts['/api/v1/public/showcase/signups/{code}/cancel']!());
    for (const response of answers) {
      const url = response.raw.req.url ?? '';
      expect([200, 201], url).toContain(response.statusCode);
      const text = response.headers['content-type']?.toString().startsWith('image/') ? response.rawPayload.toString('latin1') : response.body;
      if (!response.headers['content-type']?.toString().startsWith('image/')) expect(findPersonalData(text), url).toBeNull();
      for (const planted of plantedPersonalData) expect(text, url).not.toContain(planted);
      expect(text).not.toMatch(/"(contact|mobile|email|phone|mailingAddress|contactName|attendeeName|affiliation|requestedBy|decidedBy|username)"/i);
    }
    expect(answers.at(-1)!.json().status).toBe('cancelled');
  });

  it('answers 304 to a matching If-None-Match and a new ETag once the column changes', async () => {
    const first = await pub.get(`${column}/activities?q=${encodeURIComponent('科普')}`);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers['cache-control']).toBe('public, no-cache');
    const again = await pub.request({ method: 'GET', url: `${column}/activities?q=${encodeURIComponent('科普')}`, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const home = await pub.get(column);
    expect((await pub.request({ method: 'GET', url: column, headers: { 'if-none-match': `W/${home.headers.etag as string}` } })).statusCode).toBe(304);

    // 南京 withdraws the 科普 week: gone from the list, the search, its page and its photo at once.
    const kepu = publications.kepu!;
    const withdrawn = await sc.clients.nanjing.post(`/api/v1/showcase/publications/${kepu.id}/withdraw`, { version: kepu.version, reason: '活动延期' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json()).toMatchObject({ status: 'withdrawn', withdrawReason: '活动延期' });
    const after = await pub.request({ method: 'GET', url: `${column}/activities?q=${encodeURIComponent('科普')}`, headers: { 'if-none-match': etag } });
    expect(after.statusCode).toBe(200);
    expect(titles(after.json())).toEqual(['科技志愿服务进社区']);
    expect(titles((await pub.get(`${column}/activities`)).json())).not.toContain('“百年回望”科普宣传周');
    expect((await pub.get(`/api/v1/public/showcase/activities/${ids.kepu}`)).statusCode).toBe(404);
    expect((await pub.get(`/api/v1/public/showcase/photos/${photoId}`)).statusCode).toBe(404);
    expect((await pub.get(column)).json().figures.activities).toBe(2);
    const audit = await t.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'showcase.withdraw').where('target_id', '=', String(kepu.id)).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ reason: '活动延期', previous: 'approved' });
  });

  it('serves a public answer from memory for a moment, so a change behind the server shows within seconds', async () => {
    const url = `${column}/activities?phase=p3`;
    expect(titles((await pub.get(url)).json())).toEqual(['科技志愿服务进社区']);
    await t.db.updateTable('activities').set({ title: '科技志愿服务进社区（更名）' }).where('id', '=', ids.zhiyuan).execute();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      expect(titles((await pub.get(url)).json())).toEqual(['科技志愿服务进社区']);
      vi.setSystemTime(Date.now() + 2001);
      expect(titles((await pub.get(url)).json())).toEqual(['科技志愿服务进社区（更名）']);
    } finally {
      vi.useRealTimers();
      await t.db.updateTable('activities').set({ title: '科技志愿服务进社区' }).where('id', '=', ids.zhiyuan).execute();
      t.app.publicCache.clear();
    }
  });

  it('keeps an activity withdrawn from its submission off the column', async () => {
    const zuimei = publications.zuimei!;
    expect((await pub.get(`/api/v1/public/showcase/activities/${ids.zuimei}`)).statusCode).toBe(200);
    await t.db.updateTable('activities').set({ withdrawn: true }).where('id', '=', ids.zuimei).execute();
    t.app.publicCache.clear();
    expect((await pub.get(`/api/v1/public/showcase/activities/${ids.zuimei}`)).statusCode).toBe(404);
    expect(titles((await pub.get(`${column}/activities`)).json())).toEqual(['科技志愿服务进社区']);
    await t.db.updateTable('activities').set({ withdrawn: false }).where('id', '=', ids.zuimei).execute();
    expect(zuimei.status).toBe('approved');
  });

  it('lists for the signed-in only what their roles allow', async () => {
    const reviewerUnit = await createUnit(t.db, sc.s.nanjing.id, { type: 'learned_society', level: 'city' });
    const reviewer = await createUser(t.db, reviewerUnit.id, ['reviewer']);
    const client = await signIn(t.app, reviewer.username, reviewer.password);
    expect((await client.get('/api/v1/showcase/activities')).json().total).toBe(0);
    expect((await client.get('/api/v1/showcase/reviews')).json().total).toBe(0);
    expect((await pub.get('/api/v1/showcase/activities')).statusCode).toBe(401);
    expect((await sc.clients.nanjing.get(`/api/v1/showcase/publications/${publications.kepu!.id}`)).statusCode).toBe(200);
    expect((await sc.clients.suzhou.get(`/api/v1/showcase/publications/${publications.kepu!.id}`)).statusCode).toBe(404);
  });
});
