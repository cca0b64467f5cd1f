// As run in the thirty-third session: a preload (BENCH_NODE_OPTIONS="--import <this file>") that samples every allocation, collected or not, and writes /tmp/s33/heap/<service>-<pid>.heapprofile at exit.
import inspector from 'node:inspector';
import fs from 'node:fs';
const s = new inspector.Session();
s.connect();
s.post('HeapProfiler.enable');
s.post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
const name = (process.argv[1] ?? 'x').split('/').slice(-3)[0];
process.on('exit', () => {
  s.post('HeapProfiler.stopSampling', (err, r) => {
    if (!err) fs.writeFileSync(`/tmp/s33/heap/${name}-${process.pid}.heapprofile`, JSON.stringify(r.profile));
  });
});
