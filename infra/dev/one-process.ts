import { join } from 'node:path';
import { Supervisor } from './supervisor.ts';

/**
 * `node <SERVICE_NODE_ARGS> infra/dev/one-process.ts ingest=8080 dispatcher=8081 tracker=8082`: the named services
 * in one process, each in a worker thread with its `HTTP_PORT`, the rest of the environment shared; their lines
 * prefixed with their names on standard output; one that fails restarted alone. SIGTERM or SIGINT stops them all
 * (each as on SIGTERM), then the process. What `npm start` does with `SERVICES_RUN_AS=thread`, for a benchmark or
 * any other launcher.
 */
const root = join(import.meta.dirname, '..', '..');
const names = ['ingest', 'dispatcher', 'tracker'];
const specs = process.argv.slice(2).map((arg) => {
  const [name, port] = arg.split('=');
  if (!name || !names.includes(name) || !/^\d+$/.test(port ?? '')) {
    console.error(`usage: one-process.ts ${names.map((n) => `${n}=<port>`).join(' ')} (got ${JSON.stringify(arg)})`);
    process.exit(2);
  }
  return { name, script: `services/${name}/src/main.ts`, env: { HTTP_PORT: port! } };
});
const supervisor = new Supervisor(specs, root, { colour: false, runAs: 'thread' });
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void supervisor.stop().then(() => process.exit(0));
  });
}
supervisor.start();
