# PostgreSQL's and the tracker's CPU per event in scenario 10's phases: python3 sc10-pg.py <file.json>...
import json, sys
print('file', 'postgres ms/event r100 r500 r1000 drain', 'tracker ms/event r100 r500 r1000 drain', sep='\t')
for f in sys.argv[1:]:
    d = json.load(open(f))['runs'][0]['details']
    get = lambda phase, proc: d[phase].get('cpuMsPerEventByProcess', d[phase].get('cpuMsPerDeliveryByProcess', {})).get(proc)
    print(f.split('/')[-1], *[get(p, 'postgres') for p in ('r100', 'r500', 'r1000', 'drain')], '|', *[get(p, 'tracker') for p in ('r100', 'r500', 'r1000', 'drain')], sep='\t')
