#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for terrane's team state backend tests.
#
#   postgres.sh start   initdb (as a dedicated user) and start on 127.0.0.1
#   postgres.sh stop    stop it and delete the cluster
#   postgres.sh env     print `export TERRANE_PG_URL=...`
#   postgres.sh status  exit 0 if it is running and accepting connections
#
# Trust authentication, no fsync: for tests only. See docs/test-servers.md.
set -euo pipefail
SERVER_NAME=postgres
# shellcheck source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"

PG_PORT="${PG_PORT:-55432}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_USER="${PG_USER:-terrane-pg}"   # OS user that owns the cluster (initdb refuses root)
RUN="$TERRANE_RUN_DIR/postgres"
DATA="$RUN/data"
URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"

as_pg() {
    if [ "$(id -un)" = "$PG_USER" ]; then "$@"; else runuser -u "$PG_USER" -- "$@"; fi
}

ensure_user() {
    id -u "$PG_USER" >/dev/null 2>&1 && return 0
    [ "$(id -u)" -eq 0 ] || die "OS user $PG_USER is missing and only root can create it"
    quiet useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_USER"
}

accepting() {
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2
}

do_start() {
    if pid_alive "$RUN/postgres.pid" && accepting; then return 0; fi
    [ -x "$PG_BIN/initdb" ] || apt_install postgresql
    [ -x "$PG_BIN/initdb" ] || die "$PG_BIN/initdb is missing even after installing postgresql"
    if [ "$(id -u)" -eq 0 ]; then ensure_user; else PG_USER="$(id -un)"; fi
    do_stop
    port_in_use "$PG_PORT" && die "127.0.0.1:$PG_PORT is already in use (set PG_PORT)"
    mkdir -p "$RUN"
    # The cluster owner must be able to reach the run dir.
    chmod 0755 "$TERRANE_RUN_DIR" "$RUN" 2>/dev/null || true
    install -d -m 0700 -o "$PG_USER" "$DATA"
    quiet as_pg "$PG_BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync
    local rc=0
    as_pg "$PG_BIN/pg_ctl" -D "$DATA" -w -t 60 -l "$DATA/server.log" \
        -o "-k $DATA -h 127.0.0.1 -p $PG_PORT -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
        start >"$RUN/pg_ctl.out" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        dump_logs "$RUN/pg_ctl.out" "$DATA/server.log"
        die "pg_ctl start failed (exit $rc)"
    fi
    head -n1 "$DATA/postmaster.pid" >"$RUN/postgres.pid"
    accepting || { dump_logs "$DATA/server.log"; die "started but not accepting connections on 127.0.0.1:$PG_PORT"; }
}

do_stop() {
    if pid_alive "$RUN/postgres.pid"; then
        as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    fi
    stop_pid "$RUN/postgres.pid" postgres
    rm -rf "$RUN"
}

case "${1:-}" in
    start) do_start ;;
    stop) do_stop ;;
    env) echo "export TERRANE_PG_URL=$URL" ;;
    status) pid_alive "$RUN/postgres.pid" && accepting ;;
    *) echo "usage: $0 start|stop|env|status" >&2; exit 2 ;;
esac
