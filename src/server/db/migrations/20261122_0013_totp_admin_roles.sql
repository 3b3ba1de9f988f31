-- Issue 9: TOTP second factor and the separation of the three administrators (三员分立).

-- The secret is set only once the holder confirmed a code from it; last_step refuses a code's
-- reuse (a step is accepted only above the last one used).
alter table users add column totp_secret text;
alter table users add column totp_enabled_at timestamptz;
alter table users add column totp_last_step integer;

-- A secret being enrolled lives with the session that started the enrolment, never on the user.
alter table sessions add column totp_pending_secret text;

-- After a correct password, an account with TOTP gets a short-lived challenge (only its SHA-256
-- is stored) that the second step trades, with a valid code, for a session.
create table sign_in_challenges (
  id         text primary key,
  user_id    integer not null references users (id),
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index sign_in_challenges_user_idx on sign_in_challenges (user_id);

-- One-time recovery codes, stored hashed; a used one keeps its row with used_at set.
create table totp_recovery_codes (
  id        integer generated always as identity primary key,
  user_id   integer not null references users (id),
  code_hash text not null,
  used_at   timestamptz
);
create index totp_recovery_codes_user_idx on totp_recovery_codes (user_id);

-- 安全保密管理员 and 安全审计员 join the system administrator.
alter table role_assignments drop constraint role_assignments_role_check;
alter table role_assignments add constraint role_assignments_role_check
  check (role in ('system_admin', 'security_admin', 'audit_admin', 'unit_admin', 'campaign_manager', 'contact', 'reviewer'));
