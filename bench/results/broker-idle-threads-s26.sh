#!/usr/bin/env bash
# usage: broker-idle-threads-s26.sh PID SECONDS — a process's CPU by thread name over a window, in clock ticks
# (10 ms), from /proc/PID/task/*/stat (utime + stime); trailing thread numbers are folded into one name.
pid=$1; secs=$2; dir=$(mktemp -d)
snap() { for t in /proc/$pid/task/*; do tid=${t##*/}; comm=$(cat $t/comm 2>/dev/null); s=$(cut -d')' -f2 $t/stat 2>/dev/null | awk '{print $12+$13}'); echo "$tid|$comm|$s"; done; }
snap > "$dir/a"; sleep "$secs"; snap > "$dir/b"
join -t'|' -j1 <(sort "$dir/a") <(sort "$dir/b") | awk -F'|' '{d=$5-$3; n=$2; sub(/-?[0-9]+$/,"#",n); c[n]+=d; tot+=d} END {for (k in c) if (c[k]>0) printf "%6d  %s\n", c[k], k; printf "%6d  TOTAL ticks over window\n", tot}' | sort -rn
rm -rf "$dir"
