#!/usr/bin/env bash
# Issue 19, thirty-fifth session: three more scenario-10 runs of this tree at its defaults, then one scenario-11 run,
# on the same warm broker as tracker-fetch-pairs.sh. From the repository root, infra started, env set.
cd "$(dirname "$0")/../../.."
for n in 4 5 6; do
  node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out bench/results/s35/sc10-tf-default-$n.json > /dev/null 2>&1
  echo "sc10 $n done $(date +%T)"
done
node bench/run.ts --size full --scenarios 11 --runs 1 --no-markdown --out bench/results/s35/sc11-1.json > /dev/null 2>&1
echo "sc11 done $(date +%T)"
