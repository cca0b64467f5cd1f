import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { serveIpc } from '../lib/ipc.ts';
import { nowMs } from '../lib/stats.ts';

/**
 * The webhook receiver of the benchmarks, in its own process: one HTTP listener per endpoint (so each endpoint is
 * its own origin, as in production), recording the first arrival time of every `webhook-id` and answering 200.
 * A listener can be told to `hang` (never answer; the sender's timeout ends the request) or go `down` (closed:
 * connections are refused) and come back `ok` on the same port.
 */
type Mode = 'ok' | 'hang' | 'down';

interface Listener {
  index: number;
  port: number;
  mode: Mode;
  server: Server;
  sockets: Set<Socket>;
  /** First arrival (ms since epoch) of each webhook-id answered 200. */
  arrivals: Map<string, number>;
  duplicates: number;
  hung: number;
}

const listeners: Listener[] = [];

function handler(l: Listener) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const at = nowMs();
    const id = req.headers['webhook-id'];
    req.resume();
    if (l.mode === 'hang') {
      l.hung++;
      return; // Never answered: the client gives up at its timeout and closes the socket.
    }
    req.on('end', () => {
      if (typeof id === 'string') {
        if (l.arrivals.has(id)) l.duplicates++;
        else l.arrivals.set(id, at);
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).end('ok');
    });
  };
}

function listen(l: Listener, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    l.server.once('error', reject);
    l.server.listen(port, '127.0.0.1', () => {
      l.server.off('error', reject);
      resolve((l.server.address() as AddressInfo).port);
    });
  });
}

function newServer(l: Listener): Server {
  const server = createServer({ keepAliveTimeout: 60_000, requestTimeout: 0 }, handler(l));
  server.on('connection', (s: Socket) => {
    l.sockets.add(s);
    s.on('close', () => l.sockets.delete(s));
  });
  return server;
}

async function setMode(l: Listener, mode: Mode): Promise<void> {
  if (mode === l.mode) return;
  if (mode === 'down') {
    l.mode = 'down';
    await new Promise<void>((resolve) => {
      l.server.close(() => resolve());
      for (const s of l.sockets) s.destroy();
    });
    return;
  }
  if (l.mode === 'down') {
    l.server = newServer(l);
    await listen(l, l.port);
  }
  l.mode = mode;
}

const counts = () => {
  const perListener = listeners.map((l) => l.arrivals.size);
  return {
    perListener,
    total: perListener.reduce((a, b) => a + b, 0),
    duplicates: listeners.reduce((a, l) => a + l.duplicates, 0),
    hung: listeners.reduce((a, l) => a + l.hung, 0),
    at: nowMs(),
  };
};

serveIpc('receiver', {
  async listen(msg: { count: number }) {
    for (let i = 0; i < msg.count; i++) {
      const l: Listener = { index: listeners.length, port: 0, mode: 'ok', server: undefined as unknown as Server, sockets: new Set(), arrivals: new Map(), duplicates: 0, hung: 0 };
      l.server = newServer(l);
      l.port = await listen(l, 0);
      listeners.push(l);
    }
    return { ports: listeners.map((l) => l.port) };
  },
  async mode(msg: { mode: Mode; indexes?: number[] }) {
    const chosen = msg.indexes ? msg.indexes.map((i) => listeners[i]!) : listeners;
    await Promise.all(chosen.map((l) => setMode(l, msg.mode)));
    return {};
  },
  counts,
  /** First arrival times per listener: `arrivals[i]` maps webhook-id → ms since epoch. */
  arrivals: () => ({ arrivals: listeners.map((l) => l.arrivals) }),
  reset() {
    for (const l of listeners) {
      l.arrivals = new Map();
      l.duplicates = 0;
      l.hung = 0;
    }
    return {};
  },
});
