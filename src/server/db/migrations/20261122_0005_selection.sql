-- Upward recommendation (择优推荐), evaluation rounds (评选) and commendation (表彰).

-- How many items each kind of unit may recommend into this task's pool.
alter table collection_tasks
  add column recommendation_quota jsonb not null default '{"default":{"min":0,"max":2},"byUnitType":{}}';

-- One row per recommendation of an activity by a unit into the pool of the task above it.
create table recommendations (
  id              integer generated always as identity primary key,
  activity_id     integer not null references activities (id),
  task_id         integer not null references collection_tasks (id),
  from_unit_id    integer not null references units (id),
  to_unit_id      integer not null references units (id),
  reason          text not null check (length(reason) between 2 and 1000),
  recommended_by  integer references users (id),
  recommended_at  timestamptz not null default now(),
  withdrawn_at    timestamptz,
  withdrawn_by    integer references users (id)
);
create unique index recommendations_active_idx on recommendations (activity_id, task_id) where withdrawn_at is null;
create index recommendations_task_idx on recommendations (task_id, from_unit_id);

create table evaluation_rounds (
  id              integer generated always as identity primary key,
  unit_id         integer not null references units (id),
  campaign_id     integer references campaigns (id),
  -- The task whose recommended pool supplies activity candidates.
  source_task_id  integer references collection_tasks (id),
  title           text not null check (length(title) between 2 and 200),
  stage           text not null default 'eligibility' check (stage in ('eligibility', 'review', 'decision', 'publicity', 'announced')),
  blind           boolean not null default false,
  aggregation     text not null default 'mean' check (aggregation in ('mean', 'trimmed_mean')),
  normalise       boolean not null default false,
  publicity_days  integer not null default 5 check (publicity_days between 1 and 60),
  publicity_starts_at timestamptz,
  publicity_ends_at   timestamptz,
  commendation_notice_id integer references notices (id),
  created_by      integer references users (id),
  version         integer not null default 1,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now()
);

create table evaluation_categories (
  id          integer generated always as identity primary key,
  round_id    integer not null references evaluation_rounds (id),
  name        text not null check (length(name) between 2 and 60),
  kind        text not null check (kind in ('activity', 'unit', 'person')),
  places      integer not null check (places between 1 and 10000),
  sort_order  integer not null default 0
);

create table evaluation_criteria (
  id          integer generated always as identity primary key,
  round_id    integer not null references evaluation_rounds (id),
  name        text not null check (length(name) between 1 and 60),
  weight      numeric not null check (weight > 0),
  min_score   numeric not null default 0,
  max_score   numeric not null default 100,
  sort_order  integer not null default 0,
  check (max_score > min_score)
);

create table evaluation_candidates (
  id               integer generated always as identity primary key,
  category_id      integer not null references evaluation_categories (id),
  -- What is evaluated: an activity (and its unit), or a unit itself.
  activity_id      integer references activities (id),
  unit_id          integer not null references units (id),
  -- The unit's own record shown beside a unit candidate: activities held, timeliness, completion…
  record           jsonb not null default '{}',
  eligible         boolean,
  eligibility_note text,
  selected         boolean not null default false,
  final_rank       integer,
  unique (category_id, activity_id, unit_id)
);

create table evaluation_reviewers (
  round_id  integer not null references evaluation_rounds (id),
  user_id   integer not null references users (id),
  primary key (round_id, user_id)
);

create table evaluation_assignments (
  candidate_id  integer not null references evaluation_candidates (id),
  user_id       integer not null references users (id),
  -- Declared by the reviewer (回避); automatic conflicts are never assigned.
  declined_reason text,
  submitted_at  timestamptz,
  primary key (candidate_id, user_id)
);

create table evaluation_scores (
  candidate_id  integer not null references evaluation_candidates (id),
  user_id       integer not null references users (id),
  criterion_id  integer not null references evaluation_criteria (id),
  score         numeric not null,
  comment       text,
  updated_at    timestamptz not null default now(),
  primary key (candidate_id, user_id, criterion_id)
);

create table evaluation_objections (
  id            integer generated always as identity primary key,
  round_id      integer not null references evaluation_rounds (id),
  candidate_id  integer not null references evaluation_candidates (id),
  content       text not null check (length(content) between 2 and 2000),
  -- How to reach the objector; never shown publicly.
  contact       text,
  received_at   timestamptz not null default now(),
  resolution    text,
  upheld        boolean,
  resolved_by   integer references users (id),
  resolved_at   timestamptz
);
