#!/usr/bin/env bash
# Issue 19, forty-second session: the prototype of delivering fan-out's deliveries without producing them
# (direct-delivery-prototype.patch, applied to a worktree of 5573f4f) against 5573f4f itself, scenario 10 in
# alternating pairs on one warm broker. Run from the prototype's worktree (node_modules linked as for ab-pairs),
# infra started, env set; the base is this checkout. Pairs 1-4 ran the prototype first, pairs 5-8 the base first.
#   git worktree add -f /tmp/proto42 5573f4f && (cd /tmp/proto42 && git apply <this folder>/direct-delivery-prototype.patch)
#   node bench/ab-pairs.ts --base /work/main --pairs 4 --first new -- '<command below>'
#   node bench/ab-pairs.ts --base /work/main --pairs 4 --from 5 --first base -- '<command below>'
# command: node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out "$AB_ROOT/bench/results/s42/sc10-$AB_TREE-$AB_N.json"
# The JSON files land in the prototype's tree; the end of this script copies them here as sc10-direct-N (the
# prototype) and sc10-adopted-N (the base), for OUT_DIR=s42 ARMS=direct python3 bench/results/s38/arms-summary.py 1 8
set -e
root=$(cd "$(dirname "$0")/../../.." && pwd)
tree=${PROTO_TREE:-/tmp/proto42}
cmd='node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out "$AB_ROOT/bench/results/s42/sc10-$AB_TREE-$AB_N.json"'
cd "$tree"
node bench/ab-pairs.ts --base "$root" --pairs 4 --first new -- "$cmd"
node bench/ab-pairs.ts --base "$root" --pairs 4 --from 5 --first base -- "$cmd"
for n in $(seq 1 8); do
  cp "$tree/bench/results/s42/sc10-new-$n.json" "$root/bench/results/s42/sc10-direct-$n.json"
  cp "$tree/bench/results/s42/sc10-base-$n.json" "$root/bench/results/s42/sc10-adopted-$n.json"
done
