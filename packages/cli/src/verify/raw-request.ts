/** A saved HTTP request: its headers (names lower-cased) and its body, byte for byte. */
export interface RawRequest {
  method: string | undefined;
  path: string | undefined;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Parses a saved webhook request: an optional request line (`POST /hooks HTTP/1.1`), header lines, a blank
 * line, then the body. Accepts CRLF or LF line ends and `curl -v`'s `> ` prefixes (its `*` and `<` lines are
 * skipped). The body is kept as bytes, cut to Content-Length when that header is there (so a newline an editor
 * added at the end does not break the signature); repeated headers are joined with ", " except that
 * webhook-signature values are joined with a space, as the header carries space-separated signatures.
 */
export function parseRawRequest(raw: Buffer): RawRequest {
  let headerEnd = -1;
  let sepLength = 0;
  for (const blank of ['\r\n\r\n', '\n\n']) {
    const i = raw.indexOf(blank);
    if (i !== -1 && (headerEnd === -1 || i < headerEnd)) {
      headerEnd = i;
      sepLength = blank.length;
    }
  }
  // curl -v ends the request headers with a line holding only ">".
  const curlEnd = /(^|\r?\n)>\s*\r?\n/.exec(raw.toString('latin1'));
  if (curlEnd && (headerEnd === -1 || curlEnd.index < headerEnd)) {
    headerEnd = curlEnd.index + curlEnd[1]!.length;
    sepLength = curlEnd[0].length - curlEnd[1]!.length;
  }
  const head = (headerEnd === -1 ? raw : raw.subarray(0, headerEnd)).toString('utf8');
  let body = headerEnd === -1 ? Buffer.alloc(0) : raw.subarray(headerEnd + sepLength);

  const headers: Record<string, string> = {};
  let method: string | undefined;
  let path: string | undefined;
  for (const rawLine of head.split(/\r?\n/)) {
    if (rawLine.startsWith('* ') || rawLine.startsWith('< ') || rawLine === '*' || rawLine === '<') continue;
    const line = rawLine.startsWith('> ') ? rawLine.slice(2) : rawLine;
    if (line.trim() === '') continue;
    const requestLine = /^([A-Z]+) (\S+) HTTP\/[\d.]+$/.exec(line.trim());
    if (requestLine && method === undefined && Object.keys(headers).length === 0) {
      method = requestLine[1];
      path = requestLine[2];
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}${name === 'webhook-signature' ? ' ' : ', '}${value}`;
  }
  const length = headers['content-length'];
  if (length !== undefined && /^\d+$/.test(length) && Number(length) <= body.length) body = body.subarray(0, Number(length));
  return { method, path, headers, body };
}
