#!/usr/bin/env bash
# Issue 19, thirty-eighth session: scenario 10 with the three services as threads of one process and the idle release
# on (SERVICES_RUN_AS=thread, IDLE_MEMORY_RELEASE=true: the configuration that met the memory goal after a load in the
# seventeenth session), on the adopted flags; three runs on one broker. From the repository root, infra started, env
# set. Writes bench/results/s38/sc10-thread-release-<n>.json.
cd "$(dirname "$0")/../../.."
for n in 1 2 3; do
  BENCH_SERVICES_RUN_AS=thread BENCH_SERVICE_ENV='{"IDLE_MEMORY_RELEASE":"true"}' node bench/run.ts --size full --scenarios 10 \
    --runs 1 --no-markdown --out "bench/results/s38/sc10-thread-release-$n.json" > /dev/null 2>&1
  echo "thread-release $n done $(date +%T)"
done
