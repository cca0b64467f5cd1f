# A scenario-10 phase's slow events (BENCH_LATENCY_DUMP: publish epoch ms, latency ms) in time clusters (gaps under 50 ms):
# their count, span and worst latency, and the gaps between clusters of three or more. Usage: python3 slow-clusters.py <r500.tsv> [threshold ms = 15]
import sys, statistics
rows=[tuple(map(float,l.split()[:2])) for l in open(sys.argv[1]) if l.strip() and not l.startswith('#') and l.split()[0].replace('.','',1).isdigit()]
rows.sort()
thr=float(sys.argv[2]) if len(sys.argv)>2 else 15
lat=[r[1] for r in rows]; lat_s=sorted(lat)
print('events',len(rows),'p50',lat_s[len(lat_s)//2],'p99',lat_s[int(len(lat_s)*0.99)],'slow(>%g)'%thr,sum(1 for x in lat if x>thr))
slow=[r for r in rows if r[1]>thr]
clusters=[]
for t,l in slow:
    if clusters and t-clusters[-1][-1][0] < 50: clusters[-1].append((t,l))
    else: clusters.append([(t,l)])
t0=rows[0][0]
print('clusters',len(clusters))
for c in clusters:
    print(f"  at {(c[0][0]-t0)/1000:7.2f}s  n={len(c):3d}  span={c[-1][0]-c[0][0]:6.1f}ms  max={max(x[1] for x in c):6.1f}ms")
starts=[c[0][0] for c in clusters if len(c)>=3]
gaps=[b-a for a,b in zip(starts,starts[1:])]
if gaps: print('gaps between clusters of >=3 (s):', [round(g/1000,2) for g in gaps])
print('slow events in clusters of >=3:', sum(len(c) for c in clusters if len(c)>=3), 'of', len(slow))
