#!/usr/bin/env bash
# Issue 19, thirty-sixth session: scenario 10 with extra V8 flags for the services (BENCH_NODE_ARGS, after the
# services' own), one run per variant in the order given, repeated; one tree, one warm broker. From the repository
# root, infra started, env set. Usage: flag-runs.sh <first-n> <last-n> <name>=<flags> ... (an empty <flags> is the
# services' defaults). Writes bench/results/${OUT_DIR:-s36}/sc10-<name>-<n>.json (OUT_DIR: a later session's folder).
cd "$(dirname "$0")/../../.."
first=$1 last=$2; shift 2
out=bench/results/${OUT_DIR:-s36}; mkdir -p "$out"
for n in $(seq "$first" "$last"); do
  for variant in "$@"; do
    name=${variant%%=*} flags=${variant#*=}
    BENCH_NODE_ARGS="$flags" node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown \
      --out "$out/sc10-$name-$n.json" > /dev/null 2>&1
    echo "$name $n done $(date +%T)"
  done
done
