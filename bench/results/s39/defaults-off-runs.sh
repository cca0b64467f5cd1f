#!/usr/bin/env bash
# Issue 19, thirty-ninth session: "the defaults are the fast configuration" re-measured on this tree. Scenario 10,
# alternating the services' defaults (tracing at its default sampling, info logs) with logs at warn and tracing off,
# the first arm switching every pair; one tree, one warm broker; from the repository root, infra started, env set.
# Usage: [OUT_DIR=sNN] defaults-off-runs.sh <first-n> <last-n>. Writes bench/results/${OUT_DIR:-s39}/sc10-{defaults,off}-<n>.json.
cd "$(dirname "$0")/../../.."
out=bench/results/${OUT_DIR:-s39}
mkdir -p "$out"
run() { # <name> <n> <service env as JSON>
  BENCH_SERVICE_ENV="$3" node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out "$out/sc10-$1-$2.json" > /dev/null 2>&1
  echo "$1 $2 done $(date +%T)"
}
for n in $(seq "$1" "$2"); do
  if [ $((n % 2)) = 1 ]; then run defaults "$n" '{}'; run off "$n" '{"LOG_LEVEL":"warn","OTEL_SDK_DISABLED":"true"}'
  else run off "$n" '{"LOG_LEVEL":"warn","OTEL_SDK_DISABLED":"true"}'; run defaults "$n" '{}'; fi
done
