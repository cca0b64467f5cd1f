/**
 * Command line for the local schema registry (Apicurio Registry, Confluent-compatible API):
 *
 *   node infra/schema-registry/cli.ts start    prints SCHEMA_REGISTRY_URL=..., registry keeps running
 *   node infra/schema-registry/cli.ts stop
 *   node infra/schema-registry/cli.ts status   exit 0 when a registry answers, 3 otherwise
 *
 * Progress goes to stderr so `eval "$(node infra/schema-registry/cli.ts start)"` works.
 */
import { schemaRegistryStatus, startSchemaRegistry, stopSchemaRegistry } from './launcher.ts';

const USAGE = 'usage: node infra/schema-registry/cli.ts start|stop|status';

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (rest.length > 0) throw new Error(`unexpected argument ${rest.join(' ')}\n${USAGE}`);
  const log = (msg: string): void => console.error(`[schema-registry] ${msg}`);

  switch (command) {
    case 'start': {
      const started = Date.now();
      const { url, reused } = await startSchemaRegistry({ log });
      log(`${reused ? 'reused running registry' : 'started'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      console.log(`SCHEMA_REGISTRY_URL=${url}`);
      return 0;
    }
    case 'stop':
      await stopSchemaRegistry({ log });
      return 0;
    case 'status': {
      const { pid, url } = await schemaRegistryStatus();
      const owner = pid !== undefined ? `launcher pid ${pid}` : 'not started by this launcher';
      console.log(url ? `running (${owner}) SCHEMA_REGISTRY_URL=${url}` : pid !== undefined ? `starting or unresponsive (${owner})` : 'stopped');
      return url ? 0 : 3;
    }
    default:
      throw new Error(USAGE);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`[schema-registry] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
