# Prints scenario 10's main figures, one line per raw file: python3 sc10-table.py <file.json>...
import json, sys
keys = ['idle_machine_cores', 'r100_p50_ms', 'r100_p99_ms', 'r100_cpu_ms_per_event', 'r500_p99_ms', 'r500_cpu_ms_per_event',
        'r1000_p99_ms', 'drain_deliveries_per_s', 'drain_cpu_ms_per_delivery', 'peak_service_rss_mib']
print('file', *keys, sep='\t')
for f in sys.argv[1:]:
    m = json.load(open(f))['runs'][0]['metrics']
    print(f.split('/')[-1], *[m.get(k) for k in keys], sep='\t')
