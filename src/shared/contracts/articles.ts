import { z } from 'zod';

/** Articles on the public column: news, 倡议书, 致科技工作者的一封信, posters, videos. */
export const articleKinds = ['news', 'initiative', 'letter', 'poster', 'video'] as const;
export const articleStatuses = ['draft', 'published', 'withdrawn'] as const;

export const articleBody = z.object({
  kind: z.enum(articleKinds),
  title: z.string().trim().min(2).max(100),
  summary: z.string().trim().max(300).default(''),
  bodyHtml: z.string().max(100000).default(''),
  images: z.array(z.object({ fileId: z.uuid(), caption: z.string().trim().max(100).optional() })).max(20).default([]),
  videoUrl: z.string().trim().max(500).optional(),
  /** The article's version when changing it; absent when creating. */
  version: z.number().int().positive().optional(),
});

export const articleView = z.object({
  id: z.number().int(),
  campaignId: z.number().int(),
  kind: z.enum(articleKinds),
  title: z.string(),
  summary: z.string(),
  bodyHtml: z.string(),
  images: z.array(z.object({ fileId: z.string(), name: z.string(), caption: z.string().nullable() })),
  videoUrl: z.string().nullable(),
  status: z.enum(articleStatuses),
  publishedAt: z.string().nullable(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export const articleListView = z.array(articleView.omit({ bodyHtml: true }));

const srcset = z.object({ jpeg: z.string(), webp: z.string() });

export const publicArticleCard = z.object({
  id: z.number().int(),
  kind: z.enum(articleKinds),
  title: z.string(),
  summary: z.string(),
  image: z.object({ url: z.string(), srcset }).nullable(),
  publishedAt: z.string(),
});

export const publicArticleView = z.object({
  id: z.number().int(),
  kind: z.enum(articleKinds),
  title: z.string(),
  summary: z.string(),
  /** Sanitized when saved. */
  bodyHtml: z.string(),
  images: z.array(z.object({ url: z.string(), caption: z.string().nullable(), srcset })),
  videoUrl: z.string().nullable(),
  publishedAt: z.string(),
  column: z.object({ unitId: z.number().int(), unitName: z.string(), year: z.number().int(), theme: z.string() }),
});

export const publicArticlesQuery = z.object({
  kind: z.enum(articleKinds).optional(),
  page: z.coerce.number().int().min(1).max(1000).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(12),
});
export const publicArticleListView = z.object({ items: z.array(publicArticleCard), total: z.number().int() });

export type ArticleBody = z.infer<typeof articleBody>;
export type ArticleView = z.infer<typeof articleView>;
export type PublicArticleCard = z.infer<typeof publicArticleCard>;
export type PublicArticleView = z.infer<typeof publicArticleView>;
export type PublicArticleListView = z.infer<typeof publicArticleListView>;
