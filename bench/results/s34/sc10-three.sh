#!/usr/bin/env bash
# Scenario 10 in three trees in turn, on one warm broker: the tree before this session (worktree of 45e6f23 at
# /tmp/base34), the webhook client's change alone (worktree of 2290e99 at /tmp/w34) and this tree (the record decoder
# too); each round in another order. From the repository root, infra started, env set. Usage: sc10-three.sh <rounds>
root=$PWD
orders=("base web new" "new base web" "web new base")
for ((n = 1; n <= ${1:-3}; n++)); do
  for tree in ${orders[$(((n - 1) % 3))]}; do
    case $tree in base) dir=/tmp/base34 ;; web) dir=/tmp/w34 ;; new) dir=$root ;; esac
    (cd "$dir" && node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out "$root/bench/results/s34/sc10-three-$tree-$n.json" > /dev/null 2>&1)
    echo "round $n $tree: exit $?"
  done
done
