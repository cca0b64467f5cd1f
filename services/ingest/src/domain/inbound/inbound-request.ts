/** What a provider's verification looks at: the raw body bytes as received, the headers and the time. */
export interface InboundRequest {
  /** The body exactly as received (never a re-serialisation). */
  body: Buffer;
  /** Header values by lower-case name (repeated headers joined with ", "). */
  headers: Readonly<Record<string, string>>;
  /** Now, in unix seconds (injected: tests never wait for a clock). */
  nowSeconds: number;
}

/** The outcome of a verification: why it failed, in a word a log or a console can show. */
export type Verdict = { ok: true } | { ok: false; reason: VerifyFailure };

export type VerifyFailure =
  | 'missing_signature'
  | 'malformed_signature'
  | 'no_match'
  | 'missing_timestamp'
  | 'timestamp_out_of_tolerance'
  | 'missing_credentials';

export const verified: Verdict = { ok: true };
export const failed = (reason: VerifyFailure): Verdict => ({ ok: false, reason });

/** How far a signed timestamp may be from now (Stripe's, Slack's and Standard Webhooks' default: five minutes). */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;
