/**
 * Command line for the local PostgreSQL cluster:
 *
 *   node infra/postgres/cli.ts start [--clean]   prints DATABASE_URL=..., server keeps running
 *   node infra/postgres/cli.ts stop [--clean]
 *   node infra/postgres/cli.ts status            exit 0 when a server answers, 3 otherwise
 *
 * Progress goes to stderr so `eval "$(node infra/postgres/cli.ts start)"` works.
 */
import { postgresStatus, startPostgres, stopPostgres } from './launcher.ts';

const USAGE = 'usage: node infra/postgres/cli.ts start|stop|status [--clean]';

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...flags] = argv;
  const unknown = flags.filter((flag) => flag !== '--clean');
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')}\n${USAGE}`);
  const clean = flags.includes('--clean');
  const log = (msg: string): void => console.error(`[postgres] ${msg}`);

  switch (command) {
    case 'start': {
      const started = Date.now();
      const { databaseUrl, reused } = await startPostgres({ clean, log });
      log(`${reused ? 'reused running server' : 'started'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      console.log(`DATABASE_URL=${databaseUrl}`);
      return 0;
    }
    case 'stop':
      await stopPostgres({ clean, log });
      return 0;
    case 'status': {
      const { ours, databaseUrl } = await postgresStatus();
      const owner = ours ? 'started by this launcher' : 'not started by this launcher';
      console.log(databaseUrl ? `running (${owner}) DATABASE_URL=${databaseUrl}` : ours ? `running but not answering (${owner})` : 'stopped');
      return databaseUrl ? 0 : 3;
    }
    default:
      throw new Error(USAGE);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`[postgres] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
