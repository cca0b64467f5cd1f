#!/usr/bin/env bash
# Issue 19, forty-first session: scenario 10 with --initial-old-space-size=96 for the services (after their own flags)
# against the services' flags alone, alternating which arm runs first; one tree, one warm broker. From the repository
# root, infra started, env set. Usage: runs.sh <first-n> <last-n>.
# Summary: OUT_DIR=s41 ARMS=ios96 python3 bench/results/s38/arms-summary.py <first-n> <last-n>
cd "$(dirname "$0")/../../.."
for n in $(seq "$1" "$2"); do
  if [ $((n % 2)) = 0 ]; then
    OUT_DIR=s41 bash bench/results/s36/flag-runs.sh "$n" "$n" adopted= ios96=--initial-old-space-size=96
  else
    OUT_DIR=s41 bash bench/results/s36/flag-runs.sh "$n" "$n" ios96=--initial-old-space-size=96 adopted=
  fi
done
