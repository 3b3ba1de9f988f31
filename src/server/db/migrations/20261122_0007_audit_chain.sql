-- Audit hash chain (issue 9, decision 007).
--
-- Every audit row carries its place in the chain (chain_seq), the hash of the row before it
-- (prev_hash) and its own hash: row_hash = sha256_hex(prev_hash || canonical content). The
-- canonical content is each field as "<bytes>:<text>" (or "-" for null) joined by "|", in this order:
-- chain_seq, id, occurred_at in epoch microseconds, actor_user_id, actor_username, actor_unit_id,
-- unit_id, action, target_type, target_id, outcome, ip, details::text (jsonb's normalised text).
-- src/server/features/audit/chain.ts recomputes the same in TypeScript to verify the chain.
--
-- The head of the chain is one row in audit_chain, locked (SELECT … FOR UPDATE) by the insert
-- trigger: concurrent writers take their place one after another on PostgreSQL, and a writer in a
-- REPEATABLE READ transaction that raced another fails with a serialisation error rather than
-- forking the chain. The anchor is where the chain starts: all zeros, or after a purge the hash of
-- the last purged row.

alter table audit_log
  add column chain_seq bigint,
  add column prev_hash text,
  add column row_hash  text;

create table audit_chain (
  id            boolean primary key default true check (id),
  head_seq      bigint not null,
  head_hash     text not null,
  anchor_seq    bigint not null,
  anchor_hash   text not null,
  -- The --before date of the last purge, and when it ran.
  anchor_before timestamptz,
  purged_at     timestamptz
);

create function audit_chain_field(v text) returns text language sql immutable as $$
  select coalesce(octet_length(v)::text || ':' || v, '-')
$$;

create function audit_log_row_hash(prev text, r audit_log) returns text language sql stable as $$
  select encode(sha256(convert_to(prev || concat_ws('|',
    audit_chain_field(r.chain_seq::text),
    audit_chain_field(r.id::text),
    audit_chain_field(((extract(epoch from r.occurred_at) * 1000000)::bigint)::text),
    audit_chain_field(r.actor_user_id::text),
    audit_chain_field(r.actor_username),
    audit_chain_field(r.actor_unit_id::text),
    audit_chain_field(r.unit_id::text),
    audit_chain_field(r.action),
    audit_chain_field(r.target_type),
    audit_chain_field(r.target_id),
    audit_chain_field(r.outcome),
    audit_chain_field(r.ip),
    audit_chain_field(r.details::text)
  ), 'UTF8')), 'hex')
$$;

-- Chain the rows written before this migration, in id order.
insert into audit_chain (id, head_seq, head_hash, anchor_seq, anchor_hash)
  values (true, 0, repeat('0', 64), 0, repeat('0', 64));

alter table audit_log disable trigger audit_log_append_only;
do $$
declare
  r audit_log;
  seq bigint := 0;
  prev text := repeat('0', 64);
begin
  for r in select * from audit_log order by id loop
    seq := seq + 1;
    r.chain_seq := seq;
    r.prev_hash := prev;
    r.row_hash := audit_log_row_hash(prev, r);
    update audit_log set chain_seq = r.chain_seq, prev_hash = r.prev_hash, row_hash = r.row_hash where id = r.id;
    prev := r.row_hash;
  end loop;
  update audit_chain set head_seq = seq, head_hash = prev where id;
end;
$$;
alter table audit_log enable trigger audit_log_append_only;

alter table audit_log
  alter column chain_seq set not null,
  alter column prev_hash set not null,
  alter column row_hash set not null;
create unique index audit_log_chain_seq_idx on audit_log (chain_seq);

create function audit_log_chain() returns trigger language plpgsql as $$
declare
  head audit_chain%rowtype;
begin
  select * into head from audit_chain where id for update;
  if not found then
    raise exception 'audit_chain has no head row';
  end if;
  new.chain_seq := head.head_seq + 1;
  new.prev_hash := head.head_hash;
  new.row_hash := audit_log_row_hash(new.prev_hash, new);
  update audit_chain set head_seq = new.chain_seq, head_hash = new.row_hash where id;
  return new;
end;
$$;

create trigger audit_log_chain before insert on audit_log
  for each row execute function audit_log_chain();

-- Still append-only, with one exception: the documented purge (`huiju audit purge`) may delete rows
-- older than the six-month retention floor, inside a transaction that set huiju.audit_purge = 'on'.
-- It removes a prefix of the chain and records the last removed hash as the new anchor, so what
-- remains still verifies. Updates and truncation stay refused.
create or replace function audit_log_refuse_change() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' and current_setting('huiju.audit_purge', true) = 'on' then
    if old.occurred_at < now() - interval '6 months' then
      return old;
    end if;
    raise exception 'audit_log rows younger than six months cannot be purged (row %)', old.id;
  end if;
  raise exception 'audit_log is append-only';
end;
$$;
