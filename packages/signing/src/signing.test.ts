import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateSecret, isValidSecret } from './secret.ts';
import { sign, verify } from './sign.ts';

describe('secrets', () => {
  it('generates valid Standard Webhooks secrets', () => {
    const s = generateSecret();
    expect(s).toMatch(/^whsec_/);
    expect(isValidSecret(s)).toBe(true);
  });

  it.each(['', 'whsec_', 'whsec_c2hvcnQ=', 'nope_' + 'A'.repeat(44), 'whsec_' + '!'.repeat(44)])(
    'rejects %j',
    (s) => expect(isValidSecret(s)).toBe(false),
  );
});

describe('sign', () => {
  const body = JSON.stringify({ id: 'evt_1', type: 't', data: { n: 1 } });
  const now = 1_700_000_000;

  it('is verified by the standardwebhooks library, for each secret during rotation', () => {
    const oldSecret = generateSecret();
    const newSecret = generateSecret();
    // standardwebhooks checks the timestamp against the wall clock, so this one signs "now".
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = sign([newSecret, oldSecret], { id: 'evt_1', timestamp, body });
    const headers = { 'webhook-id': 'evt_1', 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
    for (const secret of [oldSecret, newSecret]) {
      expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    }
  });

  it('verifies its own signatures and rejects tampering and stale timestamps', () => {
    const secret = generateSecret();
    const header = sign([secret], { id: 'evt_1', timestamp: now, body });
    expect(verify(secret, { id: 'evt_1', timestamp: now, body }, header, now)).toEqual({ ok: true });
    expect(verify(secret, { id: 'evt_1', timestamp: now, body: body + ' ' }, header, now).ok).toBe(false);
    expect(verify(generateSecret(), { id: 'evt_1', timestamp: now, body }, header, now).ok).toBe(false);
    expect(verify(secret, { id: 'evt_1', timestamp: now, body }, header, now + 301)).toEqual({
      ok: false,
      reason: 'timestamp_out_of_tolerance',
    });
  });
});
