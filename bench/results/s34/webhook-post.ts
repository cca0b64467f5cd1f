/**
 * The dispatcher's HTTP client alone (`WebhookClient.post` through the guarded undici agent): CPU per POST in this
 * process, the collections it causes included, against a loopback receiver in a child process answering 200 with a
 * short body. 1 KiB bodies, the Standard Webhooks headers, 100 in flight over 10 connections (ten endpoints' worth).
 * The client module is the first argument, so the tree before a change is measured by the same script:
 *
 *   node bench/results/s34/webhook-post.ts [path/to/webhook-client.ts] [seconds = 5]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

if (process.argv[2] === '--receiver') {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  });
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as { port: number }).port));
} else {
  const clientPath = resolve(process.argv[2] ?? 'services/dispatcher/src/deliver/webhook-client.ts');
  const seconds = Number(process.argv[3] ?? 5);
  const { WebhookClient } = (await import(pathToFileURL(clientPath).href)) as typeof import('../../../services/dispatcher/src/deliver/webhook-client.ts');
  const { createGuardedAgent } = (await import(pathToFileURL(resolve(dirname(clientPath), 'guarded-agent.ts')).href)) as typeof import('../../../services/dispatcher/src/deliver/guarded-agent.ts');
  const { AddressPolicy } = await import('@hookline/netguard');

  const receiver = fork(new URL(import.meta.url).pathname, ['--receiver'], { stdio: 'inherit' });
  const [port] = (await once(receiver, 'message')) as [number];
  const client = new WebhookClient({ allowHttp: true, agent: createGuardedAgent(new AddressPolicy({ allowPrivate: true }), { connections: 10 }) });
  const body = JSON.stringify({ type: 'order.created', data: { pad: 'x'.repeat(960) } });
  const headers = {
    'content-type': 'application/json', 'user-agent': 'Hookline/0.1', 'webhook-id': 'msg_2p0nQ8aJx1KJm3fG0hS6g',
    'webhook-timestamp': '1733350000', 'webhook-signature': `v1,${'A'.repeat(43)}=`,
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  };
  const url = `http://127.0.0.1:${port}/hooks/ep_1?x=1`;

  let gcCount = 0;
  new PerformanceObserver((list) => { gcCount += list.getEntries().length; }).observe({ entryTypes: ['gc'] });

  async function run(ms: number): Promise<{ posts: number; cpuUs: number; gcs: number }> {
    const gc0 = gcCount;
    const cpu0 = process.cpuUsage();
    const until = performance.now() + ms;
    let posts = 0;
    await Promise.all(Array.from({ length: 100 }, async () => {
      while (performance.now() < until) {
        const out = await client.post(url, { body, headers }, 5_000);
        if (out.result.kind !== 'response' || out.result.statusCode !== 200) throw new Error(JSON.stringify(out.result));
        posts += 1;
      }
    }));
    const cpu = process.cpuUsage(cpu0);
    return { posts, cpuUs: cpu.user + cpu.system, gcs: gcCount - gc0 };
  }

  await run(1_000); // warm-up
  const r = await run(seconds * 1_000);
  console.log(`${clientPath}: ${r.posts} posts in ${seconds} s, ${(r.cpuUs / r.posts).toFixed(1)} µs CPU per post, ${(1_000 * r.gcs / r.posts).toFixed(2)} collections per 1,000`);
  await client.close();
  receiver.kill();
}
