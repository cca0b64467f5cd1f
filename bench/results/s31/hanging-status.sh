#!/usr/bin/env bash
# Issue 19, thirty-first session: scenario 11 (a hanging endpoint at 200/s), three runs of the tree at 497087f, one warm
# broker. From the repository root, infra started, env set.
set -u
out=bench/results/s31
for n in 1 2 3; do
  timeout 900 node bench/run.ts --size full --scenarios 11 --runs 1 --no-markdown --out $out/hanging-$n.json > /dev/null 2>&1
done
