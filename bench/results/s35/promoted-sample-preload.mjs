// Diagnosis preload (thirty-fifth session): samples allocations that survive the young generation — V8's sampling heap
// profiler without the objects scavenges collect, with those a full collection collects — so the profile shows what
// gets promoted (plus what is still live at exit). Writes /tmp/s35/promoted/<service>-<pid>.heapprofile at exit.
// BENCH_NODE_OPTIONS="--import <this file>"; read with bench/results/s33/heap-by-function.mjs.
import inspector from 'node:inspector';
import fs from 'node:fs';
const s = new inspector.Session();
s.connect();
s.post('HeapProfiler.enable');
s.post('HeapProfiler.startSampling', { samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false });
const name = (process.argv[1] ?? 'x').split('/').slice(-3)[0];
process.on('exit', () => {
  s.post('HeapProfiler.stopSampling', (err, r) => {
    if (err) return;
    fs.mkdirSync('/tmp/s35/promoted', { recursive: true });
    fs.writeFileSync(`/tmp/s35/promoted/${name}-${process.pid}.heapprofile`, JSON.stringify(r.profile));
  });
});
