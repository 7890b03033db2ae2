#!/usr/bin/env bash
# A private PostgreSQL server on loopback, started and stopped by the project itself
# (for the store's PostgreSQL support and its tests, which are not built yet).
#
#   scripts/postgres.sh start    # install Debian's postgresql if missing, start a cluster of its own
#                                # on 127.0.0.1 (an unused port), print its database URL as the last line
#   scripts/postgres.sh url      # the running cluster's URL (exit 1 when none runs)
#   scripts/postgres.sh stop     # stop it (its data stays in .postgres/ until you delete it)
#
# The cluster lives in .postgres/ at the project's root (data, socket, log), listens on
# loopback only and trusts local connections: it is for tests and trials, never for
# data that matters. Without apt or root, `start` says why and exits 3.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HOME_DIR=${RW_POSTGRES_DIR:-$ROOT/.postgres}
DATA=$HOME_DIR/data
PORT_FILE=$HOME_DIR/port
DB=rivalwatch

say() { echo "postgres.sh: $*" >&2; }

bin_dir() {
  local ctl
  ctl=$(command -v pg_ctl 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -1)
  [ -n "$ctl" ] && dirname "$(readlink -f "$ctl")"
}

install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    say "no pg_ctl and no apt-get here: install PostgreSQL yourself"; exit 3
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo -n"
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get install -y -q --no-install-recommends postgresql >/dev/null 2>&1; then
    $sudo apt-get update -q >/dev/null 2>&1 || true
    $sudo apt-get install -y -q --no-install-recommends postgresql >/dev/null || {
      say "could not install postgresql with apt-get (root or sudo needed)"; exit 3; }
  fi
}

# PostgreSQL refuses to run as root: as root, the cluster runs as the postgres user.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

url() { echo "postgresql://$(owner_name)@127.0.0.1:$(cat "$PORT_FILE")/$DB"; }
owner_name() { if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi; }

running() { [ -f "$PORT_FILE" ] && [ -n "$(bin_dir)" ] && as_owner "$(bin_dir)/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

start() {
  if running; then
    url; return 0
  fi
  [ -n "$(bin_dir)" ] || install
  local bin; bin=$(bin_dir)
  [ -n "$bin" ] || { say "PostgreSQL installed but pg_ctl not found"; exit 3; }
  mkdir -p "$HOME_DIR"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$HOME_DIR"
  fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$DATA" -U "$(owner_name)" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null \
      || { say "initdb failed"; exit 1; }
  fi
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_owner "$bin/pg_ctl" -D "$DATA" -l "$HOME_DIR/server.log" -w -t 60 \
    -o "-p $port -k $HOME_DIR -c listen_addresses=127.0.0.1" start >/dev/null \
    || { say "the server did not start; see $HOME_DIR/server.log"; exit 1; }
  echo "$port" > "$PORT_FILE"
  if ! as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U "$(owner_name)" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$(owner_name)" "$DB" || { say "createdb failed"; exit 1; }
  fi
  url
}

stop() {
  if running; then
    as_owner "$(bin_dir)/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null && say "stopped"
  else
    say "no cluster runs from $DATA"
  fi
  rm -f "$PORT_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) if running; then url; else say "no cluster runs from $DATA"; exit 1; fi ;;
  *) echo "usage: scripts/postgres.sh start|url|stop" >&2; exit 2 ;;
esac
