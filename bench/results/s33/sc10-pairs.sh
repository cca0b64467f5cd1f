#!/usr/bin/env bash
# Issue 19, thirty-third session: scenario 10, produce requests in one buffer (this tree) against the tree before (a
# worktree of e3be190 at /tmp/base33), alternating on one warm broker, the tree before first. From the repository
# root, infra started, env set. Usage: sc10-pairs.sh <first-n> <last-n>
# Later sessions: SESSION=sNN (the results folder), BASE_TREE=<worktree of the tree before>, FIRST=new to run this tree first.
SESSION=${SESSION:-s33}
exec node bench/ab-pairs.ts --base "${BASE_TREE:-/tmp/base33}" --first "${FIRST:-base}" --from "$1" --pairs $(($2 - $1 + 1)) -- \
  'node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out "$AB_ROOT/bench/results/'"$SESSION"'/sc10-$AB_TREE-$AB_N.json" > /dev/null 2>&1'
