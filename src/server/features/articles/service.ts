import { sql } from 'kysely';
import type { ArticleBody } from '../../../shared/contracts/articles';
import { can, type Actor } from '../../../shared/domain/access';
import { findPersonalData, type PersonalDataKind } from '../../../shared/domain/personal-data';
import { isSafePublicUrl } from '../../../shared/domain/showcase';
import type { Db, DbOrTx } from '../../db/database';
import type { ArticleStatus } from '../../db/schema';
import { sanitizeNoticeHtml } from '../../documents/rich-text';
import { AppError, forbidden, invalidFields, notFound, staleVersion, type FieldError } from '../../errors';
import type { ClientInfo } from '../accounts/service';
import { actorFields, insertAuditEntry } from '../audit/repository';

/**
 * Articles on a campaign's column, written by the issuing unit's campaign managers. The body is
 * reduced to the notices' vocabulary (sanitizeNoticeHtml: no script, style, event handler, link
 * or image tag); images are the unit's own JPG/PNG uploads listed with the article. Public text is
 * refused when it holds personal data, as for activity publications.
 */
const kindLabels: Record<PersonalDataKind, string> = { mobile: '手机号码', phone: '电话号码', email: '电子邮箱', id_number: '身份证号' };
const statusLabels: Record<ArticleStatus, string> = { draft: '草稿', published: '已发布', withdrawn: '已撤下' };

/** As for activity photos: images shown to the public stay small enough for a phone. */
const photoMaxBytes = 5 * 1024 * 1024;

const textOf = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ');

async function loadCampaign(db: DbOrTx, actor: Actor, campaignId: number) {
  const campaign = await db.selectFrom('campaigns as c').innerJoin('units as u', 'u.id', 'c.unit_id').select(['c.id', 'c.unit_id', 'u.path']).where('c.id', '=', campaignId).executeTakeFirst();
  if (!campaign || !can(actor, 'units.view', campaign.path)) throw notFound();
  if (!can(actor, 'campaigns.manage', campaign.path)) throw forbidden();
  return campaign;
}

async function loadArticle(db: DbOrTx, actor: Actor, id: number) {
  const article = await db.selectFrom('showcase_articles').selectAll().where('id', '=', id).executeTakeFirst();
  if (!article) throw notFound();
  const campaign = await loadCampaign(db, actor, article.campaign_id);
  return { article, campaign };
}

export async function imagesOf(db: DbOrTx, articleIds: number[]) {
  if (articleIds.length === 0) return [];
  return db
    .selectFrom('showcase_article_images as i')
    .innerJoin('stored_files as f', 'f.id', 'i.file_id')
    .select(['i.article_id', 'i.file_id', 'i.caption', 'f.original_name'])
    .where('i.article_id', 'in', articleIds)
    .orderBy('i.article_id')
    .orderBy('i.sort_order')
    .execute();
}

async function checked(db: DbOrTx, unitId: number, input: ArticleBody) {
  const bodyHtml = sanitizeNoticeHtml(input.bodyHtml);
  const errors: FieldError[] = [];
  for (const [field, text] of [['title', input.title], ['summary', input.summary], ['bodyHtml', textOf(bodyHtml)], ...input.images.map((im, i) => [`images.${i}.caption`, im.caption ?? ''])] as [string, string][]) {
    const kind = findPersonalData(text);
    if (kind) errors.push({ field, code: 'contains_personal_data', params: { kind: kindLabels[kind] } });
  }
  const videoUrl = input.videoUrl?.trim() || null;
  if (videoUrl && !isSafePublicUrl(videoUrl)) errors.push({ field: 'videoUrl', code: 'unsafe_url' });
  if (input.kind === 'video' && !videoUrl) errors.push({ field: 'videoUrl', code: 'required' });
  const fileIds = input.images.map((i) => i.fileId);
  const files = fileIds.length ? await db.selectFrom('stored_files').select(['id', 'kind', 'unit_id', 'size_bytes']).where('id', 'in', fileIds).execute() : [];
  input.images.forEach((image, i) => {
    const file = files.find((f) => f.id === image.fileId);
    const usable = file && file.unit_id === unitId && (file.kind === 'jpg' || file.kind === 'png') && Number(file.size_bytes) <= photoMaxBytes;
    if (!usable || fileIds.indexOf(image.fileId) !== i) errors.push({ field: `images.${i}.fileId`, code: 'photo_not_usable' });
  });
  if (input.kind === 'poster' && input.images.length === 0) errors.push({ field: 'images', code: 'required' });
  if (errors.length) throw invalidFields(errors);
  return { bodyHtml, videoUrl, images: input.images.map((im, i) => ({ file_id: im.fileId, caption: im.caption?.trim() || null, sort_order: i })) };
}

export async function list(db: DbOrTx, actor: Actor, campaignId: number) {
  await loadCampaign(db, actor, campaignId);
  const rows = await db.selectFrom('showcase_articles').selectAll().where('campaign_id', '=', campaignId).orderBy('updated_at', 'desc').orderBy('id', 'desc').execute();
  return { rows, images: await imagesOf(db, rows.map((r) => r.id)) };
}

export async function get(db: DbOrTx, actor: Actor, id: number) {
  const { article } = await loadArticle(db, actor, id);
  return { article, images: await imagesOf(db, [id]) };
}

export async function create(db: Db, options: { actor: Actor; campaignId: number; input: ArticleBody; client: ClientInfo }) {
  const { actor, input } = options;
  const campaign = await loadCampaign(db, actor, options.campaignId);
  const { bodyHtml, videoUrl, images } = await checked(db, campaign.unit_id, input);
  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('showcase_articles')
      .values({ campaign_id: campaign.id, kind: input.kind, title: input.title, summary: input.summary, body_html: bodyHtml, video_url: videoUrl, created_by: actor.userId || null, updated_by: actor.userId || null })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (images.length) await trx.insertInto('showcase_article_images').values(images.map((im) => ({ ...im, article_id: id }))).execute();
    await insertAuditEntry(trx, { ...actorFields(actor), unitId: campaign.unit_id, action: 'article.create', targetType: 'showcase_article', targetId: id, ip: options.client.ip, details: { kind: input.kind, title: input.title } });
    return id;
  });
}

/** Changing a published article changes the public page at once (the campaign manager is the author and the moderator). */
export async function update(db: Db, options: { actor: Actor; id: number; input: ArticleBody; client: ClientInfo }) {
  const { actor, input } = options;
  const { article, campaign } = await loadArticle(db, actor, options.id);
  if (input.version !== article.version) throw staleVersion();
  const { bodyHtml, videoUrl, images } = await checked(db, campaign.unit_id, input);
  await db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable('showcase_articles')
      .set({ kind: input.kind, title: input.title, summary: input.summary, body_html: bodyHtml, video_url: videoUrl, updated_by: actor.userId || null, updated_at: new Date(), version: sql<number>`version + 1` })
      .where('id', '=', article.id)
      .where('version', '=', article.version)
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) throw staleVersion();
    await trx.deleteFrom('showcase_article_images').where('article_id', '=', article.id).execute();
    if (images.length) await trx.insertInto('showcase_article_images').values(images.map((im) => ({ ...im, article_id: article.id }))).execute();
    await insertAuditEntry(trx, { ...actorFields(actor), unitId: campaign.unit_id, action: 'article.update', targetType: 'showcase_article', targetId: article.id, ip: options.client.ip, details: { status: article.status } });
  });
}

/** Publishing (again after a withdrawal) or withdrawing: effective at once, audited. */
export async function setStatus(db: Db, options: { actor: Actor; id: number; version: number; to: 'published' | 'withdrawn'; client: ClientInfo }) {
  const { actor } = options;
  const { article, campaign } = await loadArticle(db, actor, options.id);
  if (article.version !== options.version) throw staleVersion();
  const allowed = options.to === 'published' ? article.status !== 'published' : article.status === 'published';
  if (!allowed) throw new AppError('showcase_status_conflict', 409, { status: statusLabels[article.status] });
  await db.transaction().execute(async (trx) => {
    const now = new Date();
    await trx
      .updateTable('showcase_articles')
      .set({ status: options.to, ...(options.to === 'published' ? { published_at: now } : {}), updated_by: actor.userId || null, updated_at: now, version: sql<number>`version + 1` })
      .where('id', '=', article.id)
      .execute();
    await insertAuditEntry(trx, { ...actorFields(actor), unitId: campaign.unit_id, action: options.to === 'published' ? 'article.publish' : 'article.withdraw', targetType: 'showcase_article', targetId: article.id, ip: options.client.ip, details: { title: article.title } });
  });
}

// --- Public ---------------------------------------------------------------------------------------

export async function publicList(db: DbOrTx, campaignId: number, query: { kind?: string | undefined; page: number; pageSize: number }) {
  let q = db.selectFrom('showcase_articles').where('campaign_id', '=', campaignId).where('status', '=', 'published');
  if (query.kind) q = q.where('kind', '=', query.kind as 'news');
  const [rows, count] = await Promise.all([
    q
      .select(['id', 'kind', 'title', 'summary', 'published_at', sql<string | null>`(select i.file_id::text from showcase_article_images i where i.article_id = showcase_articles.id order by i.sort_order limit 1)`.as('image')])
      .orderBy('published_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function publicArticle(db: DbOrTx, id: number) {
  const row = await db
    .selectFrom('showcase_articles as a')
    .innerJoin('campaigns as c', 'c.id', 'a.campaign_id')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .select(['a.id', 'a.kind', 'a.title', 'a.summary', 'a.body_html', 'a.video_url', 'a.published_at', 'c.unit_id', 'u.name as unit_name', 'c.year', 'c.theme'])
    .where('a.id', '=', id)
    .where('a.status', '=', 'published')
    .where('u.active', '=', true)
    .executeTakeFirst();
  if (!row) throw notFound();
  return { row, images: await imagesOf(db, [id]) };
}
