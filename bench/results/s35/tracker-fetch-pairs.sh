#!/usr/bin/env bash
# Issue 19, thirty-fifth session: scenario 10 with the tracker's fetches at their defaults (1 s, 128 KiB) against
# smaller, more frequent ones (250 ms, 16 KiB), alternating on one warm broker, the defaults first; one tree, the
# difference given through BENCH_SERVICE_ENV. From the repository root, infra started, env set.
# Usage: tracker-fetch-pairs.sh <first-n> <last-n>
cd "$(dirname "$0")/../../.."
for n in $(seq "$1" "$2"); do
  node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out bench/results/s35/sc10-tf-default-$n.json > /dev/null 2>&1
  BENCH_SERVICE_ENV='{"TRACKER_FETCH_MIN_BYTES":"16384","TRACKER_FETCH_MAX_WAIT":"250ms"}' \
    node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out bench/results/s35/sc10-tf-small-$n.json > /dev/null 2>&1
  echo "pair $n done $(date +%T)"
done
