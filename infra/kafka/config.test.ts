import { describe, expect, it } from 'vitest';
import { renderServerProperties } from './config.ts';
import { kafkaPaths } from './paths.ts';

const paths = kafkaPaths('/tmp/hookline-config-test', '4.1.1');
const prop = (text: string, key: string) => new RegExp(`^${key.replace(/\./g, '\\.')}=(.*)$`, 'm').exec(text)?.[1];

describe('renderServerProperties', () => {
  it('has one client listener and the controller by default', () => {
    const text = renderServerProperties(paths, 19_000);
    expect(prop(text, 'listeners')).toBe('PLAINTEXT://127.0.0.1:19000,CONTROLLER://127.0.0.1:19001');
    expect(prop(text, 'advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19000');
    expect(prop(text, 'listener.security.protocol.map')).toBe('PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT');
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
});
