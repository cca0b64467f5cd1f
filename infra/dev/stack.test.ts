import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configuredPart, part, whyNotStarted } from './stack.ts';

/** A part whose "launcher" only names a real listening socket, counting the connections made to it. */
describe('a part is watched by its pid when its launcher keeps one, by its port otherwise', () => {
  let server: net.Server;
  let port = 0;
  let connections = 0;
  beforeAll(async () => {
    server = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const launch = async () => ({ address: `http://127.0.0.1:${port}`, reused: true });
  const connectionsDuring = async (answers: () => Promise<boolean>, times: number) => {
    const before = connections;
    const results = [];
    for (let i = 0; i < times; i++) results.push(await answers());
    // A connection the server has not accepted yet would be missed: one more probe of our own settles the count.
    await new Promise<void>((resolve) => net.connect({ host: '127.0.0.1', port }).once('connect', function (this: net.Socket) { this.destroy(); resolve(); }));
    await new Promise((resolve) => setImmediate(resolve));
    return { results, made: connections - before - 1 };
  };

  it('with a pid: alive while the process lives, without a connection', async () => {
    const watched = part('jaeger', launch, async () => undefined, () => undefined, () => process.pid);
    await watched.start();
    expect(watched.pid).toBe(process.pid);
    const { results, made } = await connectionsDuring(() => watched.answers(), 5);
    expect(results).toEqual([true, true, true, true, true]);
    expect(made).toBe(0);
  });

  it('with a pid that is gone: not there', async () => {
    const watched = part('jaeger', launch, async () => undefined, () => undefined, () => 2 ** 22 + 1);
    await watched.start();
    expect(await watched.answers()).toBe(false);
  });

  it('without a pid (a launcher that keeps none, or a configured one): a connection per check', async () => {
    const local = part('jaeger', launch, async () => undefined, () => undefined, () => undefined);
    await local.start();
    expect(local.pid).toBeUndefined();
    expect((await connectionsDuring(() => local.answers(), 3)).made).toBe(3);
    const configured = configuredPart('database', `postgres://u@127.0.0.1:${port}/db`);
    expect((await connectionsDuring(() => configured.answers(), 2)).made).toBe(2);
  });
});

describe("the banner's reason for a part that did not start", () => {
  it("keeps the error's first line and the last lines of the log it carries", () => {
    const log = Array.from({ length: 40 }, (_, i) => `log line ${i + 1}`);
    const error = new Error(`Jaeger (pid 5281) exited during startup. Last lines of /h/jaeger/jaeger.log:\n${log.join('\n')}\n\n`);
    expect(whyNotStarted(error)).toEqual({
      first: 'Jaeger (pid 5281) exited during startup. Last lines of /h/jaeger/jaeger.log:',
      last: ['log line 36', 'log line 37', 'log line 38', 'log line 39', 'log line 40'],
    });
  });

  it('cuts a long log line to the width given', () => {
    const { last } = whyNotStarted(new Error(`failed:\n${'x'.repeat(300)}\nError: bind: address already in use`), 5, 120);
    expect(last).toEqual([`${'x'.repeat(119)}…`, 'Error: bind: address already in use']);
  });

  it('has no lines to add for a one-line error or a thrown string', () => {
    expect(whyNotStarted(new Error('port 16686 (Jaeger) is in use by something else'))).toEqual({ first: 'port 16686 (Jaeger) is in use by something else', last: [] });
    expect(whyNotStarted('gone', 3)).toEqual({ first: 'gone', last: [] });
  });
});
