import type { SecretBox } from '../secret-box.ts';

/**
 * Where an endpoint's deliveries go: an HTTP POST to its url (default), a record on a Kafka topic, or stored for its
 * consumer to pull (GET /v1/endpoints/{id}/messages).
 */
export type EndpointType = 'http' | 'kafka' | 'pull';

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/**
 * A Kafka-topic destination with its secrets in plain text: what the API receives and what the dispatcher connects
 * with. `key`: `eventId`, `orderingKey`, or a dotted path into the event's data.
 */
export interface KafkaDestination {
  bootstrapServers: string[];
  topic: string;
  key: string;
  sasl: { mechanism: SaslMechanism; username: string; password: string } | null;
  /** null: plaintext; else TLS with an optional CA, client certificate and key (PEM). */
  tls: { ca?: string | undefined; cert?: string | undefined; key?: string | undefined; rejectUnauthorized?: boolean | undefined } | null;
}

/** What the API shows of a destination: never the SASL password or the TLS private key. */
export interface KafkaDestinationView {
  bootstrapServers: string[];
  topic: string;
  key: string;
  sasl: { mechanism: SaslMechanism; username: string } | null;
  tls: boolean | { ca?: string | undefined; cert?: string | undefined; rejectUnauthorized?: boolean | undefined; hasClientKey: boolean };
}

/** The `kafka` column: the destination with its secrets as SecretBox ciphertexts. */
export interface StoredKafkaDestination {
  bootstrapServers: string[];
  topic: string;
  key: string;
  sasl: { mechanism: SaslMechanism; username: string; passwordCiphertext: string } | null;
  tls: { ca?: string; cert?: string; keyCiphertext?: string; rejectUnauthorized?: boolean } | null;
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export function sealKafka(d: KafkaDestination, box: SecretBox): StoredKafkaDestination {
  return {
    bootstrapServers: d.bootstrapServers,
    topic: d.topic,
    key: d.key,
    sasl: d.sasl ? { mechanism: d.sasl.mechanism, username: d.sasl.username, passwordCiphertext: box.encrypt(d.sasl.password) } : null,
    tls: d.tls ? defined({ ca: d.tls.ca, cert: d.tls.cert, keyCiphertext: d.tls.key === undefined ? undefined : box.encrypt(d.tls.key), rejectUnauthorized: d.tls.rejectUnauthorized }) : null,
  };
}

export function openKafkaSettings(s: StoredKafkaDestination, box: SecretBox): KafkaDestination {
  return {
    bootstrapServers: s.bootstrapServers,
    topic: s.topic,
    key: s.key,
    sasl: s.sasl ? { mechanism: s.sasl.mechanism, username: s.sasl.username, password: box.decrypt(s.sasl.passwordCiphertext) } : null,
    tls: s.tls ? defined({ ca: s.tls.ca, cert: s.tls.cert, key: s.tls.keyCiphertext === undefined ? undefined : box.decrypt(s.tls.keyCiphertext), rejectUnauthorized: s.tls.rejectUnauthorized }) : null,
  };
}

export function viewKafka(s: StoredKafkaDestination): KafkaDestinationView {
  const tls = s.tls;
  const tlsDetails = tls && (tls.ca !== undefined || tls.cert !== undefined || tls.keyCiphertext !== undefined || tls.rejectUnauthorized !== undefined);
  return {
    bootstrapServers: s.bootstrapServers,
    topic: s.topic,
    key: s.key,
    sasl: s.sasl ? { mechanism: s.sasl.mechanism, username: s.sasl.username } : null,
    tls: !tls ? false : !tlsDetails ? true : defined({ ca: tls.ca, cert: tls.cert, rejectUnauthorized: tls.rejectUnauthorized, hasClientKey: tls.keyCiphertext !== undefined }),
  };
}

/** What a kafka endpoint's `url` column says (a description; nothing connects to it). */
export const kafkaUrl = (d: { bootstrapServers: readonly string[]; topic: string }) => `kafka://${d.bootstrapServers[0] ?? ''}/${encodeURIComponent(d.topic)}`;
