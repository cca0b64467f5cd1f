#!/usr/bin/env bash
# Issue 19, thirty-eighth session: the scenario-10 runs of bench/results/s38, as they were run (one tree, a3b3782; one
# warm broker; from the repository root, infra started, env set). Pairs 12-13 ran three arms (minor-ms, heap growing
# 150, the adopted flags); minor-ms was then dropped and pairs 14-19 alternated which arm ran first (even: adopted
# first). Summary: python3 bench/results/s38/arms-summary.py 12 19
cd "$(dirname "$0")/../../.."
OUT_DIR=s38 bash bench/results/s36/flag-runs.sh 12 13 minorms=--minor-ms hgp150=--heap-growing-percent=150 adopted=
for n in 14 15 16 17 18 19; do
  if [ $((n % 2)) = 0 ]; then
    OUT_DIR=s38 bash bench/results/s36/flag-runs.sh "$n" "$n" adopted= hgp150=--heap-growing-percent=150
  else
    OUT_DIR=s38 bash bench/results/s36/flag-runs.sh "$n" "$n" hgp150=--heap-growing-percent=150 adopted=
  fi
done
