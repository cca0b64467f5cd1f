// As run in the thirty-third session: a preload (BENCH_NODE_OPTIONS="--import <this file>") that samples every allocation, collected or not, and writes /tmp/s33/heap/<service>-<pid>.heapprofile at exit.
// HEAP_SAMPLE_SURVIVING=true (thirty-fifth session): leaves out what scavenges collect, keeps what a full collection does,
// so the profile shows what survives the young generation (promoted, pretenured, or live at exit); every 8 KiB.
// HEAP_SAMPLE_DIR: where the profiles go (default /tmp/s33/heap).
import inspector from 'node:inspector';
import fs from 'node:fs';
const surviving = process.env.HEAP_SAMPLE_SURVIVING === 'true';
const dir = process.env.HEAP_SAMPLE_DIR ?? '/tmp/s33/heap';
const s = new inspector.Session();
s.connect();
s.post('HeapProfiler.enable');
s.post('HeapProfiler.startSampling', { samplingInterval: surviving ? 8192 : 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: !surviving });
const name = (process.argv[1] ?? 'x').split('/').slice(-3)[0];
process.on('exit', () => {
  s.post('HeapProfiler.stopSampling', (err, r) => {
    if (err) return;
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(`${dir}/${name}-${process.pid}.heapprofile`, JSON.stringify(r.profile));
  });
});
