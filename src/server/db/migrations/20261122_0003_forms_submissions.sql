-- Forms, collection-task settings, submissions with their history, activity records, idempotency.

-- A form belongs to the unit that designed it; every saved change is a new, immutable version.
create table forms (
  id            integer generated always as identity primary key,
  unit_id       integer not null references units (id),
  name          text not null check (length(name) between 1 and 100),
  template_key  text,
  created_by    integer references users (id),
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);
create index forms_unit_idx on forms (unit_id);

create table form_versions (
  id          integer generated always as identity primary key,
  form_id     integer not null references forms (id),
  version     integer not null,
  definition  jsonb not null,
  created_by  integer references users (id),
  created_at  timestamptz not null default now(),
  unique (form_id, version)
);

-- What a collection task asks: the form (version) and its rules.
alter table collection_tasks
  add column form_version_id integer references form_versions (id),
  add column quota jsonb not null default '{"minItems":0,"maxItems":null,"onePerPhase":false}',
  -- 'accept_flag': late submissions are accepted and marked; 'close': refused unless excepted.
  add column late_policy text not null default 'accept_flag' check (late_policy in ('accept_flag', 'close')),
  -- Who must submit: null means every unit the notice reached.
  add column assignee_unit_ids integer[],
  -- Which department of the collecting unit receives submissions from which kinds of unit.
  add column routing jsonb not null default '[]',
  -- Files every submission must carry besides the form (e.g. the stamped PDF and the Word version).
  add column required_files jsonb not null default '[]';

-- Per-unit permission to submit after a closed deadline, granted by the collector.
create table task_exceptions (
  task_id     integer not null references collection_tasks (id),
  unit_id     integer not null references units (id),
  until       timestamptz not null,
  reason      text not null,
  granted_by  integer references users (id),
  granted_at  timestamptz not null default now(),
  primary key (task_id, unit_id)
);

create table submissions (
  id                 integer generated always as identity primary key,
  task_id            integer not null references collection_tasks (id),
  unit_id            integer not null references units (id),
  -- Null for a plain task without a form (a file or report to hand in).
  form_version_id    integer references form_versions (id),
  status             text not null default 'draft' check (status in ('draft', 'submitted', 'returned', 'accepted')),
  values             jsonb not null default '{"fields":{},"items":[]}',
  -- The department of the collecting unit this submission is routed to, by the task's routing rules.
  routed_unit_id     integer references units (id),
  first_submitted_at timestamptz,
  submitted_at       timestamptz,
  late_hours         integer not null default 0,
  review_comments    jsonb,
  reviewed_by        integer references users (id),
  reviewed_at        timestamptz,
  version            integer not null default 1,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  unique (task_id, unit_id)
);
create index submissions_task_idx on submissions (task_id, status);

-- Every saved state of a submission, for the history and the diff between versions.
create table submission_revisions (
  id             bigint generated always as identity primary key,
  submission_id  integer not null references submissions (id),
  version        integer not null,
  status         text not null,
  values         jsonb not null,
  action         text not null,
  comment        jsonb,
  actor_user_id  integer references users (id),
  created_at     timestamptz not null default now(),
  unique (submission_id, version)
);

-- One record per submitted activity item, used by reports, statistics and the public showcase.
create table activities (
  id              integer generated always as identity primary key,
  submission_id   integer not null references submissions (id),
  item_key        text not null,
  task_id         integer not null references collection_tasks (id),
  campaign_id     integer references campaigns (id),
  unit_id         integer not null references units (id),
  title           text not null,
  host            text,
  organiser       text,
  modules         text[] not null default '{}',
  phase_id        text,
  start_date      date,
  end_date        date,
  place           text,
  target_groups   text[] not null default '{}',
  target_other    text,
  scale           integer,
  description     text,
  status          text not null default 'planned' check (status in ('planned', 'ongoing', 'done')),
  withdrawn       boolean not null default false,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  unique (submission_id, item_key)
);
create index activities_campaign_idx on activities (campaign_id, phase_id);
create index activities_unit_idx on activities (unit_id);

-- Replay protection for submissions: the same key from the same user returns the first answer.
create table idempotency_keys (
  key            text not null,
  user_id        integer not null references users (id),
  scope          text not null,
  request_hash   text not null,
  status_code    integer,
  response       jsonb,
  created_at     timestamptz not null default now(),
  completed_at   timestamptz,
  primary key (user_id, key)
);

create table submission_files (
  submission_id  integer not null references submissions (id),
  file_id        uuid not null references stored_files (id),
  primary key (submission_id, file_id)
);
