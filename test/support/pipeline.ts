import { loadConfig } from '@hookline/config';
import { createLogger, type Logger } from '@hookline/telemetry';
import { waitFor, type TestWorld } from '@hookline/testing';
import { request } from 'undici';
import { createApp as createDispatcher, type DispatcherApp } from '../../services/dispatcher/src/app.ts';
import { dispatcherConfigShape } from '../../services/dispatcher/src/config.ts';
import { createApp as createIngest } from '../../services/ingest/src/app.ts';
import { ingestConfigShape } from '../../services/ingest/src/config.ts';
import { createApp as createTracker } from '../../services/tracker/src/app.ts';
import { trackerConfigShape } from '../../services/tracker/src/config.ts';

const defaultLog = createLogger({ service: 'test', level: process.env.TEST_LOG_LEVEL ?? 'warn' });

/** The services a test runs in-process, in its own world. */
export interface Pipeline {
  api: string;
  /** The routes ingest serves (empty when ingest is not running). */
  routes: Array<{ method: string; path: string }>;
  /** The HTTP port of each running service (API, or health and metrics). */
  ports: Partial<Record<'ingest' | 'dispatcher' | 'tracker', number>>;
  /** The running dispatcher, when started (its directory tells when a new endpoint is subscribed). */
  dispatcher?: DispatcherApp;
  stop(): Promise<void>;
}

/**
 * Starts the chosen services in-process against the world's topics and schema (env overrides on top), logging to
 * `log` (e.g. a logger whose destination is a {@link LogCapture}) or to stdout at `TEST_LOG_LEVEL` (warn).
 */
export async function startPipeline(
  world: TestWorld,
  opts: { services?: Array<'ingest' | 'dispatcher' | 'tracker'>; env?: Record<string, string>; log?: Logger } = {},
): Promise<Pipeline> {
  const log = opts.log ?? defaultLog;
  const env = { ...world.env, ...opts.env };
  const wanted = new Set(opts.services ?? ['ingest', 'dispatcher', 'tracker']);
  const apps: Array<{ stop(): Promise<void> }> = [];
  let api = '';
  let routes: Pipeline['routes'] = [];
  const ports: Pipeline['ports'] = {};
  let dispatcherApp: DispatcherApp | undefined;
  if (wanted.has('ingest')) {
    const ingest = await createIngest(loadConfig(ingestConfigShape, env), log);
    api = ingest.url;
    routes = ingest.routes;
    ports.ingest = ingest.port;
    apps.push(ingest);
  }
  if (wanted.has('dispatcher')) {
    const dispatcher = await createDispatcher(loadConfig(dispatcherConfigShape, env), log);
    ports.dispatcher = dispatcher.port;
    dispatcherApp = dispatcher;
    apps.push(dispatcher);
  }
  if (wanted.has('tracker')) {
    const tracker = await createTracker(loadConfig(trackerConfigShape, env), log);
    ports.tracker = tracker.port;
    apps.push(tracker);
  }
  return { api, routes, ports, ...(dispatcherApp ? { dispatcher: dispatcherApp } : {}), stop: async () => void (await Promise.all(apps.map((a) => a.stop()))) };
}

/** A JSON response as tests look at it. */
export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: any;
}

/** Calls the API: JSON in and out, bearer token optional, extra headers allowed. */
export async function call(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const res = await request(url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.statusCode, headers: res.headers, json };
}

/** Creates a tenant through the admin API and returns its id and API key. */
export async function createTenant(api: string, adminToken: string, name = 'tenant'): Promise<{ id: string; apiKey: string }> {
  const res = await call('POST', `${api}/v1/tenants`, adminToken, { name });
  if (res.status !== 201) throw new Error(`creating a tenant answered ${res.status}: ${JSON.stringify(res.json)}`);
  return { id: res.json.id, apiKey: res.json.apiKey };
}

/** How many records a topic holds (sum of high minus low watermarks): exact for non-transactional producers. */
export async function recordCount(world: TestWorld, topic: string): Promise<number> {
  const admin = world.kafka.admin();
  await admin.connect();
  try {
    // A topic created moments ago may still answer "not the leader" for a partition (a fresh clone's CI saw it once):
    // the read is retried until the partitions' leaders answer.
    const offsets = await waitFor(() => admin.fetchTopicOffsets(topic), { timeoutMs: 15_000, intervalMs: 100, description: `the offsets of ${topic}` });
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}
