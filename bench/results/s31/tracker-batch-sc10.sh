#!/usr/bin/env bash
# Issue 19, thirty-first session: scenario 10 with the tracker's fetches waiting up to 5 s for 4 MiB, against the
# defaults (1 s, 128 KiB); alternating, one warm broker. From the repository root, infra started, env set.
set -u
out=bench/results/s31
RARE='{"TRACKER_FETCH_MIN_BYTES":"4194304","TRACKER_FETCH_MAX_WAIT":"5s"}'
for n in 1 2; do
  BENCH_SERVICE_ENV="$RARE" timeout 600 node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out $out/sc10-rare-$n.json > /dev/null 2>&1
  timeout 600 node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out $out/sc10-base-$n.json > /dev/null 2>&1
done
