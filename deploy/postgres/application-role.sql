-- The application's own, less privileged PostgreSQL role (issue 9: the audit log is append-only).
--
-- Run by the database OWNER (the role that ran `npx huiju migrate` and owns every table), after the
-- migrations, on the Huiju database:
--
--   psql "postgres://owner@dbhost/huiju" -v ON_ERROR_STOP=1 \
--        -v app_role=huiju_app -v app_password='…' -f deploy/postgres/application-role.sql
--
-- then start the server with DATABASE_URL=postgres://huiju_app:…@dbhost/huiju. Running it again is
-- harmless (it also resets the password). Re-run it after each `huiju migrate` as well: default
-- privileges cover new tables, but a migration could re-grant on audit_log.
--
-- What the role may do: read and write every table, except that audit_log takes only INSERT and
-- SELECT (UPDATE, DELETE, TRUNCATE refused with SQLSTATE 42501 before the append-only trigger is
-- even reached) and audit_chain only SELECT and UPDATE: the chain trigger runs with the inserting
-- role's privileges and moves the head row (SELECT … FOR UPDATE, then UPDATE). Moving the head or
-- the anchor by hand cannot hide a changed audit row: `huiju audit verify` recomputes every hash and
-- names the break.
--
-- Owner-only operations, run with the owner's DATABASE_URL, never the application's:
--   npx huiju migrate                      (creates and alters tables)
--   npx huiju audit purge --before DATE    (DELETE on audit_log, refused to this role)
--   npx huiju restore …                    (rewrites every table with triggers disabled)
-- Migrations run at server start too: under this role they find nothing to apply and create nothing
-- (a pending migration fails with "permission denied": run `huiju migrate` as the owner first).
-- On a database created before PostgreSQL 15, PUBLIC may still hold CREATE on schema public: the
-- owner should `revoke create on schema public from public` so this role cannot create tables.

\set ON_ERROR_STOP on

-- Create the role when absent, else reset its password (psql variables are not expanded inside
-- a DO block, hence format() + \gexec).
select format('create role %I login password %L', :'app_role', :'app_password')
  where not exists (select from pg_roles where rolname = :'app_role') \gexec
select format('alter role %I login password %L', :'app_role', :'app_password')
  where exists (select from pg_roles where rolname = :'app_role') \gexec

grant connect on database :"DBNAME" to :"app_role";
grant usage on schema public to :"app_role";

grant select, insert, update, delete on all tables in schema public to :"app_role";
grant usage, select on all sequences in schema public to :"app_role";

-- Tables and sequences the owner creates later (new migrations) get the same grants.
alter default privileges in schema public grant select, insert, update, delete on tables to :"app_role";
alter default privileges in schema public grant usage, select on sequences to :"app_role";

-- Append-only: the audit rows and the chain head.
revoke update, delete, truncate, references, trigger on audit_log from :"app_role";
revoke insert, delete, truncate, references, trigger on audit_chain from :"app_role";
-- Migration bookkeeping is the owner's: the server only reads it at start.
revoke insert, update, delete, truncate on schema_migrations from :"app_role";
