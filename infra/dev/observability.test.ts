import { describe, expect, it } from 'vitest';
import { jaegerLink, observabilityWanted, otlpEnv } from './observability.ts';

describe('npm start --observability', () => {
  it('is asked for by the flag or HOOKLINE_OBSERVABILITY=true, and only then', () => {
    expect(observabilityWanted(['--observability'], {})).toBe(true);
    expect(observabilityWanted([], { HOOKLINE_OBSERVABILITY: 'true' })).toBe(true);
    expect(observabilityWanted([], {})).toBe(false);
    expect(observabilityWanted([], { HOOKLINE_OBSERVABILITY: 'false' })).toBe(false);
  });

  it('points the services at Jaeger, keeping what the user set', () => {
    expect(otlpEnv('http://127.0.0.1:4318', {})).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_SAMPLER_ARG: '1',
    });
    expect(otlpEnv('http://127.0.0.1:4318', { OTEL_TRACES_SAMPLER_ARG: '0.5', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    });
  });

  it('links the UI when the binary has it, else the query API', () => {
    expect(jaegerLink('http://127.0.0.1:16686', true)).toBe('http://127.0.0.1:16686/search?service=hookline-ingest');
    expect(jaegerLink('http://127.0.0.1:16686', false)).toBe('http://127.0.0.1:16686/api/traces?service=hookline-ingest&limit=20');
  });
});
