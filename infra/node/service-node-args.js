// The Node flags every Hookline service runs with (npm start, the services' start scripts, the bench, the Docker
// image): its own TypeScript from the stripped cache (./stripped-ts.js; build it first with ./strip-types.js).
import { fileURLToPath, URL } from 'node:url';

export const SERVICE_NODE_ARGS = ['--import', fileURLToPath(new URL('./stripped-ts.js', import.meta.url))];
