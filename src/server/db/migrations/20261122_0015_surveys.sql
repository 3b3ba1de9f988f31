-- Surveys (问卷调查, issue 11): a unit's campaign managers build a questionnaire (questions in the
-- declarative form of src/shared/forms/survey.ts), set a window and target regions and publish it
-- under a public link /survey/<token>. The public answers without an account: one response per
-- device (a keyed hash of a random device token, never the token itself, never an address), and
-- contact details only with consent, sealed like other personal data (decision 014).

create table surveys (
  id              integer generated always as identity primary key,
  unit_id         integer not null references units (id),
  title           text not null check (length(title) between 2 and 100),
  intro           text not null default '' check (length(intro) <= 2000),
  -- The questions (SurveyQuestion[]), checked by the application (zod).
  questions       jsonb not null,
  -- GB/T 2260 codes (province, city or county) whose counties the region question offers.
  target_regions  jsonb not null,
  opens_at        timestamptz not null,
  closes_at       timestamptz not null,
  status          text not null default 'draft' check (status in ('draft', 'published', 'closed')),
  -- The public link's key: random, unguessable, never reused.
  token           text not null unique check (token ~ '^[A-Za-z0-9_-]{16,43}$'),
  published_at    timestamptz,
  created_by      integer references users (id),
  updated_by      integer references users (id),
  version         integer not null default 1,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  check (closes_at > opens_at)
);
create index surveys_unit_idx on surveys (unit_id, created_at desc);

create table survey_responses (
  id            integer generated always as identity primary key,
  survey_id     integer not null references surveys (id),
  -- Chosen by the answering page once per filled form: a retried submission is the same response.
  response_key  uuid not null,
  -- Keyed HMAC-SHA-256 (key id prefixed) of the survey and the page's random device token.
  device_hash   text not null,
  -- Answers by question key, without the contact (SurveyAnswers, checked by the application).
  answers       jsonb not null,
  -- Contact left with consent: an AES-256-GCM envelope (enc:v1:…) of its JSON, else null.
  contact       text,
  consented_at  timestamptz,
  created_at    timestamptz not null default now(),
  check (contact is null or consented_at is not null)
);
create unique index survey_responses_key_idx on survey_responses (survey_id, response_key);
create unique index survey_responses_device_idx on survey_responses (survey_id, device_hash);
