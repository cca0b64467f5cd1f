import { describe, expect, it } from 'vitest';
import { renderServerProperties } from './config.ts';
import { kafkaPaths } from './paths.ts';
import { scramFormatArguments } from './security.ts';

const paths = kafkaPaths('/tmp/hookline-config-test', '4.1.1');
const prop = (text: string, key: string) => new RegExp(`^${key.replace(/\./g, '\\.')}=(.*)$`, 'm').exec(text)?.[1];

describe('renderServerProperties', () => {
  it('has one client listener and the controller by default', () => {
    const text = renderServerProperties(paths, 19_000);
    expect(prop(text, 'listeners')).toBe('PLAINTEXT://127.0.0.1:19000,CONTROLLER://127.0.0.1:19001');
    expect(prop(text, 'advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19000');
    expect(prop(text, 'listener.security.protocol.map')).toBe('PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT');
    // The cleaner's dedupe buffer lives on the broker's heap for good: 16 MiB, not Kafka's 128.
    expect(prop(text, 'log.cleaner.dedupe.buffer.size')).toBe('16777216');
  });

  it('adds an extra listener that advertises another port (a proxy in front of it)', () => {
    const text = renderServerProperties(paths, 19_000, [{ name: 'PROXIED', port: 19_002, advertisedPort: 19_500 }]);
    expect(prop(text, 'listeners')).toBe('PLAINTEXT://127.0.0.1:19000,CONTROLLER://127.0.0.1:19001,PROXIED://127.0.0.1:19002');
    // PLAINTEXT stays first: the launcher reads the running broker's port from it.
    expect(prop(text, 'advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19000,PROXIED://127.0.0.1:19500');
    expect(prop(text, 'listener.security.protocol.map')).toBe('PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,PROXIED:PLAINTEXT');
    expect(prop(text, 'inter.broker.listener.name')).toBe('PLAINTEXT');
  });

  it('refuses a listener name Kafka would not accept or that is taken', () => {
    for (const name of ['proxied', 'PLAINTEXT', 'CONTROLLER', 'A-B', '']) {
      expect(() => renderServerProperties(paths, 19_000, [{ name, port: 19_002, advertisedPort: 19_500 }])).toThrow(/extra Kafka listener name/);
    }
  });

  it('adds SASL and SSL listeners only when asked: their protocols, mechanisms, JAAS users, PEM stores and client auth', () => {
    const plain = renderServerProperties(paths, 19_000);
    expect(plain).not.toMatch(/sasl|ssl/i);
    const security = { users: [{ username: 'alice', password: 'alice-secret' }], tls: { certificatePem: 'C', keyPem: 'K', caPem: 'A' } };
    const text = renderServerProperties(paths, 19_000, [
      { name: 'SASL', port: 19_002, advertisedPort: 19_002, protocol: 'SASL_PLAINTEXT' },
      { name: 'MTLS', port: 19_003, advertisedPort: 19_003, protocol: 'SSL', clientAuth: true },
    ], security);
    expect(prop(text, 'listener.security.protocol.map')).toBe('PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL:SASL_PLAINTEXT,MTLS:SSL');
    expect(prop(text, 'inter.broker.listener.name')).toBe('PLAINTEXT');
    expect(prop(text, 'sasl.enabled.mechanisms')).toBe('PLAIN,SCRAM-SHA-256,SCRAM-SHA-512');
    expect(prop(text, 'listener.name.sasl.plain.sasl.jaas.config')).toBe('org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret";');
    expect(prop(text, 'listener.name.sasl.scram-sha-512.sasl.jaas.config')).toContain('ScramLoginModule required;');
    expect(prop(text, 'ssl.keystore.type')).toBe('PEM');
    expect(prop(text, 'ssl.keystore.location')).toBe(`${paths.configDir}/keystore.pem`);
    expect(prop(text, 'listener.name.mtls.ssl.client.auth')).toBe('required');
    expect(scramFormatArguments(security)).toEqual(['--add-scram', 'SCRAM-SHA-256=[name=alice,password=alice-secret]', '--add-scram', 'SCRAM-SHA-512=[name=alice,password=alice-secret]']);
  });

  it('refuses SASL or SSL listeners without users or a certificate, and users that would not survive JAAS or --add-scram', () => {
    expect(() => renderServerProperties(paths, 19_000, [{ name: 'S', port: 19_002, advertisedPort: 19_002, protocol: 'SASL_SSL' }], { users: [{ username: 'a', password: 'b' }] })).toThrow(/security\.tls/);
    expect(() => renderServerProperties(paths, 19_000, [{ name: 'S', port: 19_002, advertisedPort: 19_002, protocol: 'SASL_PLAINTEXT' }])).toThrow(/security\.users/);
    expect(() => scramFormatArguments({ users: [{ username: 'a', password: 'x",y' }] })).toThrow(/1-64 of/);
  });
});
