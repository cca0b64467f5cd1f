#!/usr/bin/env bash
# Issue 19, thirty-second session: scenario 10, deliveries written with their attempts (this tree) against the tree
# before (a worktree of 1f749ad at /tmp/base32), alternating on one warm broker. From the repository root, infra
# started, env set. Usage: paired-sc10-pairs.sh <first-n> <last-n>
set -u
out=$PWD/bench/results/s32
for n in $(seq "$1" "$2"); do
  timeout 600 node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out $out/sc10-paired-$n.json > /dev/null 2>&1
  (cd /tmp/base32 && timeout 600 node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out $out/sc10-base-$n.json > /dev/null 2>&1)
done
