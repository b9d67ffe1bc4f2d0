#!/usr/bin/env bash
# Benchmark terrane against Terraform on generated terraform_data
# configurations. Usage (docs/benchmarks.md):
#   benches/run.sh [--quick] [--sizes 100,1000] [--shapes independent,chain]
#                  [--no-terraform] [--tf-timeout 300] [--tf-max-n 1000]
#                  [--no-build] [--out FILE]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
build=1
args=()
for a in "$@"; do
  if [ "$a" = "--no-build" ]; then build=0; else args+=("$a"); fi
done
if [ "$build" = 1 ]; then
  (cd "$repo" && cargo build --release -q -p terrane)
fi
exec python3 "$here/bench.py" "${args[@]+"${args[@]}"}"
