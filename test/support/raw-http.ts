import { connect, type Socket } from 'node:net';

/** What came back on a raw connection: the first response (if any), and how the connection ended. */
export interface RawResult {
  status: number | undefined;
  headers: Record<string, string>;
  body: string;
  /** Every byte the server sent (a second response would show here). */
  raw: string;
  /** Milliseconds from connecting until the server closed the connection (undefined: we closed it). */
  closedAfterMs: number | undefined;
  /** Bytes this client wrote. */
  sent: number;
}

/** Parses the first HTTP/1.1 response of a byte stream. */
export function parseResponse(raw: string): Pick<RawResult, 'status' | 'headers' | 'body'> {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { status: undefined, headers: {}, body: '' };
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1]);
  const length = headers['content-length'] !== undefined ? Number(headers['content-length']) : undefined;
  const rest = raw.slice(end + 4);
  return { status: Number.isNaN(status) ? undefined : status, headers, body: length !== undefined ? rest.slice(0, length) : rest };
}

/**
 * Opens a TCP connection, lets `drive` write to it (it may wait, drip or destroy), and collects what the server
 * sends until it closes the connection or `timeoutMs` passes (then we close it).
 */
export function rawExchange(
  port: number,
  drive: (socket: Socket, stopped: () => boolean) => Promise<void> | void,
  timeoutMs = 5_000,
): Promise<RawResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let closedByServer: number | undefined;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const raw = Buffer.concat(chunks).toString('latin1');
      resolve({ ...parseResponse(raw), raw, closedAfterMs: closedByServer, sent: socket.bytesWritten });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => {});
    socket.on('end', () => {
      closedByServer ??= Date.now() - started;
      finish();
    });
    socket.on('close', () => {
      if (!done) closedByServer ??= Date.now() - started;
      finish();
    });
    socket.once('connect', () => {
      Promise.resolve(drive(socket, () => done)).catch(() => {});
    });
  });
}

/** Writes and waits for the write to be flushed (false when the socket is gone). */
export function write(socket: Socket, data: string | Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed || !socket.writable) return resolve(false);
    socket.write(data, (err) => resolve(!err));
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
