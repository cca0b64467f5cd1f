#!/usr/bin/env bash
# As paired-sc10-pairs.sh, with the tree before (/tmp/base32, 1f749ad) first in each pair.
# Usage: paired-sc10-pairs-basefirst.sh <first-n> <last-n>
set -u
out=$PWD/bench/results/s32
for n in $(seq "$1" "$2"); do
  (cd /tmp/base32 && timeout 600 node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out $out/sc10-base-$n.json > /dev/null 2>&1)
  timeout 600 node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out $out/sc10-paired-$n.json > /dev/null 2>&1
done
