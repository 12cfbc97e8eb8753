#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server, then remove the server.
#
#   scripts/ci_postgres.sh make test
#
# Starts the newest PostgreSQL found in /usr/lib/postgresql/*/bin (or $PG_BINDIR) on a
# free port of 127.0.0.1, with its data and socket in a temporary directory and trust
# authentication, creates the database "victory", and runs the command with
# DATABASE_URL=postgres://postgres@127.0.0.1:PORT/victory. Run as root (CI), the
# server runs as the "postgres" system user, since PostgreSQL refuses to run as root.
# The server is stopped and its directory removed when the command ends, even on failure.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]   (e.g. $0 make test)" >&2
  exit 64
fi

bindir=${PG_BINDIR:-}
if [ -z "$bindir" ]; then
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "PostgreSQL server programs not found in /usr/lib/postgresql/*/bin:" >&2
  echo "install them (apt-get install postgresql) or set PG_BINDIR." >&2
  exit 1
fi

if [ "$(id -u)" = 0 ]; then
  pg_user=postgres
  if ! id "$pg_user" >/dev/null 2>&1; then
    echo "Running as root but there is no 'postgres' system user to run PostgreSQL." >&2
    exit 1
  fi
  as_pg() { runuser -u "$pg_user" -- "$@"; }
else
  pg_user=$(id -un)
  as_pg() { "$@"; }
fi

python=python3
[ -x .venv/bin/python ] && python=.venv/bin/python
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

tmp=$(mktemp -d "${TMPDIR:-/tmp}/victory-pg.XXXXXX")
data="$tmp/data"
started=no
cleanup() {
  status=$?
  if [ "$started" = yes ]; then
    (cd "$tmp" && as_pg "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1) || true
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir "$tmp/socket"
[ "$(id -u)" = 0 ] && chown -R "$pg_user:" "$tmp"

# cd: the postgres user may not be allowed into the caller's directory.
(
  cd "$tmp"
  as_pg "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    --no-sync --no-instructions >"$tmp/initdb.log" 2>&1 || {
    cat "$tmp/initdb.log" >&2
    exit 1
  }
)
started=yes
# Durability is worthless for a throwaway test server; speed is not.
(
  cd "$tmp"
  as_pg "$bindir/pg_ctl" -D "$data" -l "$tmp/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || {
    cat "$tmp/server.log" >&2
    exit 1
  }
  as_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres victory
)

echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $tmp)"
DATABASE_URL="postgres://postgres@127.0.0.1:$port/victory" "$@"
