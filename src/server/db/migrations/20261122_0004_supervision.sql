-- Supervision: reminders (manual 催办 and automatic), editable mail templates, per-task reminder settings.

alter table collection_tasks
  add column reminder_settings jsonb not null default '{"enabled":true,"daysBefore":[3,1],"time":"10:00","overdue":true}';

-- One row per reminder sent to one unit. Automatic reminders are unique per (task, unit, kind), so
-- several processes, restarts and repeated scheduler rounds never send one twice.
create table reminders (
  id          bigint generated always as identity primary key,
  task_id     integer not null references collection_tasks (id),
  unit_id     integer not null references units (id),
  kind        text not null,
  -- Manual reminders repeat; automatic ones carry their kind here too, for the unique index.
  auto        boolean not null default false,
  message     text not null default '',
  sent_by     integer references users (id),
  sent_at     timestamptz not null default now(),
  read_at     timestamptz,
  notification_id bigint references notifications (id)
);
create unique index reminders_auto_once_idx on reminders (task_id, unit_id, kind) where auto;
create index reminders_task_idx on reminders (task_id, sent_at desc);

-- Mail templates a campaign manager may edit for their unit; built-in defaults otherwise.
create table mail_templates (
  unit_id     integer not null references units (id),
  kind        text not null check (kind in ('reminder', 'overdue', 'return', 'accept', 'decision')),
  subject     text not null check (length(subject) between 1 and 200),
  body        text not null check (length(body) between 1 and 5000),
  updated_by  integer references users (id),
  updated_at  timestamptz not null default now(),
  primary key (unit_id, kind)
);
