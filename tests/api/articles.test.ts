import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPersonalData } from '../../src/shared/domain/personal-data';
import { solidPng } from '../support/png';
import { showcaseScenario, uploadPhoto } from '../support/showcase-scenario';
import { anonymous, createTestApp, type Client, type TestApp } from '../support/test-app';

let t: TestApp;
let sc: Awaited<ReturnType<typeof showcaseScenario>>;
let pub: Client;
let column = '';
let poster = { id: 0, version: 0 };
let letter = { id: 0, version: 0 };
let posterImage = '';

const letterBody = {
  kind: 'letter',
  title: '致全省科技工作者的一封信',
  summary: '值此第五个全国科技工作者日之际，向全省科技工作者致以节日的问候。',
  bodyHtml: '<p onclick="steal()">亲爱的科技工作者：</p><script>alert(1)</script><p style="color:red">值此节日之际，<a href="javascript:alert(2)">向你们</a>致以崇高敬意！</p><img src=x onerror=alert(3)><h2>一、坚持“四个面向”</h2>',
};

beforeAll(async () => {
  t = await createTestApp();
  sc = await showcaseScenario(t.app, t.db);
  pub = anonymous(t.app);
  column = `/api/v1/public/showcase/${sc.s.jiangsu.id}/${sc.year}`;
});
afterAll(() => t.close());

describe('writing articles', () => {
  it('is for the issuing unit’s campaign managers: others do not see the column’s articles', async () => {
    expect((await sc.clients.nanjing.post(`/api/v1/showcase/campaigns/${sc.campaignId}/articles`, letterBody)).statusCode).toBe(404);
    expect((await sc.clients.suzhou.get(`/api/v1/showcase/campaigns/${sc.campaignId}/articles`)).statusCode).toBe(404);
    expect((await pub.get(`/api/v1/showcase/campaigns/${sc.campaignId}/articles`)).statusCode).toBe(401);
  });

  it('sanitizes the body: no script, event handler, style, link target or image tag survives', async () => {
    const created = await sc.clients.province.post(`/api/v1/showcase/campaigns/${sc.campaignId}/articles`, letterBody);
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json().bodyHtml as string;
    expect(body).toBe('<p>亲爱的科技工作者：</p><p>值此节日之际，向你们致以崇高敬意！</p><h2>一、坚持“四个面向”</h2>');
    expect(created.json()).toMatchObject({ status: 'draft', kind: 'letter', publishedAt: null });
    letter = created.json();
  });

  it('refuses personal data, unsafe links, a video without its link, a poster without images and foreign images, naming each field', async () => {
    const refused = await sc.clients.province.post(`/api/v1/showcase/campaigns/${sc.campaignId}/articles`, { kind: 'video', title: '科技工作者日宣传片', bodyHtml: '<p>咨询电话 13900000000</p>', videoUrl: 'javascript:alert(1)' });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors.map((e: { field: string }) => e.field)).toEqual(['bodyHtml', 'videoUrl']);
    const noLink = await sc.clients.province.post(`/api/v1/showcase/campaigns/${sc.campaignId}/articles`, { kind: 'video', title: '科技工作者日宣传片' });
    expect(noLink.json().errors.map((e: { field: string; message: string }) => [e.field, e.message])).toEqual([['videoUrl', expect.stringContaining('必填')]]);
    const foreign = await uploadPhoto(sc.clients.nanjing, sc.s.nanjing.id);
    const posterless = await sc.clients.province.post(`/api/v1/showcase/campaigns/${sc.campaignId}/articles`, { kind: 'poster', title: '5·30宣传海报' });
    expect(posterless.json().errors[0].field).toBe('images');
    const badImage = await sc.clients.province.post(`/api/v1/showcase/campaigns/${sc.campaignId}/articles`, { kind: 'poster', title: '5·30宣传海报', images: [{ fileId: foreign }] });
    expect(badImage.json().errors[0].field).toBe('images.0.fileId');
    posterImage = await uploadPhoto(sc.clients.province, sc.s.jiangsu.id, '海报.png', solidPng(600, 900));
    const ok = await sc.clients.province.post(`/api/v1/showcase/campaigns/${sc.campaignId}/articles`, { kind: 'poster', title: '5·30宣传海报', summary: '第五个全国科技工作者日主题海报', images: [{ fileId: posterImage, caption: '主海报' }] });
    expect(ok.statusCode, ok.body).toBe(201);
    poster = ok.json();
  });
});

describe('the public column', () => {
  it('shows nothing of a draft', async () => {
    expect((await pub.get(`${column}/articles`)).json()).toEqual({ items: [], total: 0 });
    expect((await pub.get(`/api/v1/public/showcase/articles/${letter.id}`)).statusCode).toBe(404);
    expect((await pub.get(`/api/v1/public/showcase/photos/${posterImage}`)).statusCode).toBe(404);
  });

  it('lists published articles on the home and their own page, with images in resized copies', async () => {
    for (const article of [letter, poster]) {
      const published = await sc.clients.province.post(`/api/v1/showcase/articles/${article.id}/publish`, { version: article.version });
      expect(published.statusCode, published.body).toBe(200);
    }
    expect((await sc.clients.province.post(`/api/v1/showcase/articles/${letter.id}/publish`, { version: letter.version })).statusCode).toBe(409);
    const list = (await pub.get(`${column}/articles`)).json();
    expect(list.items.map((i: { title: string }) => i.title)).toEqual(['5·30宣传海报', '致全省科技工作者的一封信']);
    expect(list.items[0].image.srcset.webp).toContain(`/api/v1/public/showcase/photos/${posterImage}?w=480&format=webp 480w`);
    expect((await pub.get(`${column}/articles?kind=letter`)).json().total).toBe(1);
    const home = (await pub.get(column)).json();
    expect(home.articles.map((a: { id: number }) => a.id)).toEqual([poster.id, letter.id]);
    const page = await pub.get(`/api/v1/public/showcase/articles/${letter.id}`);
    expect(page.json()).toMatchObject({ kind: 'letter', title: '致全省科技工作者的一封信', bodyHtml: expect.stringContaining('<h2>一、坚持“四个面向”</h2>'), column: { unitId: sc.s.jiangsu.id, year: sc.year } });
    expect(findPersonalData(page.body)).toBeNull();
    const image = await pub.get(`/api/v1/public/showcase/photos/${posterImage}?w=480&format=jpeg`);
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/jpeg');
  });

  it('changes at once when edited (stale versions refused) and disappears when withdrawn', async () => {
    const current = (await sc.clients.province.get(`/api/v1/showcase/articles/${letter.id}`)).json();
    expect((await sc.clients.province.put(`/api/v1/showcase/articles/${letter.id}`, { ...letterBody, version: current.version - 1 })).statusCode).toBe(409);
    const edited = await sc.clients.province.put(`/api/v1/showcase/articles/${letter.id}`, { ...letterBody, title: '致全省广大科技工作者的一封信', version: current.version });
    expect(edited.statusCode, edited.body).toBe(200);
    expect((await pub.get(`/api/v1/public/showcase/articles/${letter.id}`)).json().title).toBe('致全省广大科技工作者的一封信');
    const posterNow = (await sc.clients.province.get(`/api/v1/showcase/articles/${poster.id}`)).json();
    expect((await sc.clients.province.post(`/api/v1/showcase/articles/${poster.id}/withdraw`, { version: posterNow.version })).statusCode).toBe(200);
    expect((await pub.get(`/api/v1/public/showcase/articles/${poster.id}`)).statusCode).toBe(404);
    expect((await pub.get(`/api/v1/public/showcase/photos/${posterImage}`)).statusCode).toBe(404);
    expect((await pub.get(`${column}/articles`)).json().total).toBe(1);
    const audit = await t.db.selectFrom('audit_log').select('action').where('target_type', '=', 'showcase_article').where('target_id', '=', String(poster.id)).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['article.create', 'article.publish', 'article.withdraw']);
    const managed = (await sc.clients.province.get(`/api/v1/showcase/campaigns/${sc.campaignId}/articles`)).json();
    expect(managed.map((a: { status: string }) => a.status).sort()).toEqual(['published', 'withdrawn']);
  });
});
