#!/usr/bin/env bash
# Issue 19, thirty-third session: scenario 10, produce requests in one buffer (this tree) against the tree before (a
# worktree of e3be190 at /tmp/base33), alternating on one warm broker, the tree before first. From the repository
# root, infra started, env set. Usage: sc10-pairs.sh <first-n> <last-n>
set -u
out=$PWD/bench/results/s33
for n in $(seq "$1" "$2"); do
  (cd /tmp/base33 && timeout 600 node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out $out/sc10-base-$n.json > /dev/null 2>&1)
  timeout 600 node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out $out/sc10-new-$n.json > /dev/null 2>&1
done
