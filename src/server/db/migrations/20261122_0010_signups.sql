-- Sign-ups for published activities (lectures, exhibitions, 科普进校园): the organising unit opens
-- sign-up with a capacity and a deadline; the public signs up with a name and a mobile number,
-- gets a code (and a check-in QR code of it), waits in line when the activity is full, cancels
-- with the code; the organiser checks people in at the door. Names and mobile numbers are seen
-- only by the organising unit (masked for units above it) and never on a public route.

create table activity_signup_settings (
  activity_id  integer primary key references activities (id),
  enabled      boolean not null default true,
  capacity     integer not null check (capacity between 1 and 100000),
  deadline     timestamptz not null,
  updated_by   integer references users (id),
  version      integer not null default 1,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);

create table activity_signups (
  id             integer generated always as identity primary key,
  activity_id    integer not null references activities (id),
  name           text not null check (length(name) between 1 and 30),
  mobile         text not null check (mobile ~ '^1[3-9][0-9]{9}$'),
  -- School or unit, optional.
  affiliation    text check (length(affiliation) <= 60),
  -- What the attendee keeps: cancels with it and shows it (as a QR code) at the door.
  code           text not null unique check (code ~ '^[A-Z2-9]{10}$'),
  -- The waiting list is ordered by id: the earliest waiting is promoted when a place frees up.
  status         text not null check (status in ('confirmed', 'waitlisted', 'cancelled')),
  promoted_at    timestamptz,
  cancelled_at   timestamptz,
  checked_in_at  timestamptz,
  checked_in_by  integer references users (id),
  ip             text,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  -- A checked-in attendee holds a confirmed place.
  check (checked_in_at is null or status = 'confirmed')
);
-- One place per mobile number and activity (a second sign-up with the same number is the same one).
create unique index activity_signups_mobile_idx on activity_signups (activity_id, mobile) where status <> 'cancelled';
create index activity_signups_activity_idx on activity_signups (activity_id, status, id);
