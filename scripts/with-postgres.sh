#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL 15 server (Debian's binaries) on a loopback port,
# exporting TEST_DATABASE_URL, and stops and removes the server afterwards.
# Usage: scripts/with-postgres.sh <command> [args...]
set -uo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PGBIN/postgres" ]; then
  echo "with-postgres: $PGBIN/postgres not found (apt-get install -y postgresql-15)" >&2
  exit 2
fi

# postgres refuses to run as root: run it as a dedicated user.
RUN_AS=()
if [ "$(id -u)" = "0" ]; then
  id huiju-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin huiju-pg
  RUN_AS=(runuser -u huiju-pg --)
fi

PGROOT=$(mktemp -d /tmp/huiju-pg.XXXXXX)
chmod 755 "$PGROOT"
[ "$(id -u)" = "0" ] && chown huiju-pg "$PGROOT"
PORT=${PGPORT_FOR_TESTS:-$(( 20000 + RANDOM % 20000 ))}

stop_pg() {
  "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$PGROOT"
}
trap stop_pg EXIT

"${RUN_AS[@]}" "$PGBIN/initdb" -D "$PGROOT/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PGROOT/initdb.log" 2>&1 \
  || { cat "$PGROOT/initdb.log" >&2; exit 2; }
# fsync off and asynchronous commit: fast and safe enough for a database thrown away after the run.
"${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w -t 60 \
  -o "-p $PORT -k $PGROOT -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$PGROOT/server.log" >&2; exit 2; }

export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
echo "with-postgres: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT" >&2
"$@"
