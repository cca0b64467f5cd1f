/**
 * Command line for the local Kafka broker:
 *
 *   node infra/kafka/cli.ts start [--clean]   prints KAFKA_BROKERS=..., broker keeps running
 *   node infra/kafka/cli.ts stop [--clean]
 *   node infra/kafka/cli.ts status            exit 0 when a broker answers, 3 otherwise
 *
 * Progress goes to stderr so `eval "$(node infra/kafka/cli.ts start)"` works.
 */
import { kafkaStatus, startKafka, stopKafka } from './launcher.ts';

// kafkajs 2.2.4 arms setTimeout with a negative delay (throttledUntil starts at -1);
// Node >= 23 warns about it on every client. Harmless (Node clamps to 1 ms), so
// drop just that warning and keep printing every other one.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'TimeoutNegativeWarning') console.error(`(node) ${warning.name}: ${warning.message}`);
});

const USAGE = 'usage: node infra/kafka/cli.ts start|stop|status [--clean]';

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...flags] = argv;
  const unknown = flags.filter((flag) => flag !== '--clean');
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')}\n${USAGE}`);
  const clean = flags.includes('--clean');
  const log = (msg: string): void => console.error(`[kafka] ${msg}`);

  switch (command) {
    case 'start': {
      const started = Date.now();
      const { brokers, reused } = await startKafka({ clean, log });
      log(`${reused ? 'reused running broker' : 'started'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      console.log(`KAFKA_BROKERS=${brokers}`);
      return 0;
    }
    case 'stop':
      await stopKafka({ clean, log });
      return 0;
    case 'status': {
      const { pid, brokers } = await kafkaStatus();
      const owner = pid !== undefined ? `launcher pid ${pid}` : 'not started by this launcher';
      console.log(brokers ? `running (${owner}) KAFKA_BROKERS=${brokers}` : pid !== undefined ? `starting or unresponsive (${owner})` : 'stopped');
      return brokers ? 0 : 3;
    }
    default:
      throw new Error(USAGE);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`[kafka] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
