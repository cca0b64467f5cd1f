"""Issue 19, thirty-eighth session: scenario 10 run by run, each extra V8 flag against the adopted flags (pairs 12-19,
one warm broker; runs.sh beside this file ran them). Prints each run and, per figure, in how many pairs the arm beat the
adopted run beside it, and the medians.
Usage: python3 bench/results/s38/arms-summary.py [first last] (from the repository root). A later session's runs:
OUT_DIR=<its folder> ARMS=<its arms, comma-separated>."""
import os, statistics, subprocess, sys

first, last = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) > 2 else (12, 19)
PAIRS = range(first, last + 1)
ARMS = os.environ['ARMS'].split(',') if os.environ.get('ARMS') else ['minorms', 'hgp150']
FIGURES = [('r100_p99_ms', 'low'), ('r100_cpu_ms_per_event', 'low'), ('r500_p99_ms', 'low'), ('r500_cpu_ms_per_event', 'low'),
           ('r1000_p99_ms', 'low'), ('drain_deliveries_per_s', 'high'), ('drain_cpu_ms_per_delivery', 'low'), ('peak_service_rss_mib', 'low'),
           ('idle_machine_cores', 'low')]
D = f"bench/results/{os.environ.get('OUT_DIR', 's38')}"

def rows(files):
    out = subprocess.run([sys.executable, 'bench/results/s31/sc10-table.py', *files], capture_output=True, text=True, check=True).stdout
    print(out)
    lines = out.splitlines()
    head = lines[0].split('\t')
    return {line.split('\t')[0]: dict(zip(head, line.split('\t'))) for line in lines[1:]}

files = [f'{D}/sc10-{a}-{n}.json' for a in ['adopted', *ARMS] for n in PAIRS if os.path.exists(f'{D}/sc10-{a}-{n}.json')]
t = rows(files)
for arm in ARMS:
    ns = [n for n in PAIRS if f'sc10-{arm}-{n}.json' in t and f'sc10-adopted-{n}.json' in t]
    if not ns: continue
    print(f'{arm} against adopted, {len(ns)} pairs')
    for key, good in FIGURES:
        a = [float(t[f'sc10-{arm}-{n}.json'][key]) for n in ns]; b = [float(t[f'sc10-adopted-{n}.json'][key]) for n in ns]
        better = sum((x < y) if good == 'low' else (x > y) for x, y in zip(a, b))
        print(f'\t{key}\t{better} of {len(ns)} better\tmedian {statistics.median(a):g} against {statistics.median(b):g}\t(range {min(a):g}–{max(a):g} against {min(b):g}–{max(b):g})')
