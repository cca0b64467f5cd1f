#!/usr/bin/env bash
# Issue 19, thirty-fifth session: scenario 10 with the services' old-generation headroom as it is
# (--heap-growing-percent=100) against 200 (BENCH_NODE_ARGS, after the services' own flags), alternating on one warm
# broker, 100 first; one tree. From the repository root, infra started, env set. Usage: heap-growing-pairs.sh <first-n> <last-n>
cd "$(dirname "$0")/../../.."
for n in $(seq "$1" "$2"); do
  node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out bench/results/s35/sc10-hg100-$n.json > /dev/null 2>&1
  BENCH_NODE_ARGS="--heap-growing-percent=200" node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out bench/results/s35/sc10-hg200-$n.json > /dev/null 2>&1
  echo "pair $n done $(date +%T)"
done
