# shellcheck shell=bash
# Shared helpers for terrane's test-server scripts (.ci/servers/*.sh).
# Sourced, never executed. Every server binds to 127.0.0.1 only; every wait is
# bounded; PIDs live in a per-server state dir; logs are printed on failure.

TERRANE_CACHE="${TERRANE_CACHE:-/var/cache/terrane}"
TERRANE_RUN_DIR="${TERRANE_RUN_DIR:-${TMPDIR:-/tmp}/terrane-servers}"

log() { printf '[%s] %s\n' "${SERVER_NAME:-servers}" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "${SERVER_NAME:-servers}" "$*" >&2; exit 1; }

# Print the tail of each given log file to stderr (used on failure).
dump_logs() {
    local f
    for f in "$@"; do
        [ -f "$f" ] || continue
        printf '\n===== last 60 lines of %s =====\n' "$f" >&2
        tail -n 60 "$f" >&2 || true
    done
}

# Run a command quietly; on failure show its output and abort.
quiet() {
    local out rc=0
    out="$(mktemp)"
    "$@" >"$out" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        printf '[%s] command failed (exit %s): %s\n' "${SERVER_NAME:-servers}" "$rc" "$*" >&2
        tail -n 80 "$out" >&2
        rm -f "$out"
        exit "$rc"
    fi
    rm -f "$out"
}

need_root_or_tool() {
    # $1 = command that must exist, $2... = apt packages that provide it.
    local cmd="$1"; shift
    command -v "$cmd" >/dev/null 2>&1 && return 0
    apt_install "$@"
    command -v "$cmd" >/dev/null 2>&1 || die "'$cmd' still missing after installing: $*"
}

apt_install() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "need root to apt-get install ${missing[*]}"
    log "apt-get install ${missing[*]}"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
        quiet apt-get update -q
        DEBIAN_FRONTEND=noninteractive quiet apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
}

# pid_alive PIDFILE -> 0 if the recorded process is running.
pid_alive() {
    local pid
    [ -f "$1" ] || return 1
    pid="$(cat "$1")"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# stop_pid PIDFILE [NAME]: TERM the recorded PID, wait up to 15 s, then KILL.
stop_pid() {
    local pidfile="$1" name="${2:-process}" pid
    [ -f "$pidfile" ] || return 0
    pid="$(cat "$pidfile")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 150); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            log "$name (pid $pid) ignored SIGTERM; sending SIGKILL"
            kill -9 "$pid" 2>/dev/null || true
            sleep 0.2
        fi
    fi
    rm -f "$pidfile"
}

# port_in_use PORT -> 0 if something listens on 127.0.0.1:PORT.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait_until SECONDS PIDFILE LOG... -- CMD...: poll CMD every 0.25 s until it
# succeeds; fail (with logs) if the process dies or time runs out.
wait_until() {
    local secs="$1" pidfile="$2"; shift 2
    local logs=()
    while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do logs+=("$1"); shift; done
    shift
    local deadline=$((SECONDS + secs))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if "$@" >/dev/null 2>&1; then return 0; fi
        if ! pid_alive "$pidfile"; then
            dump_logs "${logs[@]}"
            die "process from $pidfile exited before becoming ready"
        fi
        sleep 0.25
    done
    dump_logs "${logs[@]}"
    die "not ready after ${secs}s: $*"
}
