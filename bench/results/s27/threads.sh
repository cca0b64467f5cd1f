#!/bin/bash
# per-thread ctx switches + cpu ticks of one service over a window
pid=$(pgrep -f "services/$1/src/main.ts" | head -1)
snap() { for t in /proc/$pid/task/*; do c=$(cat $t/comm); v=$(awk '/^voluntary_ctxt/{a=$2}/^nonvoluntary_ctxt/{b=$2}END{print a+b}' $t/status); s=$(cut -d')' -f2 $t/stat | awk '{print $12+$13}'); echo "${t##*/} $c $v $s"; done | sort; }
snap > /tmp/t-a-$1; sleep $2; snap > /tmp/t-b-$1
join <(sort /tmp/t-a-$1) <(sort /tmp/t-b-$1) | awk -v n=$3 '{name=$2; sub(/[0-9]+$/,"#",name); cs[name]+=$6-$3; cpu[name]+=$7-$4} END {for (k in cs) printf "%-20s cs/event %.2f  cpu_ms/event %.3f\n", k, cs[k]/n, cpu[k]*10/n}' | sort -k3 -rn
