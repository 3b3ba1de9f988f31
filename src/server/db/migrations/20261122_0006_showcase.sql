-- The public showcase (专题栏目): activities a unit asks to publish, moderated by its upper unit or a
-- configured moderator; the column of a campaign is public with no sign-in.

-- One publication per activity: what the public sees besides the activity record (a public
-- description, photos, media links) and where it stands in moderation.
create table showcase_publications (
  id               integer generated always as identity primary key,
  activity_id      integer not null unique references activities (id),
  -- The column it appears in: the campaign of the notice the activity answered.
  campaign_id      integer not null references campaigns (id),
  unit_id          integer not null references units (id),
  status           text not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'withdrawn')),
  description      text not null check (length(description) between 10 and 3000),
  -- [{ "kind": "video" | "livestream" | "coverage", "title": "…", "url": "https://…" }]
  media_links      jsonb not null default '[]',
  requested_by     integer references users (id),
  requested_at     timestamptz not null default now(),
  decided_by       integer references users (id),
  decided_at       timestamptz,
  decision_note    text,
  -- When it first went public and when it last did; the public list is ordered by the latter.
  first_published_at timestamptz,
  published_at     timestamptz,
  withdrawn_by     integer references users (id),
  withdrawn_at     timestamptz,
  withdraw_reason  text,
  -- Character bigrams of the public title (weight A) and description (weight B) with positions,
  -- computed by src/shared/domain/bigram-search.ts; the same on PGlite and PostgreSQL (no parser,
  -- no extension). See docs/decisions/006-showcase-search.md.
  search_vector    tsvector not null default ''::tsvector,
  version          integer not null default 1,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now()
);
create index showcase_publications_column_idx on showcase_publications (campaign_id, status, published_at desc);
create index showcase_publications_unit_idx on showcase_publications (unit_id, status);
create index showcase_publications_search_idx on showcase_publications using gin (search_vector);

create table showcase_photos (
  publication_id  integer not null references showcase_publications (id),
  file_id         uuid not null references stored_files (id),
  caption         text check (length(caption) <= 100),
  sort_order      integer not null default 0,
  primary key (publication_id, file_id)
);
create index showcase_photos_file_idx on showcase_photos (file_id);

-- Units whose campaign managers moderate a column besides the publishing units' upper units
-- (e.g. the provincial association's publicity department).
create table showcase_moderators (
  campaign_id  integer not null references campaigns (id),
  unit_id      integer not null references units (id),
  added_by     integer references users (id),
  added_at     timestamptz not null default now(),
  primary key (campaign_id, unit_id)
);
