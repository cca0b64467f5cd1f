// The Node flags every Hookline service runs with (npm start, the services' start scripts, the bench, the Docker
// image): its own TypeScript from the stripped cache (./stripped-ts.js; build it first with ./strip-types.js), a young
// generation of at most 2 × 16 MiB, an old generation allowed to grow to twice what it kept after a full collection, and
// no allocation-site pretenuring.
// V8 starts marking for a full collection as soon as the old generation's headroom is less than the young generation
// could promote. Its default young generation on a large machine (2 × 64 MiB) is more than that headroom at a
// service's live size (~30 MiB): the dispatcher made 110–124 full collections in one benchmark run (scenario 10), 48
// with the cap. With the cap, V8's own growing factor still left 21–26 MiB of headroom under load (marking started at
// 33 MiB of a 54 MiB limit), under the young generation's 32: 43–55 full collections; with the factor fixed at 2 (--heap-growing-percent=100), 12–15 in eight
// runs of nine (65 in one), and p99 publish → received shorter at every rate in three of three pairs
// (bench/RESULTS.md). And without V8's allocation-site pretenuring (--no-allocation-site-pretenuring): V8 otherwise
// tracks the survival of objects per allocation site and allocates those of a site it judges long-lived in the old
// generation at once; the dispatcher had two such sites in a 500/s drain. Without it, in ten scenario-10 pairs p99
// publish → received at 100/s was shorter in nine (median 6.9 against 9.5 ms), at 500/s in eight (16.3 against 21.8),
// the machine's CPU per event at 100/s lower in eight (4.7 against 5.6 ms), the drain faster in only three (1,835
// against 1,933 deliveries/s); the count of full collections was the same.
// Command-line flags: Node refuses --heap-growing-percent in NODE_OPTIONS.
import { fileURLToPath, URL } from 'node:url';

const importStripped = ['--import', fileURLToPath(new URL('./stripped-ts.js', import.meta.url))];

export const SERVICE_NODE_ARGS = ['--max-semi-space-size=16', '--heap-growing-percent=100', '--no-allocation-site-pretenuring', ...importStripped];

// A service in a worker thread (SERVICES_RUN_AS=thread): V8's flags are the process's own (its host runs with the three
// above on its command line), the young generation is the thread's resource limit (V8's young generation is three
// semi-spaces: 48 MiB is the 2 × 16 MiB of --max-semi-space-size=16 plus its large-object space), the loader hook the
// thread's own.
export const SERVICE_THREAD_EXEC_ARGV = importStripped;
export const SERVICE_THREAD_YOUNG_GENERATION_MB = 48;
