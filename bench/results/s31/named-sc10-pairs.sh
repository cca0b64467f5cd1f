#!/usr/bin/env bash
# Issue 19, thirty-first session: scenario 10, the tracker's statements named (this tree) against unnamed (a worktree
# of b8837ad at /tmp/base31), alternating on one warm broker. From the repository root, infra started, env set.
set -u
out=$PWD/bench/results/s31
for n in 1 2; do
  timeout 600 node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out $out/sc10-named-$n.json > /dev/null 2>&1
  (cd /tmp/base31 && timeout 600 node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out $out/sc10-unnamed-$n.json > /dev/null 2>&1)
done
