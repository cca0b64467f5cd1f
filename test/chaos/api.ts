import { request } from 'undici';

/** A JSON call to the chaos run's ingest; network errors come back as status 0 (the caller decides to retry). */
export async function api(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any }> {
  try {
    const res = await request(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const text = await res.body.text();
    return { status: res.statusCode, json: text ? JSON.parse(text) : null };
  } catch (error) {
    return { status: 0, json: { error: String(error) } };
  }
}

/** Calls until `accept` holds, at most `tries` times, 500 ms apart (a caller riding out a fault). */
export async function retrying(call: () => ReturnType<typeof api>, accept: (status: number) => boolean, tries = 240): Promise<{ status: number; json: any; tries: number }> {
  let last = { status: 0, json: null as any };
  for (let i = 1; i <= tries; i++) {
    last = await call();
    if (accept(last.status)) return { ...last, tries: i };
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`still ${last.status} after ${tries} tries: ${JSON.stringify(last.json)}`);
}
