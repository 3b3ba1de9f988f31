-- Optimistic concurrency on the remaining edits (issue 9): each edit carries the version it was
-- made from and a stale one is refused (409 stale_version), so nothing is overwritten unseen.
-- Round reviewers and the decision use evaluation_rounds.version, reminder settings the task's
-- version and the export permission the account's version; these records had none.

-- Eligibility and hand-assigned experts of one candidate.
alter table evaluation_candidates add column version integer not null default 1;
-- An expert's own scores of one candidate (two tabs of the same expert).
alter table evaluation_assignments add column version integer not null default 1;
-- A unit's own mail template; a kind never customised is version 0 (no row).
alter table mail_templates add column version integer not null default 1;
-- The showcase column's moderator units, a list kept apart from the campaign's own version.
alter table campaigns add column moderators_version integer not null default 1;
