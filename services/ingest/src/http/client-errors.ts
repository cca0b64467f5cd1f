import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';

/** The status Node would answer for an error of its HTTP parser or of its request timers, and our code for it. */
function classify(code: string | undefined): { status: number; code: string; detail: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'HKL_API_HEADERS_TOO_LARGE', detail: 'the request line and headers are larger than the server accepts (16 KiB)' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'HKL_API_TOO_LARGE', detail: 'the chunk extensions are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'HKL_API_REQUEST_TIMEOUT', detail: 'the request did not arrive in full within HTTP_REQUEST_TIMEOUT' };
    default:
      return { status: 400, code: 'HKL_API_MALFORMED_REQUEST', detail: 'the request is not valid HTTP/1.1' };
  }
}

/** A complete HTTP/1.1 response carrying an RFC 9457 problem document, closing the connection. */
export function problemResponse(status: number, code: string, detail: string): string {
  const body = JSON.stringify({ type: `urn:hookline:problem:${code}`, title: STATUS_CODES[status] ?? 'Error', status, detail, code });
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    'Content-Type: application/problem+json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

/**
 * Answers what Node's HTTP server refuses before express sees it (a malformed request line or headers, headers
 * over 16 KiB, a request not received within the request timeout) with a problem document instead of Node's bare
 * `400 Bad Request`, then closes the connection. Like Node's own handler, it writes only when no response has
 * started on the connection, so a peer is never sent a corrupt stream.
 */
export function answerClientErrors(server: Server, onError: (err: Error & { code?: string }, status: number) => void): void {
  server.on('clientError', (err: Error & { code?: string }, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    // `_httpMessage` is the response in flight on this connection, if any (what Node's default handler checks).
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent: boolean } })._httpMessage;
    if (inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const { status, code, detail } = classify(err.code);
    onError(err, status);
    // Destroyed once written (a peer that keeps sending would otherwise hold a half-closed socket), or after a
    // second at most when the peer does not read.
    const timer = setTimeout(() => socket.destroy(), 1_000);
    timer.unref();
    socket.write(problemResponse(status, code, detail), () => {
      clearTimeout(timer);
      socket.destroy();
    });
  });
}
