import type { DbOrTx } from '../../db/database';
import { photoUrl } from './presenter';
import * as repo from './repository';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function clip(text: string, max: number): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
}

/**
 * The page a shared /showcase link opens, with its title and description (and photo) in the HTML
 * itself, so that WeChat and other link previews, which run no script, show what the link is.
 * Only published, public fields are used; anything unknown keeps the plain page.
 */
export async function showcasePageHtml(db: DbOrTx, pathname: string, indexHtml: string, publicUrl: string): Promise<string> {
  let meta: { title: string; description: string; image?: string } | null = null;
  const column = /^\/showcase\/(\d+)\/(\d{4})\/?$/.exec(pathname);
  const activity = /^\/showcase\/activities\/(\d+)\/?$/.exec(pathname);
  if (column) {
    const row = await repo.findColumn(db, Number(column[1]), Number(column[2]));
    if (row) meta = { title: `${row.unit_name}${row.year}年“全国科技工作者日”专题`, description: `主题：${row.theme}` };
  } else if (activity && Number(activity[1]) <= 2_147_483_647) {
    const row = await repo.findPublished(db, Number(activity[1]));
    if (row) {
      const photos = await repo.photosOf(db, [row.publication_id]);
      const first = photos[0];
      meta = { title: row.title, description: clip(row.description, 120), ...(first ? { image: `${publicUrl.replace(/\/$/, '')}${photoUrl(first.file_id)}` } : {}) };
    }
  } else if (/^\/showcase\/?$/.test(pathname)) {
    meta = { title: '全国科技工作者日专题栏目', description: '各级科协“全国科技工作者日”活动专题' };
  }
  if (!meta) return indexHtml;
  const tags = [
    `<title>${escapeHtml(meta.title)}</title>`,
    `<meta name="description" content="${escapeHtml(meta.description)}" />`,
    `<meta property="og:type" content="${activity ? 'article' : 'website'}" />`,
    `<meta property="og:title" content="${escapeHtml(meta.title)}" />`,
    `<meta property="og:description" content="${escapeHtml(meta.description)}" />`,
    ...(meta.image ? [`<meta property="og:image" content="${escapeHtml(meta.image)}" />`] : []),
  ].join('\n    ');
  return indexHtml.replace(/<title>[\s\S]*?<\/title>/, tags);
}
