import net from 'node:net';

/** Whether anything accepts TCP connections on host:port. */
export function portOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Whether 127.0.0.1:port can be listened on now (and is left free again). */
export const canListen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * The first of `count` consecutive ports free on 127.0.0.1 right now, for a process started later to listen on. Drawn
 * below the kernel's ephemeral range (32768–60999 by default): a port the kernel handed out for `listen(0)` and closed
 * again is soon handed to the next `listen(0)` or outgoing connection, so a process started on it a moment later could
 * find it taken. Ports from 20000–32767 are only ever taken by someone choosing them.
 */
export async function freePortRun(count: number): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const base = 20_000 + Math.floor(Math.random() * (32_768 - 20_000 - count + 1));
    const free = await Promise.all(Array.from({ length: count }, (_, n) => canListen(base + n)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports in 20000-32767 on 127.0.0.1`);
}

/** A port free on 127.0.0.1 right now, drawn as {@link freePortRun} draws them. */
export const freePort = (): Promise<number> => freePortRun(1);
