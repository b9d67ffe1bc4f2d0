#!/usr/bin/env bash
# moto server (a local AWS API) for terrane's tests.
#
#   moto.sh install  create/reuse the cached virtualenv with moto[server]
#   moto.sh start    install if needed, start moto_server on 127.0.0.1, wait
#   moto.sh stop     stop it by recorded PID and remove its run dir
#   moto.sh reset    POST /moto-api/reset (drop all AWS state)
#   moto.sh env      print `export TERRANE_MOTO_ENDPOINT=...` etc.
#   moto.sh status   exit 0 if it is running and answering
#
# See docs/test-servers.md.
set -euo pipefail
SERVER_NAME=moto
# shellcheck source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"

MOTO_VERSION="${MOTO_VERSION:-5.2.5}"
MOTO_PORT="${MOTO_PORT:-5000}"
MOTO_VENV="${MOTO_VENV:-$TERRANE_CACHE/moto/venv-$MOTO_VERSION}"
PYTHON="${PYTHON:-python3}"
RUN="$TERRANE_RUN_DIR/moto"
URL="http://127.0.0.1:$MOTO_PORT"

venv_ok() {
    [ -x "$MOTO_VENV/bin/moto_server" ] && [ "$("$MOTO_VENV/bin/python" -c \
        'import moto, moto.server, flask, boto3; print(moto.__version__)' 2>/dev/null)" = "$MOTO_VERSION" ]
}

do_install() {
    venv_ok && return 0
    mkdir -p "$(dirname "$MOTO_VENV")"
    exec 9>"$(dirname "$MOTO_VENV")/install.lock"
    flock -w 600 9 || die "timed out waiting for another moto install"
    venv_ok && return 0
    log "creating $MOTO_VENV (moto[server]==$MOTO_VERSION)"
    if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
        apt_install python3-venv
        PYTHON=/usr/bin/python3
    fi
    # A half-built venv fails venv_ok and is rebuilt from scratch next time.
    rm -rf "$MOTO_VENV"
    quiet "$PYTHON" -m venv "$MOTO_VENV"
    quiet "$MOTO_VENV/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION"
    venv_ok || die "virtualenv $MOTO_VENV does not import moto $MOTO_VERSION after install"
}

answering() {
    curl -fsS --max-time 2 -o /dev/null "$URL/moto-api/data.json"
}

do_start() {
    if pid_alive "$RUN/moto.pid" && answering; then return 0; fi
    do_install
    stop_pid "$RUN/moto.pid" moto_server
    port_in_use "$MOTO_PORT" && die "127.0.0.1:$MOTO_PORT is already in use (set MOTO_PORT)"
    mkdir -p "$RUN"
    MOTO_ACM_VALIDATION_WAIT=0 setsid "$MOTO_VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" \
        </dev/null >"$RUN/moto.log" 2>&1 &
    echo $! >"$RUN/moto.pid"
    trap 'rc=$?; if [ "$rc" -ne 0 ]; then stop_pid "$RUN/moto.pid" moto_server; fi' EXIT
    wait_until 60 "$RUN/moto.pid" "$RUN/moto.log" -- answering
    trap - EXIT
}

do_stop() {
    stop_pid "$RUN/moto.pid" moto_server
    rm -rf "$RUN"
}

do_reset() {
    curl -fsS --max-time 10 -X POST -o /dev/null "$URL/moto-api/reset" \
        || { dump_logs "$RUN/moto.log"; die "reset failed: is moto running on $URL?"; }
}

do_env() {
    echo "export TERRANE_MOTO_ENDPOINT=$URL"
    echo "export TERRANE_MOTO_REGION=us-east-1"
    echo "export TERRANE_MOTO_ACCESS_KEY_ID=testing"
    echo "export TERRANE_MOTO_SECRET_ACCESS_KEY=testing"
}

case "${1:-}" in
    install) do_install ;;
    start) do_start ;;
    stop) do_stop ;;
    reset) do_reset ;;
    env) do_env ;;
    status) pid_alive "$RUN/moto.pid" && answering ;;
    *) echo "usage: $0 install|start|stop|reset|env|status" >&2; exit 2 ;;
esac
