-- Public contributions (作品征集, issue 11): a campaign manager opens a call on the column for short
-- videos, photos or letters (e.g. 5·30 greetings); anyone submits without an account; a moderator
-- approves or rejects each work before anything appears on the column; the submitter is told the
-- result by e-mail. The e-mail address is sealed at rest (enc:v1:…) and never on a public answer.

create table contribution_calls (
  id                 integer generated always as identity primary key,
  campaign_id        integer not null references campaigns (id),
  title              text not null check (length(title) between 2 and 100),
  description        text not null default '' check (length(description) <= 2000),
  accepts_video      boolean not null default false,
  accepts_photo      boolean not null default false,
  accepts_letter     boolean not null default false,
  -- 字数 counted as src/shared/domain/word-count.ts does (a Chinese character is one).
  letter_word_limit  integer not null default 800 check (letter_word_limit between 50 and 5000),
  video_max_bytes    bigint not null default 104857600 check (video_max_bytes between 1048576 and 209715200),
  photo_max_bytes    bigint not null default 5242880 check (photo_max_bytes between 102400 and 5242880),
  opens_at           timestamptz not null,
  closes_at          timestamptz not null,
  -- draft: not public; published: public page (submissions within the window); withdrawn: gone.
  status             text not null default 'draft' check (status in ('draft', 'published', 'withdrawn')),
  created_by         integer references users (id),
  updated_by         integer references users (id),
  version            integer not null default 1,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  check (accepts_video or accepts_photo or accepts_letter),
  check (closes_at > opens_at)
);
create index contribution_calls_campaign_idx on contribution_calls (campaign_id, status);

create table contributions (
  id               integer generated always as identity primary key,
  call_id          integer not null references contribution_calls (id),
  kind             text not null check (kind in ('video', 'photo', 'letter')),
  title            text not null check (length(title) between 2 and 60),
  -- As credited on the column once approved.
  credit_name      text not null check (length(credit_name) between 1 and 30),
  work_unit        text not null check (length(work_unit) between 2 and 60),
  -- Sealed by the application (AES-256-GCM envelope): where the result is sent.
  email            text not null,
  letter_text      text check (length(letter_text) <= 20000),
  file_id          uuid references stored_files (id),
  -- The consent text the submitter agreed to, as shown, and when.
  consent_text     text not null,
  consented_at     timestamptz not null,
  status           text not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'withdrawn')),
  decision_reason  text check (length(decision_reason) <= 500),
  decided_by       integer references users (id),
  decided_at       timestamptz,
  approved_at      timestamptz,
  -- A retried submission (same key) is the same contribution: never stored twice.
  idempotency_key  text,
  request_hash     text not null,
  ip               text,
  version          integer not null default 1,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  check ((kind = 'letter') = (letter_text is not null)),
  check ((kind = 'letter') = (file_id is null))
);
create unique index contributions_idempotency_idx on contributions (call_id, idempotency_key) where idempotency_key is not null;
create index contributions_call_idx on contributions (call_id, status, id);
create index contributions_file_idx on contributions (file_id);
