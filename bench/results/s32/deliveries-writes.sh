#!/bin/bash
# Rows the database inserted and updated, and its commits, over one drain (pg_stat_database: survives the drain's dropped schema).
# usage: bench/results/s32/deliveries-writes.sh <tree> <events> <out>
tree=$1; n=$2; out=$3
q="SELECT tup_inserted||' '||tup_updated||' '||xact_commit FROM pg_stat_database WHERE datname = 'hookline'"
psql() { /usr/lib/postgresql/15/bin/psql -h 127.0.0.1 -p 55432 -U postgres -d hookline -Atc "$1"; }
sleep 12; before=$(psql "$q")
(cd "$tree" && BENCH_RATE=0 node bench/drain.ts "$n") > "$out" 2>&1
sleep 12; after=$(psql "$q")
read bi bu bh <<< "$before"; read ai au ah <<< "$after"
echo "database hookline: rows inserted $((ai-bi)), updated $((au-bu)), commits $((ah-bh)) over $n events" | tee -a "$out"
