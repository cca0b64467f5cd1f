// The Node flags every Hookline service runs with (npm start, the services' start scripts, the bench, the Docker
// image): its own TypeScript from the stripped cache (./stripped-ts.js; build it first with ./strip-types.js), and a
// young generation of at most 2 × 16 MiB. V8's default on a large machine (2 × 64 MiB) is more than the old
// generation's headroom at a service's live size (~30 MiB), and V8 then starts a full collection every time the young
// generation fills instead of a scavenge: the dispatcher made 110–124 full collections in one benchmark run
// (scenario 10) against 48 with the cap, and ~160 MiB more memory for the three services (bench/RESULTS.md).
import { fileURLToPath, URL } from 'node:url';

export const SERVICE_NODE_ARGS = ['--max-semi-space-size=16', '--import', fileURLToPath(new URL('./stripped-ts.js', import.meta.url))];
