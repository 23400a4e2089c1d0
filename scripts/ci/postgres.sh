#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite, from Debian's packages.
#
#   scripts/ci/postgres.sh start   init (first time) and start; prints DATABASE_URL=...
#   scripts/ci/postgres.sh stop
#
# Its own cluster in PG_DIR (default /tmp/gebrak-postgres-<port>), on 127.0.0.1:PG_PORT
# (default 55432, away from a developer's own 5432), trusting local connections, with
# fsync off: it holds only test data. Role and database `gebrak`; the role may create
# databases because pytest-django creates test_gebrak. PostgreSQL refuses to run as
# root, so as root the server runs as the `postgres` user the Debian package made.
# Needs: apt-get install -y postgresql (the binaries under /usr/lib/postgresql/<v>/bin).
set -euo pipefail

PG_PORT=${PG_PORT:-55432}
PG_DIR=${PG_DIR:-/tmp/gebrak-postgres-$PG_PORT}
PG_DB=${PG_DB:-gebrak}

say() { printf '[postgres] %s\n' "$*" >&2; }
die() { printf '[postgres] ERROR: %s\n' "$*" >&2; exit 1; }

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
if [ -z "$bindir" ]; then
  initdb_path=$(command -v initdb) || die "PostgreSQL server not installed (apt-get install -y postgresql)"
  bindir=$(dirname "$(readlink -f "$initdb_path")")
fi

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() { as_pg "$bindir/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; }

cmd_start() {
  if ! running; then
    if [ ! -s "$PG_DIR/PG_VERSION" ]; then
      say "initdb $PG_DIR ($("$bindir/postgres" --version))"
      mkdir -p "$PG_DIR"
      as_pg test -x "$(dirname "$PG_DIR")" || die "the server's user cannot reach $(dirname "$PG_DIR")"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR"
      chmod 700 "$PG_DIR"
      as_pg "$bindir/initdb" -D "$PG_DIR" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
        --no-sync >"$PG_DIR.initdb.log" 2>&1 || { cat "$PG_DIR.initdb.log" >&2; die "initdb failed"; }
    fi
    say "starting on 127.0.0.1:$PG_PORT"
    as_pg "$bindir/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      >/dev/null || { tail -n 30 "$PG_DIR/server.log" >&2; die "server did not start"; }
  fi
  local psql=("$bindir/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qtAX -v ON_ERROR_STOP=1)
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_DB'")" != 1 ]; then
    "${psql[@]}" -c "CREATE ROLE $PG_DB LOGIN CREATEDB"
  fi
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != 1 ]; then
    "${psql[@]}" -c "CREATE DATABASE $PG_DB OWNER $PG_DB"
  fi
  echo "DATABASE_URL=postgres://$PG_DB@127.0.0.1:$PG_PORT/$PG_DB"
}

cmd_stop() {
  running || return 0
  say "stopping"
  as_pg "$bindir/pg_ctl" -D "$PG_DIR" -m fast -w stop >/dev/null
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  *) sed -n '2,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
