#!/usr/bin/env bash
# Issue 19, thirty-first session: does the tracker's write cadence decide the 100/s tail?
# Alternating pairs of `BENCH_RATE=100 node bench/drain.ts 3000`: the defaults (a tracker fetch waits up to 1 s for
# 128 KiB) against tracker fetches that wait up to 5 s for 4 MiB (one batch every ~5 s at 100/s).
# Run from the repository root with the dev broker and PostgreSQL started and KAFKA_BROKERS / DATABASE_URL set.
set -u
out=bench/results/s31
RARE='{"TRACKER_FETCH_MIN_BYTES":"4194304","TRACKER_FETCH_MAX_WAIT":"5s"}'
BENCH_RATE=500 timeout 300 node bench/drain.ts 5000 > /dev/null 2>&1   # warm the broker
for n in 1 2 3; do
  BENCH_RATE=100 timeout 300 node bench/drain.ts 3000 > $out/tb-r100-base-$n.txt 2>&1
  BENCH_SERVICE_ENV="$RARE" BENCH_RATE=100 timeout 300 node bench/drain.ts 3000 > $out/tb-r100-rare-$n.txt 2>&1
done
