import { startChild, type Child } from './children.ts';
import { freePort } from './services.ts';
import { waitForPort } from './wait-port.ts';

/** Starts the bench's stand-in OTLP collector (`bench/procs/otlp-sink.ts`) and waits until it listens. */
export async function startOtlpSink(logDir: string): Promise<{ sink: Child; endpoint: string }> {
  const port = await freePort();
  const sink = startChild({ name: 'otlp-sink', script: 'bench/procs/otlp-sink.ts', env: { OTLP_SINK_PORT: String(port) }, logDir });
  await waitForPort(port, 10_000);
  return { sink, endpoint: `http://127.0.0.1:${port}` };
}
