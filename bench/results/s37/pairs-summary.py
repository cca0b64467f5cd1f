"""Issue 19, thirty-seventh session: scenario 10 pair by pair, allocation-site pretenuring off against on, over the
thirty-sixth session's four pairs and this session's (process mode). Prints, per figure, how many pairs the flag made
better and both medians. Usage: python3 bench/results/s37/pairs-summary.py (from the repository root)."""
import json, statistics, subprocess, sys

OFF = [f'bench/results/s36/sc10-nopre-{n}.json' for n in range(1, 5)] + [f'bench/results/s37/sc10-nopre-{n}.json' for n in range(5, 8)] \
    + [f'bench/results/s37/sc10-adopted-{n}.json' for n in (8, 9, 11)]
ON = [f'bench/results/s36/sc10-base-{n}.json' for n in range(1, 5)] + [f'bench/results/s37/sc10-base-{n}.json' for n in range(5, 8)] \
    + [f'bench/results/s37/sc10-pre-{n}.json' for n in (8, 9, 11)]
FIGURES = [('r100_p99_ms', 'low'), ('r100_cpu_ms_per_event', 'low'), ('r500_p99_ms', 'low'), ('r500_cpu_ms_per_event', 'low'),
           ('r1000_p99_ms', 'low'), ('drain_deliveries_per_s', 'high'), ('drain_cpu_ms_per_delivery', 'low'), ('peak_service_rss_mib', 'low')]

def rows(files):
    out = subprocess.run([sys.executable, 'bench/results/s31/sc10-table.py', *files], capture_output=True, text=True, check=True).stdout.splitlines()
    head = out[0].split('\t')
    table = {line.split('\t')[0]: dict(zip(head, line.split('\t'))) for line in out[1:]}
    return [table[f.rsplit('/', 1)[1]] for f in files]

off, on = rows(OFF), rows(ON)
print(f'{len(off)} pairs\tfigure\tbetter with the flag\tmedian off\tmedian on')
for key, good in FIGURES:
    a = [float(r[key]) for r in off]; b = [float(r[key]) for r in on]
    better = sum((x < y) if good == 'low' else (x > y) for x, y in zip(a, b))
    print(f'\t{key}\t{better} of {len(a)}\t{statistics.median(a):g}\t{statistics.median(b):g}\t(off {min(a):g}–{max(a):g}; on {min(b):g}–{max(b):g})')
