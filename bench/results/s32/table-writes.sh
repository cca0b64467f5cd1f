#!/bin/bash
# One drain with its schema kept, then each table's inserted, updated (HOT) and deleted rows; the schema is dropped after.
# usage: bench/results/s32/table-writes.sh <tree> <events> <out>
tree=$1; n=$2; out=$3
psql() { /usr/lib/postgresql/15/bin/psql -h 127.0.0.1 -p 55432 -U postgres -d hookline -Atc "$1"; }
(cd "$tree" && BENCH_KEEP_WORLD=true BENCH_RATE=${BENCH_RATE:-0} node bench/drain.ts "$n") > "$out" 2>&1
schema=$(grep -o 'and schema [A-Za-z0-9_]*' "$out" | tail -1 | cut -d' ' -f3)
sleep 12
psql "SELECT relname||': ins '||n_tup_ins||', upd '||n_tup_upd||' (HOT '||n_tup_hot_upd||'), del '||n_tup_del FROM pg_stat_user_tables WHERE schemaname = '$schema' AND (n_tup_ins + n_tup_upd) > 0 ORDER BY relname" | tee -a "$out"
psql "DROP SCHEMA \"$schema\" CASCADE" > /dev/null
