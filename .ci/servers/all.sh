#!/usr/bin/env bash
# Start/stop several of terrane's test servers at once.
#
#   all.sh prepare [moto] [kube] [postgres]  background installs/builds; returns at once
#   all.sh start   [moto] [kube] [postgres]  wait for those, then start the servers
#   all.sh stop    [moto] [kube] [postgres]  stop them (default: all)
#   all.sh env     [moto] [kube] [postgres]  print the export lines of each
#   all.sh status  [moto] [kube] [postgres]  exit 0 if all named are up
#
# With no server names, all three are meant. `prepare` lets CI overlap the
# slow one-off work (kube build ~15 min cold, moto venv ~30 s) with cargo.
# If one server fails to start, the ones this call started are stopped again.
set -euo pipefail
SERVER_NAME=all
HERE="$(dirname "$(readlink -f "$0")")"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

cmd="${1:-}"
[ "$#" -gt 0 ] && shift
servers=("$@")
[ "${#servers[@]}" -gt 0 ] || servers=(moto kube postgres)
for s in "${servers[@]}"; do
    case "$s" in moto | kube | postgres) ;; *) die "unknown server '$s' (moto, kube, postgres)" ;; esac
done

prepare() {
    local s
    mkdir -p "$TERRANE_RUN_DIR"
    for s in "${servers[@]}"; do
        case "$s" in
            kube) "$HERE/kube.sh" build-bg ;;
            moto)
                # moto.sh install takes a lock, so a later `start` waits for this.
                setsid "$HERE/moto.sh" install </dev/null >"$TERRANE_RUN_DIR/moto-install.out" 2>&1 &
                ;;
            postgres) ;; # nothing slow to prepare
        esac
    done
}

start() {
    local s started=()
    for s in "${servers[@]}"; do
        if [ "$s" = kube ]; then "$HERE/kube.sh" wait-build || { stop_list "${started[@]}"; exit 1; }; fi
        if ! "$HERE/$s.sh" start; then
            log "$s failed to start; stopping the servers started here"
            stop_list "${started[@]}" "$s"
            exit 1
        fi
        started+=("$s")
    done
}

stop_list() {
    local s rc=0
    for s in "$@"; do "$HERE/$s.sh" stop || rc=1; done
    return "$rc"
}

case "$cmd" in
    prepare) prepare ;;
    start) start ;;
    stop) stop_list "${servers[@]}" ;;
    env) for s in "${servers[@]}"; do "$HERE/$s.sh" env; done ;;
    status) for s in "${servers[@]}"; do "$HERE/$s.sh" status || { log "$s is not running"; exit 1; }; done ;;
    *) echo "usage: $0 prepare|start|stop|env|status [moto] [kube] [postgres]" >&2; exit 2 ;;
esac
