-- Per-address rate limits of the public forms, shared by every Huiju process on the database
-- (issue 10: stateless processes). One row per limiter and address for the running fixed window.
-- UNLOGGED: counters are worth losing in a crash (PostgreSQL empties the table) rather than paying
-- write-ahead log for every public request; they are not replicated to standbys either.
create unlogged table rate_limit_windows (
  key text primary key,
  hits integer not null,
  expires_at timestamptz not null
);
-- The purge deletes ended windows.
create index rate_limit_windows_expires_at on rate_limit_windows (expires_at);
