#!/usr/bin/env bash
# Makes this machine a hot standby of the primary (PostgreSQL 15, Debian paths). Run as root on the
# standby, with the cluster stopped and empty. The primary's pg_hba.conf must allow
#   host replication replicator <standby-ip>/32 scram-sha-256
# and the role: CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '…';
set -euo pipefail
PRIMARY_HOST=${1:?usage: standby-setup.sh <primary-host>}
DATA=/var/lib/postgresql/15/main
systemctl stop postgresql@15-main
rm -rf "$DATA"
# -R writes standby.signal and primary_conninfo: the copy follows the primary from now on.
runuser -u postgres -- pg_basebackup -h "$PRIMARY_HOST" -U replicator -D "$DATA" -R -X stream -P
systemctl start postgresql@15-main
runuser -u postgres -- psql -c 'select pg_is_in_recovery(), pg_last_wal_replay_lsn();'
