-- Foundation: the unit tree, accounts, roles, sessions and the audit log.
-- Reviewed SQL; never edit after it has landed (the runner checks each file's SHA-256).

create table units (
  id               integer generated always as identity primary key,
  parent_id        integer references units (id),
  -- Materialised path of ids, '/1/12/345/': subtree checks are prefix matches on an index.
  path             text not null default '',
  depth            smallint not null default 0,
  name             text not null check (length(name) between 2 and 100),
  short_name       text not null check (length(short_name) between 2 and 50),
  type             text not null check (type in (
                     'regional_association', 'learned_society', 'society_branch',
                     'enterprise_association', 'university_association', 'research_institute',
                     'science_popularization_base', 'government_bureau', 'internal_department',
                     'affiliated_institution')),
  level            text not null check (level in ('national', 'provincial', 'city', 'county')),
  region_code      text check (region_code ~ '^[0-9]{2}([0-9]{2}([0-9]{2})?)?$'),
  tags             text[] not null default '{}',
  contact_name         text,
  contact_office_phone text,
  contact_mobile       text,
  contact_fax          text,
  contact_email        text,
  mailing_address      text,
  pinyin_initials  text not null default '',
  sort_key         text not null default '',
  active           boolean not null default true,
  version          integer not null default 1,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now()
);

create index units_path_idx on units (path text_pattern_ops);
create index units_parent_idx on units (parent_id, sort_key);
-- Two siblings never share a name: the roster import matches rows to units by parent and name.
create unique index units_sibling_name_idx on units (coalesce(parent_id, 0), name);
create unique index units_regional_code_idx on units (region_code) where type = 'regional_association';

-- The path and depth follow from the parent; computing them here keeps every insert path honest
-- (single inserts, bulk seeding and roster imports alike). Moves rewrite paths in the repository.
create function units_set_path() returns trigger language plpgsql as $$
declare
  parent_path text;
begin
  if new.parent_id is null then
    new.path := '/' || new.id || '/';
    new.depth := 0;
  else
    select path into parent_path from units where id = new.parent_id;
    if parent_path is null then
      raise exception 'parent unit % does not exist', new.parent_id;
    end if;
    new.path := parent_path || new.id || '/';
    new.depth := (length(new.path) - length(replace(new.path, '/', ''))) - 2;
  end if;
  return new;
end;
$$;

create trigger units_set_path_on_insert before insert on units
  for each row execute function units_set_path();

create table users (
  id                    integer generated always as identity primary key,
  unit_id               integer not null references units (id),
  username              text not null check (username ~ '^[a-z0-9._-]{3,64}$'),
  display_name          text not null check (length(display_name) between 1 and 50),
  email                 text,
  mobile                text,
  password_hash         text,
  status                text not null default 'active' check (status in ('active', 'pending_activation', 'disabled')),
  must_change_password  boolean not null default false,
  locked_until          timestamptz,
  activation_token_hash text,
  activation_expires_at timestamptz,
  password_changed_at   timestamptz,
  version               integer not null default 1,
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now()
);

create unique index users_username_idx on users (username);
create index users_unit_idx on users (unit_id);
create unique index users_activation_token_idx on users (activation_token_hash) where activation_token_hash is not null;

-- A role holds over a unit and its whole subtree.
create table role_assignments (
  user_id    integer not null references users (id),
  role       text not null check (role in ('system_admin', 'unit_admin', 'campaign_manager', 'contact', 'reviewer')),
  unit_id    integer not null references units (id),
  granted_at timestamptz not null default now(),
  primary key (user_id, role, unit_id)
);

create index role_assignments_unit_idx on role_assignments (unit_id);

-- Failed sign-ins within the lockout window; cleared by a successful sign-in.
create table sign_in_failures (
  id        integer generated always as identity primary key,
  user_id   integer not null references users (id),
  failed_at timestamptz not null default now()
);

create index sign_in_failures_user_idx on sign_in_failures (user_id, failed_at);

create table sessions (
  -- SHA-256 of the cookie's token: a leaked table does not yield usable sessions.
  id            text primary key,
  user_id       integer not null references users (id),
  csrf_token    text not null,
  created_at    timestamptz not null default now(),
  last_seen_at  timestamptz not null default now(),
  expires_at    timestamptz not null,
  ip            text,
  user_agent    text
);

create index sessions_user_idx on sessions (user_id);

create table audit_log (
  id             bigint generated always as identity primary key,
  occurred_at    timestamptz not null default now(),
  actor_user_id  integer,
  actor_username text,
  actor_unit_id  integer,
  -- The unit the action concerns, for scoping who may read the entry.
  unit_id        integer,
  action         text not null,
  target_type    text,
  target_id      text,
  outcome        text not null default 'success' check (outcome in ('success', 'failure')),
  ip             text,
  details        jsonb not null default '{}'
);

create index audit_log_occurred_idx on audit_log (occurred_at desc);
create index audit_log_unit_idx on audit_log (unit_id, occurred_at desc);
create index audit_log_actor_idx on audit_log (actor_user_id, occurred_at desc);
create index audit_log_action_idx on audit_log (action, occurred_at desc);

-- The audit log is append-only: no one, including the application, may rewrite history.
create function audit_log_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end;
$$;

create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function audit_log_refuse_change();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_refuse_change();
