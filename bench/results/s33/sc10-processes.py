"""Per-process CPU per event (ms) of scenario-10 result files, by phase: python3 sc10-processes.py <json...>"""
import json, sys
procs = ['ingest', 'dispatcher', 'tracker', 'broker', 'postgres']
print('file\t' + '\t'.join(f'{p}:{ph}' for ph in ['r100', 'r500', 'drain'] for p in procs[:3]))
for f in sys.argv[1:]:
    d = json.load(open(f))['runs'][0]['details']
    row = []
    for ph in ['r100', 'r500', 'drain']:
        by = d[ph]['cpuMsPerEventByProcess']
        row += [str(by.get(p)) for p in procs[:3]]
    print(f.split('/')[-1] + '\t' + '\t'.join(row))
