/**
 * What signing costs the dispatcher per delivery, HMAC-SHA256 (`v1`) against ed25519 (`v1a`): `sign()` of
 * @hookline/signing, as buildWebhookRequest calls it, over a 1 KiB body with a fresh webhook-id and timestamp each
 * time; one key (the usual case) and two (a rotation's overlap). Keys are prepared once, as the dispatcher's cache
 * does. Also what a receiver pays to verify one signature.
 *
 *   node_modules/.bin/node bench/signing-cost.ts [deliveries=20000]
 *
 * Prints one JSON line: µs per delivery (median of 5 rounds) and deliveries per second on one core.
 */
import { randomBytes } from 'node:crypto';
import { generateSecret, generateSigningKeyPair, sign, verify } from '@hookline/signing';

const deliveries = Math.max(2_000, Number(process.argv[2] ?? 20_000));
const body = JSON.stringify({ id: 'evt_x', type: 'invoice.paid', timestamp: new Date(0).toISOString(), data: { pad: randomBytes(1024).toString('base64').slice(0, 1024 - 93) } });
const bodies = Array.from({ length: 64 }, (_, i) => body.replace('evt_x', `evt_${i}`));
const hmac = [generateSecret(), generateSecret()];
const pairs = [generateSigningKeyPair(), generateSigningKeyPair()];
const ed = pairs.map((p) => p.secretKey);

function perDelivery(run: (i: number) => unknown): number {
  for (let i = 0; i < 1_000; i++) run(i); // warm-up: JIT, prepared keys
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < deliveries; i++) run(i);
    rounds.push(Number(process.hrtime.bigint() - start) / deliveries / 1_000);
  }
  return rounds.sort((a, b) => a - b)[2]!;
}

const input = (i: number) => ({ id: `msg_${i}`, timestamp: 1_700_000_000 + i, body: bodies[i % bodies.length]! });
const signed = { hmac: sign([hmac[0]!], input(0)), ed25519: sign([ed[0]!], input(0)) };
const results = {
  bodyBytes: Buffer.byteLength(body),
  deliveries,
  node: process.version,
  signUs: {
    hmac: perDelivery((i) => sign([hmac[0]!], input(i))),
    ed25519: perDelivery((i) => sign([ed[0]!], input(i))),
    hmacRotation: perDelivery((i) => sign(hmac, input(i))),
    ed25519Rotation: perDelivery((i) => sign(ed, input(i))),
  },
  receiverVerifyUs: {
    hmac: perDelivery(() => verify(hmac[0]!, input(0), signed.hmac, 1_700_000_000)),
    ed25519: perDelivery(() => verify(pairs[0]!.publicKey, input(0), signed.ed25519, 1_700_000_000)),
  },
};
const perSecond = (us: number) => Math.round(1_000_000 / us);
const round = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * 100) / 100]));
console.log(JSON.stringify({
  ...results,
  signUs: round(results.signUs),
  receiverVerifyUs: round(results.receiverVerifyUs),
  signsPerSecondOneCore: { hmac: perSecond(results.signUs.hmac), ed25519: perSecond(results.signUs.ed25519) },
}));
