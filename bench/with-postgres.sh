#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL 15 (scripts/with-postgres.sh: Debian's binaries, a
# dedicated non-root user, a loopback port, removed afterwards) and BENCH_DATABASE_URL set to it.
# Usage: bench/with-postgres.sh npm run bench -- --quick
set -uo pipefail
cd "$(dirname "$0")/.."
exec scripts/with-postgres.sh bash -c 'BENCH_DATABASE_URL="$TEST_DATABASE_URL" exec "$@"' with-postgres "$@"
