/**
 * Command line for the local Jaeger (v2, built from the Go module proxy on first use):
 *
 *   node infra/jaeger/cli.ts build    builds (or finds) the binary in .hookline/cache, prints its path
 *   node infra/jaeger/cli.ts start    prints OTEL_EXPORTER_OTLP_ENDPOINT=... and JAEGER_UI=..., Jaeger keeps running
 *   node infra/jaeger/cli.ts stop
 *   node infra/jaeger/cli.ts status   exit 0 when it answers, 3 otherwise
 *
 * Progress goes to stderr so `eval "$(node infra/jaeger/cli.ts start)"` works.
 */
import { ensureJaegerBinary } from './build.ts';
import { jaegerStatus, startJaeger, stopJaeger } from './launcher.ts';
import { jaegerPaths, resolveJaegerVersion } from './paths.ts';

const USAGE = 'usage: node infra/jaeger/cli.ts build|start|stop|status';

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (rest.length > 0) throw new Error(`unexpected argument ${rest.join(' ')}\n${USAGE}`);
  const log = (msg: string): void => console.error(`[jaeger] ${msg}`);
  switch (command) {
    case 'build': {
      const version = resolveJaegerVersion();
      console.log(await ensureJaegerBinary(jaegerPaths(undefined, version), version, log));
      return 0;
    }
    case 'start': {
      const { ui, otlpHttp, hasUi, reused } = await startJaeger({ log });
      log(`${reused ? 'reused the running Jaeger' : 'started'}${hasUi ? '' : ' (no UI assets in this build: the query API answers under /api)'}`);
      console.log(`OTEL_EXPORTER_OTLP_ENDPOINT=${otlpHttp}`);
      console.log(`JAEGER_UI=${ui}`);
      return 0;
    }
    case 'stop':
      await stopJaeger({ log });
      return 0;
    case 'status': {
      const { pid, ui } = await jaegerStatus();
      const owner = pid !== undefined ? `launcher pid ${pid}` : 'not started by this launcher';
      console.log(ui ? `running (${owner}) JAEGER_UI=${ui}` : pid !== undefined ? `starting or unresponsive (${owner})` : 'stopped');
      return ui ? 0 : 3;
    }
    default:
      throw new Error(USAGE);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`[jaeger] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
