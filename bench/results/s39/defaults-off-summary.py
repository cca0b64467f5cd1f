"""Issue 19, thirty-ninth session: what the defaults (tracing at its default sampling, info logs) cost over logs at warn
and tracing off, scenario 10 pair by pair (defaults-off-runs.sh beside this file ran them). Prints each run, then per
figure the defaults' ratio to the off run of the same pair, its median, and both arms' medians; r1000 CPU per event is
read from each run's JSON (the s31 table has no column for it).
Usage: [OUT_DIR=sNN] python3 bench/results/s39/defaults-off-summary.py [first last] (from the repository root; runs in
bench/results/${OUT_DIR:-s39})."""
import json, os, statistics, subprocess, sys

first, last = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) > 2 else (1, 8)
D = f"bench/results/{os.environ.get('OUT_DIR', 's39')}"
FIGURES = ['r100_cpu_ms_per_event', 'r500_cpu_ms_per_event', 'r1000_cpu_ms_per_event', 'drain_cpu_ms_per_delivery',
           'r100_p99_ms', 'r500_p99_ms', 'r1000_p99_ms', 'drain_deliveries_per_s', 'idle_machine_cores', 'peak_service_rss_mib']

def path(arm, n):
    return f'{D}/sc10-{arm}-{n}.json'

pairs = [n for n in range(first, last + 1) if os.path.exists(path('defaults', n)) and os.path.exists(path('off', n))]
files = [path(arm, n) for n in pairs for arm in ['defaults', 'off']]
out = subprocess.run([sys.executable, 'bench/results/s31/sc10-table.py', *files], capture_output=True, text=True, check=True).stdout
print(out)
lines = out.splitlines()
head = lines[0].split('\t')
table = {line.split('\t')[0]: dict(zip(head, line.split('\t'))) for line in lines[1:]}
for f in files:
    table[os.path.basename(f)]['r1000_cpu_ms_per_event'] = json.load(open(f))['runs'][0]['metrics']['r1000_cpu_ms_per_event']

print(f'defaults over off, {len(pairs)} pairs (pairs {pairs[0]}-{pairs[-1]}; odd pairs ran the defaults first)')
for key in FIGURES:
    a = [float(table[f'sc10-defaults-{n}.json'][key]) for n in pairs]
    b = [float(table[f'sc10-off-{n}.json'][key]) for n in pairs]
    ratios = [x / y for x, y in zip(a, b)]
    print(f'\t{key}\tdefaults/off by pair {", ".join(f"{r:.2f}" for r in ratios)}\tmedian ratio {statistics.median(ratios):.3f}'
          f'\tmedians {statistics.median(a):g} against {statistics.median(b):g}\tranges {min(a):g}-{max(a):g} against {min(b):g}-{max(b):g}')
