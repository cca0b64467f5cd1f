import { chmodSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKafka, stopKafka } from '../../infra/kafka/launcher.ts';
import { startPostgres, stopPostgres } from '../../infra/postgres/launcher.ts';
import { TcpProxy } from '../tracker-tcp-proxy.ts';
import { freePort, freePortRun } from '../support/service-processes.ts';

const root = join(import.meta.dirname, '..', '..');


/**
 * The chaos run's own Kafka broker and PostgreSQL (never the shared ones: the run restarts both), in a temporary
 * HOOKLINE_HOME that reuses the checkout's jar cache. The broker has a second listener advertised at a TCP proxy:
 * a client bootstrapped through the proxy keeps talking through it (Kafka answers each listener with its own
 * advertised address), so cutting the proxy parts that client, and only it, from the broker.
 */
export class ChaosInfra {
  readonly home: string;
  readonly kafkaPort: number;
  readonly pgPort: number;
  readonly proxy: TcpProxy;
  readonly databaseUrl: string;

  private constructor(home: string, kafkaPort: number, pgPort: number, proxy: TcpProxy, databaseUrl: string) {
    this.home = home;
    this.kafkaPort = kafkaPort;
    this.pgPort = pgPort;
    this.proxy = proxy;
    this.databaseUrl = databaseUrl;
  }

  /** Bootstrap address of the direct listener. */
  get brokers(): string {
    return `127.0.0.1:${this.kafkaPort}`;
  }

  /** Bootstrap address through the proxy: every connection of a client using it goes through the proxy. */
  get proxiedBrokers(): string {
    return `127.0.0.1:${this.proxy.port}`;
  }

  static async start(log: (msg: string) => void): Promise<ChaosInfra> {
    const home = mkdtempSync(join(tmpdir(), 'hookline-chaos-'));
    chmodSync(home, 0o755); // PostgreSQL runs as its own OS user, which must reach its data directory here.
    if (existsSync(join(root, '.hookline', 'cache'))) symlinkSync(join(root, '.hookline', 'cache'), join(home, 'cache'));
    const kafkaPort = await freePortRun(3); // the broker, its controller, the proxied listener
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: kafkaPort + 2 });
    const pgPort = await freePort();
    const infra = new ChaosInfra(home, kafkaPort, pgPort, proxy, '');
    const [, pg] = await Promise.all([infra.startBroker(log), startPostgres({ home, port: pgPort, log })]);
    return new ChaosInfra(home, kafkaPort, pgPort, proxy, pg.databaseUrl);
  }

  async startBroker(log: (msg: string) => void = () => {}): Promise<void> {
    await startKafka({
      home: this.home,
      port: this.kafkaPort,
      log,
      extraListeners: [{ name: 'PROXIED', port: this.kafkaPort + 2, advertisedPort: this.proxy.port }],
    });
  }

  /** Stops the broker (SIGTERM, as an orchestrator's rolling restart does) and starts it again. */
  async restartBroker(): Promise<void> {
    await stopKafka({ home: this.home });
    await this.startBroker();
  }

  /** Stops PostgreSQL (fast shutdown: every connection is closed) and starts it again. */
  async restartPostgres(): Promise<void> {
    await stopPostgres({ home: this.home });
    await startPostgres({ home: this.home, port: this.pgPort });
  }

  async stop(): Promise<void> {
    await this.proxy.close().catch(() => {});
    await Promise.allSettled([stopKafka({ home: this.home, clean: true }), stopPostgres({ home: this.home, clean: true })]);
    rmSync(this.home, { recursive: true, force: true });
  }
}
