-- Articles on the public column (专题栏目): news reports, 倡议书, 致科技工作者的一封信, posters and videos,
-- written by the issuing unit's campaign managers: sanitized rich text, images (the unit's own JPG/PNG
-- uploads, served like activity photos with resized copies), a video link. Public once published.
create table showcase_articles (
  id           integer generated always as identity primary key,
  campaign_id  integer not null references campaigns (id),
  kind         text not null check (kind in ('news', 'initiative', 'letter', 'poster', 'video')),
  title        text not null check (length(title) between 2 and 100),
  summary      text not null default '' check (length(summary) <= 300),
  -- Sanitized on save (src/server/features/articles/sanitize.ts): no script, style, event or link but http(s).
  body_html    text not null default '' check (length(body_html) <= 100000),
  video_url    text check (length(video_url) <= 500),
  status       text not null default 'draft' check (status in ('draft', 'published', 'withdrawn')),
  published_at timestamptz,
  created_by   integer references users (id),
  updated_by   integer references users (id),
  version      integer not null default 1,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);
create index showcase_articles_column_idx on showcase_articles (campaign_id, status, published_at desc);

create table showcase_article_images (
  article_id  integer not null references showcase_articles (id),
  file_id     uuid not null references stored_files (id),
  caption     text check (length(caption) <= 100),
  sort_order  integer not null default 0,
  primary key (article_id, file_id)
);
create index showcase_article_images_file_idx on showcase_article_images (file_id);
