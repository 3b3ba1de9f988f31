-- Personal data encrypted per field at rest (issue 9, decision 012): contact phones, e-mails and
-- addresses of units, users' e-mail and mobile, sign-ups' mobile numbers and objectors' contacts
-- hold AES-256-GCM envelopes (enc:v1:…) written by the application. The values already stored are
-- sealed by the application at its next start (the key is not known to SQL).

-- One row per key that sealed data: its check value lets a start with the wrong key fail clearly.
create table field_encryption_keys (
  key_id      text primary key,
  fingerprint text not null,
  created_at  timestamptz not null default now()
);

-- The number is no longer readable by SQL: its format is checked by the application (zod).
alter table activity_signups drop constraint activity_signups_mobile_check;
-- Keyed HMAC-SHA-256 of the number (key id prefixed): the duplicate check and its unique index.
alter table activity_signups add column mobile_index text;
drop index activity_signups_mobile_idx;
create unique index activity_signups_mobile_idx on activity_signups (activity_id, mobile_index) where status <> 'cancelled';

-- Bulk export of personal data (decision 012): a permission granted to an account explicitly, never
-- implied by a role; it applies within the reach the account's roles already give.
create table personal_data_export_grants (
  user_id    integer primary key references users (id),
  granted_by integer references users (id),
  granted_at timestamptz not null default now()
);

-- When the session's holder last re-entered the password: bulk exports need it within 5 minutes.
alter table sessions add column reauthenticated_at timestamptz;
