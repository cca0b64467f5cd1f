import type { SourceTopicMapping } from '@hookline/config';
import { decodeRecord, eventRecord, type Decoded, type EventRecord } from '@hookline/contracts';
import type { FramedDecoder } from './framed-decoder.ts';
import { isRegistryFramed } from './framing.ts';
import { RegistryError } from './registry-error.ts';
import { routeFrame, type RecordHeaders } from './routing.ts';

/**
 * Reads a record of the events topic or a source topic as an event, whatever its form: Hookline's JSON envelope
 * (decoded synchronously, as before) or a registry-framed value (decoded through the registry and routed by its
 * headers or the topic's mapping). Used alike by the dispatcher's fan-out and the tracker, so both see the same event.
 */
export class EventDecoder {
  readonly #loadFrames: (() => Promise<FramedDecoder>) | undefined;
  #frames: Promise<FramedDecoder> | undefined;
  readonly #mapping: SourceTopicMapping;

  /**
   * `frames`: the registry decoder, made on the first framed record. Its libraries (the registry client, avsc,
   * protobufjs, Ajv) cost each process ~20 MiB of memory once loaded, and most deployments never see a framed record.
   */
  constructor(opts: { frames?: (() => Promise<FramedDecoder>) | undefined; mapping?: SourceTopicMapping }) {
    this.#loadFrames = opts.frames;
    this.#mapping = opts.mapping ?? {};
  }

  /** True when decoding `value` needs the registry (it is framed): the caller awaits {@link decodeFramed}. */
  needsRegistry(value: Buffer | null): value is Buffer {
    return isRegistryFramed(value);
  }

  /** A JSON envelope (never throws). */
  decodeJson(value: Buffer | null): Decoded<EventRecord> {
    return decodeRecord(eventRecord, value);
  }

  /**
   * A registry-framed value: the event, or why it is invalid (unknown schema id, does not decode, no routing).
   * Throws a retryable {@link RegistryError} (`unavailable`) when the registry is needed and does not answer.
   */
  async decodeFramed(topic: string, value: Buffer, headers: RecordHeaders | undefined): Promise<Decoded<EventRecord>> {
    if (!this.#loadFrames) {
      return { ok: false, reason: 'HKL_REGISTRY_NOT_CONFIGURED: a registry-framed value (magic byte 0), but no SCHEMA_REGISTRY_URL is configured to decode it' };
    }
    this.#frames ??= this.#loadFrames();
    try {
      return routeFrame(topic, await (await this.#frames).decode(value), headers, this.#mapping[topic]);
    } catch (err) {
      if (err instanceof RegistryError && !err.retryable) return { ok: false, reason: err.reason };
      throw err;
    }
  }
}

/**
 * The decoder a consumer of events builds from its configuration (`SCHEMA_REGISTRY_URL`, `SOURCE_TOPIC_MAPPING`).
 * Throws, before any connection is opened, when the mapping names a topic the service does not consume.
 */
export function eventDecoderFor(config: { SCHEMA_REGISTRY_URL?: string | undefined; SOURCE_TOPIC_MAPPING: SourceTopicMapping }, consumedTopics: readonly string[]): EventDecoder {
  const stray = Object.keys(config.SOURCE_TOPIC_MAPPING).filter((t) => !consumedTopics.includes(t));
  if (stray.length > 0) {
    throw new Error(`SOURCE_TOPIC_MAPPING: ${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} neither in SOURCE_TOPICS nor the events topic (${consumedTopics.join(', ')})`);
  }
  return new EventDecoder({
    frames: config.SCHEMA_REGISTRY_URL ? async () => new (await import('./framed-decoder.ts')).FramedDecoder({ url: config.SCHEMA_REGISTRY_URL! }) : undefined,
    mapping: config.SOURCE_TOPIC_MAPPING,
  });
}
