import { describe, expect, it } from 'vitest';
import { jvmOptions } from './launcher.ts';

describe('the broker JVM options', () => {
  it('defaults to a bounded G1 heap', () => {
    const opts = jvmOptions({});
    expect(opts).toContain('-Xmx1g');
    expect(opts).toContain('-Djava.awt.headless=true');
  });

  it('takes HOOKLINE_KAFKA_JVM_OPTS, split on whitespace, in place of the heap and GC defaults', () => {
    expect(jvmOptions({ HOOKLINE_KAFKA_JVM_OPTS: '  -Xmx512m   -XX:+UseSerialGC ' })).toEqual(['-Xmx512m', '-XX:+UseSerialGC', '-Djava.awt.headless=true']);
    expect(jvmOptions({ HOOKLINE_KAFKA_JVM_OPTS: ' ' })).toEqual(jvmOptions({}));
  });
});
