#!/bin/sh
# Runs one fuzz target for SECONDS seconds (default 900) at low priority:
#   fuzz/run.sh TARGET [SECONDS] [extra libFuzzer flags...]
# New corpus entries go to fuzz/work/TARGET (not committed), crashes to
# fuzz/artifacts/TARGET; the seeds in fuzz/corpus/TARGET are only read.
set -eu
cd "$(dirname "$0")"
t=$1; secs=${2:-900}; shift; [ $# -gt 0 ] && shift
mkdir -p "work/$t" "artifacts/$t"
exec env RUSTC_BOOTSTRAP=1 nice -n 10 cargo fuzz run -s none -O "$t" "work/$t" "corpus/$t" -- \
  -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -artifact_prefix="artifacts/$t/" -print_final_stats=1 -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 "$@"
