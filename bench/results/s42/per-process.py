"""Issue 19, forty-second session: each process's CPU per event (ms; per delivery when draining) in scenario 10,
medians over the eight pairs, the prototype ('direct') against 5573f4f ('adopted'). From the repository root:
python3 bench/results/s42/per-process.py"""
import json, statistics
PHASES = ['r100', 'r500', 'r1000', 'drain']
rows = {}
for arm in ['adopted', 'direct']:
    for n in range(1, 9):
        details = json.load(open(f'bench/results/s42/sc10-{arm}-{n}.json'))['runs'][0]['details']
        for phase in PHASES:
            for proc, v in details[phase]['cpuMsPerEventByProcess'].items():
                rows.setdefault((phase, proc), {}).setdefault(arm, []).append(v)
print('phase\tprocess\t5573f4f\tprototype')
for (phase, proc), arms in sorted(rows.items(), key=lambda kv: (PHASES.index(kv[0][0]), kv[0][1])):
    print(f"{phase}\t{proc}\t{statistics.median(arms['adopted']):.3f}\t{statistics.median(arms['direct']):.3f}")
