-- The demands desk (诉求办理, issue 11, decision 015): a 科技工作者 submits a demand without an
-- account; it is routed to the 科协 of the chosen region (or a chosen society), which accepts,
-- forwards or answers it within time limits in working days; a missed limit escalates it to the
-- unit above. The contact left for the reply is sealed at rest by the application (enc:v1:…) and
-- never appears on a public route; the submitter follows the demand with an unguessable code.

create table demands (
  id                   integer generated always as identity primary key,
  code                 text not null unique check (code ~ '^[A-Z2-9]{16}$'),
  category             text not null check (category in ('title_review', 'talent_policy', 'research_funding', 'rights', 'other')),
  -- GB/T 2260 code of the region the submitter chose (province, city or county).
  region_code          text not null check (region_code ~ '^[0-9]{2}([0-9]{2}([0-9]{2})?)?$'),
  -- A society the submitter chose instead of the regional 科协.
  society_unit_id      integer references units (id),
  -- The unit it was first routed to, and the unit handling it now.
  origin_unit_id       integer not null references units (id),
  unit_id              integer not null references units (id),
  status               text not null default 'submitted' check (status in ('submitted', 'accepted', 'answered')),
  description          text not null,
  -- Sealed by the application; optional.
  contact_name         text,
  contact_phone        text,
  contact_email        text,
  submitted_at         timestamptz not null default now(),
  -- When it reached its current unit, and that unit's limits for accepting and replying.
  arrived_at           timestamptz not null default now(),
  accept_due_at        timestamptz not null,
  reply_due_at         timestamptz not null,
  -- The first-reply limit set at submission, never moved: "first reply on time" in the statistics.
  first_reply_due_at   timestamptz not null,
  accepted_at          timestamptz,
  answered_at          timestamptz,
  answer               text,
  answered_unit_id     integer references units (id),
  forwards             smallint not null default 0,
  escalations          smallint not null default 0,
  -- One step per transition: an escalation updates only the step it saw (exactly once).
  step                 integer not null default 1,
  rating               smallint check (rating between 1 and 5),
  rating_comment       text,
  rated_at             timestamptz,
  -- The anonymised 办实事 case the handling unit may publish once answered.
  case_title           text,
  case_summary         text,
  case_published_at    timestamptz,
  ip                   text,
  version              integer not null default 1,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  check ((status = 'answered') = (answered_at is not null)),
  check (rating is null or status = 'answered'),
  check (case_published_at is null or (status = 'answered' and case_summary is not null))
);
create index demands_unit_idx on demands (unit_id, status, id);
create index demands_open_due_idx on demands (status, accept_due_at, reply_due_at) where status <> 'answered';
create index demands_cases_idx on demands (case_published_at desc) where case_published_at is not null;

-- The history the submitter and the units see: one row per step, numbered by the demand's step.
create table demand_events (
  id            integer generated always as identity primary key,
  demand_id     integer not null references demands (id),
  step          integer not null,
  kind          text not null check (kind in ('submitted', 'accepted', 'forwarded', 'escalated', 'answered', 'rated', 'case_published', 'case_withdrawn')),
  from_unit_id  integer references units (id),
  to_unit_id    integer references units (id),
  -- An internal note (the reason for forwarding): shown to units, never on the public page.
  note          text,
  user_id       integer references users (id),
  at            timestamptz not null default now()
);
create index demand_events_demand_idx on demand_events (demand_id, id);
-- A step happens once: two escalation rounds racing for the same step cannot both record it.
create unique index demand_events_step_idx on demand_events (demand_id, step) where kind in ('submitted', 'accepted', 'forwarded', 'escalated', 'answered');

-- Time limits per category set by the system administrator; a category without a row uses the
-- defaults of src/shared/domain/demands.ts.
create table demand_time_limits (
  category     text primary key check (category in ('title_review', 'talent_policy', 'research_funding', 'rights', 'other')),
  accept_days  smallint not null check (accept_days between 0 and 30),
  reply_days   smallint not null check (reply_days between 1 and 30),
  updated_by   integer references users (id),
  updated_at   timestamptz not null default now()
);
