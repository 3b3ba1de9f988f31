-- Campaigns, notices and their cascade: recipients, acknowledgements, forwards, collection tasks.
-- Also uploaded files, in-app notifications and the mail outbox that later features share.

create table stored_files (
  id             uuid primary key default gen_random_uuid(),
  -- Generated storage name; the original name is kept only as metadata.
  storage_key    text not null unique,
  sha256         text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes     bigint not null check (size_bytes >= 0),
  content_type   text not null,
  kind           text not null,
  original_name  text not null check (length(original_name) between 1 and 255),
  unit_id        integer references units (id),
  uploaded_by    integer references users (id),
  created_at     timestamptz not null default now()
);

create table campaigns (
  id                 integer generated always as identity primary key,
  unit_id            integer not null references units (id),
  year               smallint not null check (year between 2016 and 2100),
  -- 第N个“全国科技工作者日” (2017 was the first).
  ordinal            smallint check (ordinal between 1 and 100),
  theme              text not null check (length(theme) between 2 and 100),
  modules            jsonb not null,
  phases             jsonb not null,
  target_groups      jsonb not null,
  key_dates          jsonb not null default '[]',
  parent_campaign_id integer references campaigns (id),
  copied_from_id     integer references campaigns (id),
  created_by         integer references users (id),
  version            integer not null default 1,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  unique (unit_id, year)
);

-- The plan's own activities (主场活动), each with responsible departments of the issuing unit.
create table campaign_activities (
  id           integer generated always as identity primary key,
  campaign_id  integer not null references campaigns (id),
  title        text not null check (length(title) between 2 and 200),
  module_id    text not null,
  start_date   date,
  end_date     date,
  place        text,
  description  text,
  status       text not null default 'planned' check (status in ('planned', 'preparing', 'held', 'reported')),
  sort_order   integer not null default 0,
  version      integer not null default 1,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  check (end_date is null or start_date is null or end_date >= start_date)
);
create index campaign_activities_campaign_idx on campaign_activities (campaign_id, sort_order);

create table campaign_activity_departments (
  activity_id  integer not null references campaign_activities (id),
  unit_id      integer not null references units (id),
  primary key (activity_id, unit_id)
);
create index campaign_activity_departments_unit_idx on campaign_activity_departments (unit_id);

create table notices (
  id                integer generated always as identity primary key,
  campaign_id       integer references campaigns (id),
  issuer_unit_id    integer not null references units (id),
  kind              text not null default 'original' check (kind in ('original', 'forward', 'supplementary')),
  -- The upstream notice of a forward, or the notice a supplementary notice corrects.
  parent_notice_id  integer references notices (id),
  -- The notice at the top of the cascade (itself for an original): cascade queries need no recursion.
  root_notice_id    integer references notices (id),
  doc_prefix        text,
  doc_year          smallint,
  doc_serial        integer,
  document_number   text,
  title             text not null check (length(title) between 2 and 200),
  addressee_text    text not null default '',
  addressee_rules   jsonb not null default '[]',
  body_html         text not null default '',
  contacts          jsonb not null default '[]',
  signature         text[] not null default '{}',
  issue_date        date,
  status            text not null default 'draft' check (status in ('draft', 'pending_approval', 'issued', 'withdrawn')),
  issued_at         timestamptz,
  issued_by         integer references users (id),
  withdrawn_at      timestamptz,
  withdrawn_by      integer references users (id),
  withdrawn_reason  text,
  created_by        integer references users (id),
  version           integer not null default 1,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now()
);
create index notices_issuer_idx on notices (issuer_unit_id, status, created_at desc);
create index notices_root_idx on notices (root_notice_id);
create index notices_parent_idx on notices (parent_notice_id);
-- One 文号 per issuer, once issued.
create unique index notices_document_number_idx on notices (issuer_unit_id, doc_prefix, doc_year, doc_serial)
  where status in ('pending_approval', 'issued', 'withdrawn') and doc_serial is not null;

-- 联合发文: every co-issuer approves before the notice goes out.
create table notice_co_issuers (
  notice_id   integer not null references notices (id),
  unit_id     integer not null references units (id),
  decision    text not null default 'pending' check (decision in ('pending', 'approved', 'rejected')),
  decided_by  integer references users (id),
  decided_at  timestamptz,
  comment     text,
  primary key (notice_id, unit_id)
);
create index notice_co_issuers_unit_idx on notice_co_issuers (unit_id, decision);

create table notice_attachments (
  notice_id   integer not null references notices (id),
  file_id     uuid not null references stored_files (id),
  name        text not null,
  sort_order  integer not null default 0,
  primary key (notice_id, file_id)
);

-- One row per unit a notice reaches, directly or through a forward (root_notice_id).
create table notice_recipients (
  notice_id           integer not null references notices (id),
  unit_id             integer not null references units (id),
  root_notice_id      integer not null references notices (id),
  delivered_at        timestamptz not null default now(),
  read_at             timestamptz,
  read_by             integer references users (id),
  acknowledged_at     timestamptz,
  acknowledged_by     integer references users (id),
  forwarded_notice_id integer references notices (id),
  forwarded_at        timestamptz,
  primary key (notice_id, unit_id)
);
create index notice_recipients_unit_idx on notice_recipients (unit_id, delivered_at desc);
create index notice_recipients_root_idx on notice_recipients (root_notice_id, unit_id);

-- What a notice asks of its recipients, with a deadline (填报任务). Forms arrive with the forms feature.
create table collection_tasks (
  id                integer generated always as identity primary key,
  notice_id         integer not null references notices (id),
  -- For a forward: the upstream task this one passes on, with the forwarding unit's own deadline.
  upstream_task_id  integer references collection_tasks (id),
  title             text not null check (length(title) between 2 and 200),
  description       text not null default '',
  deadline          timestamptz not null,
  -- Set when the upstream deadline moved earlier than this one; cleared when this one is fixed.
  deadline_conflict boolean not null default false,
  sort_order        integer not null default 0,
  version           integer not null default 1,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now()
);
create index collection_tasks_notice_idx on collection_tasks (notice_id, sort_order);
create index collection_tasks_upstream_idx on collection_tasks (upstream_task_id);

-- In-app notifications to a unit (bell): new notices, deadline changes, later returns and reminders.
create table notifications (
  id          bigint generated always as identity primary key,
  unit_id     integer not null references units (id),
  kind        text not null,
  title       text not null,
  body        text not null default '',
  link        text,
  created_at  timestamptz not null default now(),
  read_at     timestamptz,
  read_by     integer references users (id)
);
create index notifications_unit_idx on notifications (unit_id, created_at desc);

-- Outgoing e-mail, written in the same transaction as what causes it; delivered by a worker.
create table mail_outbox (
  id            bigint generated always as identity primary key,
  -- Makes enqueueing idempotent: the same event never mails the same address twice.
  dedupe_key    text not null unique,
  to_address    text not null,
  subject       text not null,
  text_body     text not null,
  unit_id       integer references units (id),
  status        text not null default 'queued' check (status in ('queued', 'sent', 'failed')),
  attempts      integer not null default 0,
  last_error    text,
  next_attempt_at timestamptz not null default now(),
  created_at    timestamptz not null default now(),
  sent_at       timestamptz
);
create index mail_outbox_pending_idx on mail_outbox (status, next_attempt_at);
