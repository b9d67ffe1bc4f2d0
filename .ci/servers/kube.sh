#!/usr/bin/env bash
# Real Kubernetes API for terrane's tests: etcd + kube-apiserver +
# kube-controller-manager, built from Debian 12's Kubernetes 1.20.2 source.
#
#   kube.sh build       build the binaries into the cache (no-op when cached)
#   kube.sh build-bg    start `build` in the background (returns at once)
#   kube.sh wait-build  wait for a background build (or build now if none ran)
#   kube.sh start       start etcd, kube-apiserver, kube-controller-manager
#   kube.sh stop        stop them by recorded PID and remove the run dir
#   kube.sh env         print `export TERRANE_KUBECONFIG=...` etc.
#   kube.sh status      exit 0 if all three processes are running
#
# Everything listens on 127.0.0.1 only. See docs/test-servers.md.
set -euo pipefail
SERVER_NAME=kube
# shellcheck source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"

KUBE_VERSION="${KUBE_VERSION:-v1.20.2}"
KUBE_PORT="${KUBE_PORT:-6443}"
ETCD_PORT="${ETCD_PORT:-2379}"
ETCD_PEER_PORT="${ETCD_PEER_PORT:-$((ETCD_PORT + 1))}"
KUBE_CACHE="$TERRANE_CACHE/kube"
KUBE_BIN_DIR="$KUBE_CACHE/$KUBE_VERSION/bin"
KUBE_BUILD_LOG="$KUBE_CACHE/build-$KUBE_VERSION.log"
KUBE_BUILD_TIMEOUT="${KUBE_BUILD_TIMEOUT:-2400}"
# Lower priority so a concurrent cargo build keeps most of the CPU; `go`
# still uses every core that is otherwise idle.
KUBE_BUILD_NICE="${KUBE_BUILD_NICE:-10}"
RUN="$TERRANE_RUN_DIR/kube"
STATE="$TERRANE_RUN_DIR/kube-build"   # background-build bookkeeping
KUBECONFIG_PATH="$RUN/kubeconfig"
BINS=(kube-apiserver kube-controller-manager)
# Identifies how the cached binaries were made; a cache built by another
# recipe is rebuilt. Bump it whenever the build steps below change.
KUBE_RECIPE="debian-src+reflect2-1.0.2"

have_bins() {
    local b
    for b in "${BINS[@]}"; do
        [ -x "$KUBE_BIN_DIR/$b" ] || return 1
    done
    [ "$(cat "$KUBE_BIN_DIR/RECIPE" 2>/dev/null)" = "$KUBE_RECIPE" ] || return 1
    "$KUBE_BIN_DIR/kube-apiserver" --version 2>/dev/null | grep -qx "Kubernetes $KUBE_VERSION"
}

# apt-get with a private deb-src list: /etc/apt is not touched.
private_apt() {
    local p="$KUBE_CACHE/apt"
    mkdir -p "$p/sources.list.d" "$p/lists/partial" "$p/cache/archives/partial"
    cat >"$p/sources.list.d/debian-src.sources" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    apt-get -q \
        -o Dir::Etc::SourceList=/dev/null \
        -o Dir::Etc::SourceParts="$p/sources.list.d" \
        -o Dir::State::Lists="$p/lists" \
        -o Dir::Cache="$p/cache" \
        -o APT::Sandbox::User=root \
        "$@"
}

do_build() {
    if have_bins; then return 0; fi
    mkdir -p "$KUBE_CACHE"
    exec 9>"$KUBE_CACHE/build.lock"
    if ! flock -n 9; then
        log "another build holds $KUBE_CACHE/build.lock; waiting (max ${KUBE_BUILD_TIMEOUT}s)"
        flock -w "$KUBE_BUILD_TIMEOUT" 9 || die "timed out waiting for the build lock"
        have_bins && return 0
        die "the concurrent build finished without producing binaries (see $KUBE_BUILD_LOG)"
    fi
    apt_install golang-go dpkg-dev rsync etcd-server
    local start=$SECONDS work="$KUBE_CACHE/build-$KUBE_VERSION" src dsc r2 took
    rm -rf "$work"
    : >"$KUBE_BUILD_LOG"
    mkdir -p "$work"
    log "building kube-apiserver + kube-controller-manager $KUBE_VERSION (log: $KUBE_BUILD_LOG)"
    local rc=0
    set +e
    (
        set -e
        echo "== $(date -u +%FT%TZ) build of $KUBE_VERSION"
        quiet private_apt update
        # Extract (and apply Debian's patches) with dpkg-source via apt-get.
        (cd "$work" && private_apt source kubernetes)
        src="$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'kubernetes-*' | head -n1)"
        [ -n "$src" ] || die "apt-get source kubernetes produced no source directory"
        dsc="$(basename "$(find "$work" -maxdepth 1 -name '*.dsc' | head -n1)")"
        case "$dsc" in
            *"really${KUBE_VERSION#v}"* | kubernetes_"${KUBE_VERSION#v}"-*) ;;
            *) die "Debian's source is $dsc, not Kubernetes $KUBE_VERSION" ;;
        esac
        echo "== source: $dsc"
        # The vendored modern-go/reflect2 v1.0.1 breaks under Go >= 1.18: every
        # JSON request body with a map (labels, ConfigMap data) makes the
        # apiserver panic in reflect2.Type2 (nil pointer). v1.0.2 fixes that
        # with the same API; take it from Debian's own source package.
        (cd "$work" && private_apt source golang-github-modern-go-reflect2)
        r2="$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'golang-github-modern-go-reflect2-*' | head -n1)"
        if [ -z "$r2" ] || [ ! -f "$r2/go_above_118.go" ]; then
            die "Debian's reflect2 source is not v1.0.2+ (no go_above_118.go)"
        fi
        rm -f "$src"/vendor/github.com/modern-go/reflect2/*.go "$src"/vendor/github.com/modern-go/reflect2/*.s
        find "$r2" -maxdepth 1 \( -name '*.go' -o -name '*.s' \) ! -name '*_test.go' \
            -exec cp {} "$src/vendor/github.com/modern-go/reflect2/" \;
        echo "== vendored reflect2 replaced by $(basename "$r2")"
        # Same build as debian/rules: GOPATH mode, everything vendored, offline.
        (
            cd "$src"
            export GOPATH="$src/.go" HOME="$work/home" CGO_ENABLED=0 \
                GOPROXY=off GOFLAGS='' GO111MODULE=off \
                KUBE_GIT_VERSION="$KUBE_VERSION" KUBE_GIT_TREE_STATE=archive
            export PATH="/usr/lib/go/bin:$PATH"
            [ -n "${KUBE_BUILD_GOMAXPROCS:-}" ] && export GOMAXPROCS="$KUBE_BUILD_GOMAXPROCS"
            mkdir -p .go/src/k8s.io "$HOME"
            [ -L .go/src/k8s.io/kubernetes ] || ln -s ../../.. .go/src/k8s.io/kubernetes
            nice -n "$KUBE_BUILD_NICE" make WHAT="cmd/kube-apiserver cmd/kube-controller-manager"
        )
        mkdir -p "$KUBE_BIN_DIR.tmp"
        local b
        for b in "${BINS[@]}"; do
            install -m 0755 "$src/_output/bin/$b" "$KUBE_BIN_DIR.tmp/$b"
        done
        echo "$dsc" >"$KUBE_BIN_DIR.tmp/SOURCE"
        echo "$KUBE_RECIPE" >"$KUBE_BIN_DIR.tmp/RECIPE"
        rm -rf "$KUBE_BIN_DIR"
        mv "$KUBE_BIN_DIR.tmp" "$KUBE_BIN_DIR"
        echo "== $(date -u +%FT%TZ) done in $((SECONDS - start))s"
    ) >>"$KUBE_BUILD_LOG" 2>&1
    rc=$?
    set -e
    if [ "$rc" -ne 0 ]; then
        dump_logs "$KUBE_BUILD_LOG"
        die "build failed (exit $rc) after $((SECONDS - start))s (full log: $KUBE_BUILD_LOG; sources kept in $work)"
    fi
    took=$((SECONDS - start))
    have_bins || { dump_logs "$KUBE_BUILD_LOG"; die "build produced unusable binaries"; }
    echo "$took" >"$KUBE_BIN_DIR/build-seconds"
    # The source tree + Go cache is ~2 GB; drop it unless asked to keep it.
    [ "${KUBE_KEEP_BUILD:-0}" = 1 ] || rm -rf "$work"
    log "built in ${took}s (cleanup $((SECONDS - start - took))s); binaries in $KUBE_BIN_DIR"
}

build_bg() {
    have_bins && return 0
    mkdir -p "$STATE"
    if pid_alive "$STATE/build.pid"; then return 0; fi
    rm -f "$STATE/build.rc"
    # shellcheck disable=SC2016 # expanded by the inner bash
    # setsid: the build survives the caller's shell; its exit code lands in build.rc.
    setsid bash -c '"$0" build >"$1/build.out" 2>&1; echo $? >"$1/build.rc"' \
        "$(readlink -f "$0")" "$STATE" </dev/null >/dev/null 2>&1 &
    echo $! >"$STATE/build.pid"
    log "background build started (pid $!, output $STATE/build.out)"
}

wait_build() {
    have_bins && return 0
    if pid_alive "$STATE/build.pid"; then
        local deadline=$((SECONDS + KUBE_BUILD_TIMEOUT))
        log "waiting for background build (pid $(cat "$STATE/build.pid"))"
        while pid_alive "$STATE/build.pid"; do
            # Binaries in place: the rest is deleting the build tree.
            have_bins && return 0
            [ "$SECONDS" -lt "$deadline" ] || die "background build still running after ${KUBE_BUILD_TIMEOUT}s"
            sleep 5
        done
    fi
    if [ -f "$STATE/build.rc" ] && [ "$(cat "$STATE/build.rc")" != 0 ]; then
        cat "$STATE/build.out" >&2 || true
        die "background build failed (exit $(cat "$STATE/build.rc"))"
    fi
    have_bins || do_build
}

# Print only the self-signed CA certificate from the apiserver's bundle.
extract_ca() {
    local bundle="$1" tmp n i subj iss
    tmp="$(mktemp -d)"
    awk -v d="$tmp" '/-----BEGIN CERTIFICATE-----/{n++} n{print > (d "/" n ".pem")}' "$bundle"
    n="$(find "$tmp" -name '*.pem' | wc -l)"
    for i in $(seq 1 "$n"); do
        subj="$(openssl x509 -in "$tmp/$i.pem" -noout -subject -nameopt RFC2253)"
        iss="$(openssl x509 -in "$tmp/$i.pem" -noout -issuer -nameopt RFC2253)"
        if [ "${subj#subject=}" = "${iss#issuer=}" ]; then
            cat "$tmp/$i.pem"
            rm -rf "$tmp"
            return 0
        fi
    done
    rm -rf "$tmp"
    return 1
}

write_kubeconfig() {
    local out="$1" user="$2"
    cat >"$out.tmp" <<KC
apiVersion: v1
kind: Config
clusters:
- name: terrane
  cluster:
    server: https://127.0.0.1:$KUBE_PORT
    certificate-authority-data: $(base64 -w0 "$RUN/ca.crt")
users:
- name: $user
  user:
    token: $(cat "$RUN/token")
contexts:
- name: terrane
  context:
    cluster: terrane
    user: $user
    namespace: default
current-context: terrane
KC
    chmod 0600 "$out.tmp"
    mv "$out.tmp" "$out"
}

readyz() {
    curl -fsS --max-time 2 --cacert "$RUN/ca.crt" \
        -H "Authorization: Bearer $(cat "$RUN/token")" \
        "https://127.0.0.1:$KUBE_PORT/readyz" | grep -qx ok
}

apiserver_serving() {
    [ -s "$RUN/certs/apiserver.crt" ] && curl -ksS --max-time 2 -o /dev/null "https://127.0.0.1:$KUBE_PORT/livez"
}

do_start() {
    if pid_alive "$RUN/etcd.pid" && pid_alive "$RUN/kube-apiserver.pid" \
        && pid_alive "$RUN/kube-controller-manager.pid" && readyz; then
        return 0
    fi
    have_bins || die "binaries for $KUBE_VERSION are not in $KUBE_BIN_DIR; run '$0 build' first"
    apt_install etcd-server openssl curl
    do_stop_quiet
    local p
    for p in "$ETCD_PORT" "$ETCD_PEER_PORT" "$KUBE_PORT"; do
        port_in_use "$p" && die "127.0.0.1:$p is already in use (set ETCD_PORT / ETCD_PEER_PORT / KUBE_PORT)"
    done
    # On any failure below, stop what was started (logs stay in $RUN/logs).
    trap 'rc=$?; if [ "$rc" -ne 0 ]; then do_stop_quiet; log "start failed; logs kept in $RUN/logs"; fi' EXIT
    mkdir -p "$RUN/pki" "$RUN/certs" "$RUN/logs"
    chmod 0700 "$RUN"
    if [ ! -s "$RUN/pki/sa.key" ]; then
        quiet openssl genrsa -out "$RUN/pki/sa.key" 2048
        quiet openssl rsa -in "$RUN/pki/sa.key" -pubout -out "$RUN/pki/sa.pub"
    fi
    if [ ! -s "$RUN/token" ]; then
        head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$RUN/token"
        printf '%s,terrane-admin,terrane-admin,"system:masters"\n' "$(cat "$RUN/token")" >"$RUN/pki/tokens.csv"
    fi

    # etcd ---------------------------------------------------------------
    # etcd reads ETCD_* variables as flags: keep ours out of its environment.
    env -u ETCD_PORT -u ETCD_PEER_PORT setsid etcd --name terrane --data-dir "$RUN/etcd" \
        --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
        --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
        --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-cluster "terrane=http://127.0.0.1:$ETCD_PEER_PORT" \
        --unsafe-no-fsync --logger zap --log-level warn \
        </dev/null >"$RUN/logs/etcd.log" 2>&1 &
    echo $! >"$RUN/etcd.pid"
    wait_until 30 "$RUN/etcd.pid" "$RUN/logs/etcd.log" -- \
        curl -fsS --max-time 2 "http://127.0.0.1:$ETCD_PORT/health"

    # kube-apiserver -----------------------------------------------------
    local issuer=https://kubernetes.default.svc.cluster.local
    setsid "$KUBE_BIN_DIR/kube-apiserver" \
        --bind-address=127.0.0.1 --advertise-address=127.0.0.1 \
        --secure-port="$KUBE_PORT" --insecure-port=0 \
        --cert-dir="$RUN/certs" \
        --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
        --token-auth-file="$RUN/pki/tokens.csv" \
        --authorization-mode=RBAC \
        --service-cluster-ip-range=10.96.0.0/16 \
        --service-account-issuer="$issuer" \
        --service-account-key-file="$RUN/pki/sa.pub" \
        --service-account-signing-key-file="$RUN/pki/sa.key" \
        --api-audiences="$issuer" \
        --enable-priority-and-fairness=false \
        --profiling=false \
        </dev/null >"$RUN/logs/kube-apiserver.log" 2>&1 &
    echo $! >"$RUN/kube-apiserver.pid"
    wait_until 60 "$RUN/kube-apiserver.pid" "$RUN/logs/kube-apiserver.log" -- apiserver_serving
    extract_ca "$RUN/certs/apiserver.crt" >"$RUN/ca.crt" \
        || die "no self-signed CA found in $RUN/certs/apiserver.crt"
    wait_until 90 "$RUN/kube-apiserver.pid" "$RUN/logs/kube-apiserver.log" -- readyz
    write_kubeconfig "$RUN/controller-manager.kubeconfig" terrane-admin
    write_kubeconfig "$KUBECONFIG_PATH" terrane-admin

    # kube-controller-manager -------------------------------------------
    # No nodes, kubelet or cloud: drop the controllers that need them.
    setsid "$KUBE_BIN_DIR/kube-controller-manager" \
        --kubeconfig="$RUN/controller-manager.kubeconfig" \
        --leader-elect=false \
        --bind-address=127.0.0.1 --port=0 --secure-port=0 \
        --controllers='*,-nodeipam,-nodelifecycle,-cloud-node-lifecycle,-route,-service,-attachdetach,-persistentvolume-expander,-ttl,-csrsigning,-csrapproving,-csrcleaner' \
        --service-account-private-key-file="$RUN/pki/sa.key" \
        --root-ca-file="$RUN/ca.crt" \
        --use-service-account-credentials=false \
        </dev/null >"$RUN/logs/kube-controller-manager.log" 2>&1 &
    echo $! >"$RUN/kube-controller-manager.pid"
    # Ready once the token controller has given the default SA its secret.
    wait_until 60 "$RUN/kube-controller-manager.pid" "$RUN/logs/kube-controller-manager.log" -- kcm_ready
    trap - EXIT
}

kcm_ready() {
    curl -fsS --max-time 2 --cacert "$RUN/ca.crt" \
        -H "Authorization: Bearer $(cat "$RUN/token")" \
        "https://127.0.0.1:$KUBE_PORT/api/v1/namespaces/default/serviceaccounts/default" \
        | grep -q '"secrets"'
}

do_stop_quiet() {
    stop_pid "$RUN/kube-controller-manager.pid" kube-controller-manager
    stop_pid "$RUN/kube-apiserver.pid" kube-apiserver
    stop_pid "$RUN/etcd.pid" etcd
}

do_stop() {
    do_stop_quiet
    rm -rf "$RUN"
}

do_env() {
    [ -s "$KUBECONFIG_PATH" ] || die "not started: $KUBECONFIG_PATH is missing"
    echo "export TERRANE_KUBECONFIG=$KUBECONFIG_PATH"
    echo "export TERRANE_KUBE_ENDPOINT=https://127.0.0.1:$KUBE_PORT"
    echo "export TERRANE_KUBE_TOKEN_FILE=$RUN/token"
    echo "export TERRANE_KUBE_CA_FILE=$RUN/ca.crt"
}

do_status() {
    pid_alive "$RUN/etcd.pid" && pid_alive "$RUN/kube-apiserver.pid" \
        && pid_alive "$RUN/kube-controller-manager.pid" && readyz
}

case "${1:-}" in
    build) do_build ;;
    build-bg) build_bg ;;
    wait-build) wait_build ;;
    start) do_start ;;
    stop) do_stop ;;
    env) do_env ;;
    status) do_status ;;
    *) echo "usage: $0 build|build-bg|wait-build|start|stop|env|status" >&2; exit 2 ;;
esac
