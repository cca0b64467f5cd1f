#!/usr/bin/env bash
# Issue 19, thirty-eighth session: scenario 11 (endpoint 9 of 10 hanging at 200/s) on the adopted flags, three runs
# on one warm broker. From the repository root, infra started, env set. Writes bench/results/s38/hanging-<n>.json.
cd "$(dirname "$0")/../../.."
for n in 1 2 3; do
  node bench/run.ts --size full --scenarios 11 --runs 1 --no-markdown --out "bench/results/s38/hanging-$n.json" > /dev/null 2>&1
  echo "hanging $n done $(date +%T)"
done
