import fs from 'node:fs';
import path from 'node:path';
import type { KafkaPaths } from './paths.ts';

/** How a listener's clients connect: Kafka's security protocols. */
export type ListenerProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';

/** A user the broker accepts over its SASL listeners, with PLAIN and with SCRAM-SHA-256 and SCRAM-SHA-512. */
export interface KafkaUser {
  username: string;
  password: string;
}

/**
 * What a broker with SSL/SASL listeners needs (tests of clients that connect with them); absent: a plain broker, as
 * fast to start as ever. The SCRAM credentials are written to the metadata log when the data dir is formatted.
 */
export interface KafkaSecurity {
  /** Accepted over SASL_PLAINTEXT and SASL_SSL listeners, with every mechanism (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512). */
  users?: readonly KafkaUser[];
  /** The broker's certificate for SSL and SASL_SSL listeners (PEM; the key unencrypted PKCS#8), and the CA it trusts for client certificates. */
  tls?: { certificatePem: string; keyPem: string; caPem: string };
}

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

const keystoreFile = (paths: KafkaPaths) => path.join(paths.configDir, 'keystore.pem');
const truststoreFile = (paths: KafkaPaths) => path.join(paths.configDir, 'truststore.pem');

// Names and passwords go into a JAAS config and into kafka-storage's --add-scram syntax: refuse what either would
// parse differently instead of escaping it for both.
const checked = (value: string): string => {
  if (!/^[A-Za-z0-9_.@+-]{1,64}$/.test(value)) throw new Error(`Kafka test user names and passwords: 1-64 of A-Z a-z 0-9 _ . @ + - (got ${JSON.stringify(value.length)} characters)`);
  return value;
};

/**
 * Broker settings for the listeners that use SASL or TLS: the mechanisms, each SASL listener's JAAS config (PLAIN
 * users inline; SCRAM users live in the metadata log) and the PEM key and trust stores. `clientAuth`: listeners
 * (by name) that require a client certificate signed by the trusted CA.
 */
export function renderSecuritySettings(
  paths: KafkaPaths,
  listeners: ReadonlyArray<{ name: string; protocol: ListenerProtocol; clientAuth?: boolean | undefined }>,
  security: KafkaSecurity = {},
): Record<string, string> {
  const settings: Record<string, string> = {};
  const sasl = listeners.filter((l) => l.protocol.startsWith('SASL_'));
  const tls = listeners.filter((l) => l.protocol.endsWith('SSL'));
  if (sasl.length > 0) {
    if (!security.users?.length) throw new Error('a SASL listener needs security.users');
    settings['sasl.enabled.mechanisms'] = SASL_MECHANISMS.join(',');
    const plainUsers = security.users.map((u) => `user_${checked(u.username)}="${checked(u.password)}"`).join(' ');
    for (const l of sasl) {
      const prefix = `listener.name.${l.name.toLowerCase()}`;
      settings[`${prefix}.plain.sasl.jaas.config`] = `org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`;
      for (const m of ['scram-sha-256', 'scram-sha-512']) settings[`${prefix}.${m}.sasl.jaas.config`] = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
    }
  }
  if (tls.length > 0) {
    if (!security.tls) throw new Error('an SSL or SASL_SSL listener needs security.tls');
    settings['ssl.keystore.type'] = 'PEM';
    settings['ssl.keystore.location'] = keystoreFile(paths);
    settings['ssl.truststore.type'] = 'PEM';
    settings['ssl.truststore.location'] = truststoreFile(paths);
    for (const l of tls) if (l.clientAuth) settings[`listener.name.${l.name.toLowerCase()}.ssl.client.auth`] = 'required';
  }
  return settings;
}

/** Writes the PEM key and trust stores the settings name (when TLS is asked for). */
export function writeSecurityFiles(paths: KafkaPaths, security: KafkaSecurity = {}): void {
  if (!security.tls) return;
  fs.writeFileSync(keystoreFile(paths), `${security.tls.keyPem.trim()}\n${security.tls.certificatePem.trim()}\n`, { mode: 0o600 });
  fs.writeFileSync(truststoreFile(paths), `${security.tls.caPem.trim()}\n`);
}

/** `kafka-storage format` arguments that add every user's SCRAM credentials to the new metadata log. */
export function scramFormatArguments(security: KafkaSecurity = {}): string[] {
  return (security.users ?? []).flatMap((u) =>
    ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((m) => ['--add-scram', `${m}=[name=${checked(u.username)},password=${checked(u.password)}]`]),
  );
}
