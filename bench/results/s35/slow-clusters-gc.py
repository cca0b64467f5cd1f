# Slow events of a scenario-10 phase in time clusters, beside the services' GC pauses and event-loop stalls
# (stall-preload.mjs) and the broker's young collections (jstat -gc every 200 ms, each line prefixed with epoch seconds).
# Usage: python3 slow-clusters-gc.py <r500.tsv> <threshold ms> <stall dir> [broker-gc.txt]
import sys, glob
lat = sorted(tuple(map(float, l.split()[:2])) for l in open(sys.argv[1]) if l.strip())
thr = float(sys.argv[2])
slow = [r for r in lat if r[1] > thr]
clusters = []
for t, l in slow:
    if clusters and t - clusters[-1][-1][0] < 50: clusters[-1].append((t, l))
    else: clusters.append([(t, l)])
ev = []
for f in glob.glob(sys.argv[3] + '/*.tsv'):
    svc = f.split('/')[-1].split('-')[0]
    for l in open(f):
        p = l.rstrip('\n').split('\t')
        if len(p) >= 3: ev.append((float(p[1]), float(p[2]), svc, p[0], p[3] if len(p) > 3 else ''))
if len(sys.argv) > 4:
    prev = None
    for l in open(sys.argv[4]):
        p = l.split()
        if len(p) < 19 or not p[13].isdigit(): continue
        t, ygc, ygct = float(p[0]) * 1000, int(p[13]), float(p[14])
        if prev and ygc > prev[1]: ev.append((prev[0], (ygct - prev[2]) * 1000, 'broker', 'gc', 'young'))
        prev = (t, ygc, ygct)
ev.sort()
t0 = lat[0][0]
# Node's GC kinds: 1 minor (scavenge), 4 major (mark-compact), 8 incremental marking, 16 weak callbacks.
print('events', len(lat), 'slow', len(slow), 'clusters', len(clusters), 'in clusters of 3 or more:', sum(len(c) for c in clusters if len(c) >= 3))
for c in clusters:
    a, b = c[0][0] - 30, c[-1][0] + max(x[1] for x in c)
    near = [e for e in ev if a - 10 <= e[0] <= b and (e[3] == 'stall' or e[1] >= 2)]
    desc = '; '.join(f"{e[2]} {e[3]}{('/' + e[4]) if e[4] else ''} {e[1]:.1f}ms@{(e[0] - c[0][0]):+.0f}" for e in near[:6])
    print(f"{(c[0][0] - t0) / 1000:6.2f}s n={len(c):3d} max={max(x[1] for x in c):5.1f} | {desc}")
