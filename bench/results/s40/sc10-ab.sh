#!/usr/bin/env bash
# Issue 19, fortieth session: scenario 10, the tree before the unsampled-children change (a worktree at $BASE_TREE,
# 0ebb40a) against this one, both at the services' defaults; pairs 1-2 base first, 3-4 this tree first.
# Writes bench/results/s40/sc10-ab-{base,new}-<n>.json. From the repository root, infra started, env set.
cd "$(dirname "$0")/../../.."
cmd='node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out "$AB_ROOT/bench/results/s40/sc10-ab-$AB_TREE-$AB_N.json" > /dev/null 2>&1'
node bench/ab-pairs.ts --base "${BASE_TREE:-/tmp/base40}" --pairs 2 --from 1 --first base -- "$cmd"
node bench/ab-pairs.ts --base "${BASE_TREE:-/tmp/base40}" --pairs 2 --from 3 --first new -- "$cmd"
