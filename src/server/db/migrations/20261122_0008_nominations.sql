-- 最美科技工作者 and other person awards: units nominate persons (推荐人选) into an upper unit's
-- task, within the task's quota; evaluation rounds take them as candidates of person categories.

create table nominations (
  id             integer generated always as identity primary key,
  task_id        integer not null references collection_tasks (id),
  -- The nominating unit.
  unit_id        integer not null references units (id),
  person_name    text not null check (length(person_name) between 2 and 30),
  gender         text not null check (gender in ('male', 'female')),
  birth_year     integer not null check (birth_year between 1900 and 2020),
  -- The person's own employer (工作单位), which need not be the nominating unit.
  work_unit      text not null check (length(work_unit) between 2 and 100),
  discipline     text not null check (length(discipline) between 2 and 60),
  -- 职务/职称
  job_title      text not null check (length(job_title) between 2 and 60),
  achievements   text not null,
  photo_file_id  uuid references stored_files (id),
  status         text not null default 'draft' check (status in ('draft', 'submitted', 'withdrawn')),
  submitted_at   timestamptz,
  created_by     integer references users (id),
  version        integer not null default 1,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now()
);
create index nominations_task_idx on nominations (task_id, unit_id, status);

-- A person candidate is a nomination (its unit is the nominating unit).
alter table evaluation_candidates add column nomination_id integer references nominations (id);

-- Candidates are unique per category and subject. The original unique constraint treats NULLs as
-- distinct, so unit candidates (no activity) could be proposed twice: one partial index per kind.
create unique index evaluation_candidates_unit_idx on evaluation_candidates (category_id, unit_id) where activity_id is null and nomination_id is null;
create unique index evaluation_candidates_nomination_idx on evaluation_candidates (category_id, nomination_id) where nomination_id is not null;
