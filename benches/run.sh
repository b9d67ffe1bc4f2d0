#!/usr/bin/env bash
# Benchmark terrane against Terraform on generated terraform_data
# configurations. Usage (docs/benchmarks.md):
#   benches/run.sh [--quick] [--sizes 100,1000] [--shapes independent,chain]
#                  [--no-terraform] [--tf-timeout 300] [--tf-max-n 1000]
#                  [--repeat 3] [--no-build] [--out FILE]
# BENCH_CARGO_FLAGS is passed to the release build, e.g.
#   BENCH_CARGO_FLAGS=--no-default-features benches/run.sh --quick
# builds terrane without the AWS/Kubernetes providers (terraform_data only
# needs the built-in ones).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
build=1
args=()
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    -h|--help) build=0; args+=("$a") ;;
    *) args+=("$a") ;;
  esac
done
if [ "$build" = 1 ]; then
  # shellcheck disable=SC2086 # BENCH_CARGO_FLAGS is a list of flags
  (cd "$repo" && cargo build --release -q -p terrane ${BENCH_CARGO_FLAGS:-})
fi
exec python3 "$here/bench.py" "${args[@]+"${args[@]}"}"
