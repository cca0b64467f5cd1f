import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { targetsFragment } from './fragments.ts';
import { loadConfig } from './load-config.ts';

describe('DNS_SERVERS', () => {
  it('defaults to none (the system resolver)', () => {
    expect(loadConfig(targetsFragment, {}).DNS_SERVERS).toEqual([]);
  });

  it('takes IPv4 and IPv6 servers with optional ports', () => {
    const cfg = loadConfig(targetsFragment, { DNS_SERVERS: '127.0.0.1, 127.0.0.1:5353,::1,[::1]:53,[fd00::53]' });
    expect(cfg.DNS_SERVERS).toEqual(['127.0.0.1', '127.0.0.1:5353', '::1', '[::1]:53', '[fd00::53]']);
  });

  it('refuses names, bad ports and malformed addresses, naming each', () => {
    try {
      loadConfig(targetsFragment, { DNS_SERVERS: 'dns.example.com,127.0.0.1:0,127.0.0.1:70000,[127.0.0.1]:53,1.2.3,::1:53:x' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const text = (err as ConfigError).problems.join('\n');
      for (const bad of ['dns.example.com', '127.0.0.1:0', '127.0.0.1:70000', '[127.0.0.1]:53', '1.2.3', '::1:53:x']) expect(text).toContain(`"${bad}"`);
    }
  });
});
