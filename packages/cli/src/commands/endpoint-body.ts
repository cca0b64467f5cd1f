import { collect, parseInteger, parseJsonObject, parseKeyValue, parseList } from '../args/values.ts';
import { UsageError } from '../errors.ts';
import type { Command } from 'commander';

/** The flags of `endpoints create` and `endpoints update`, as commander gives them. */
export interface EndpointFlags {
  url?: string;
  eventTypes?: string;
  description?: string;
  secret?: string;
  signatureScheme?: string;
  header?: string[];
  rateLimit?: string;
  timeout?: string;
  maxConcurrency?: string;
  disabled?: boolean;
  enabled?: boolean;
  metadata?: string;
  ordering?: string;
  orderingOnDead?: string;
}

/** Adds the flags that set endpoint fields. */
export function withEndpointFlags(command: Command, mode: 'create' | 'update'): Command {
  command
    .option('--event-types <types>', 'comma-separated event types it receives (empty: every type)')
    .option('--description <text>', 'what it is for')
    .option('--header <name=value>', 'a custom header sent with every delivery (repeatable)', collect)
    .option('--rate-limit <perSecond>', "deliveries per second at most ('none' to lift it)")
    .option('--timeout <ms>', 'request timeout in milliseconds (1000–30000)')
    .option('--max-concurrency <n>', 'deliveries in flight at once')
    .option('--metadata <json>', 'a JSON object kept with the endpoint')
    .option('--ordering <mode>', "'key': one ordering key's events one at a time, in publish order ('none': concurrent, the default)")
    .option('--ordering-on-dead <action>', "with --ordering key, what a dead delivery does to its key: 'skip' (default) or 'block' (until redriven)");
  if (mode === 'create') {
    command
      .option('--secret <whsec>', 'use this signing secret (whsec_…, or whsk_… for ed25519) instead of a generated one')
      .option('--signature-scheme <scheme>', 'hmac-sha256 (default: v1, shared secret) or ed25519 (v1a: receivers verify with the public key)')
      .option('--disabled', 'create it disabled');
  }
  else command.option('--url <url>', 'a new URL').option('--disable', 'stop deliveries to it').option('--enable', 'resume deliveries to it');
  return command;
}

/** Turns the flags into the body of POST /v1/endpoints or PATCH /v1/endpoints/{id}. */
export function endpointBody(flags: EndpointFlags & { disable?: boolean; enable?: boolean }, mode: 'create' | 'update'): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (flags.url !== undefined) body.url = flags.url;
  if (flags.eventTypes !== undefined) body.eventTypes = parseList(flags.eventTypes);
  if (flags.description !== undefined) body.description = flags.description;
  if (flags.secret !== undefined) body.secret = flags.secret;
  if (flags.signatureScheme !== undefined) body.signatureScheme = flags.signatureScheme;
  if (flags.header !== undefined) body.headers = Object.fromEntries(flags.header.map((h) => parseKeyValue(h, '--header')));
  if (flags.rateLimit !== undefined) body.rateLimitPerSecond = flags.rateLimit === 'none' ? null : parseInteger(flags.rateLimit, '--rate-limit', 1);
  if (flags.timeout !== undefined) body.timeoutMs = parseInteger(flags.timeout, '--timeout', 1);
  if (flags.maxConcurrency !== undefined) body.maxConcurrency = parseInteger(flags.maxConcurrency, '--max-concurrency', 1);
  if (flags.metadata !== undefined) body.metadata = parseJsonObject(flags.metadata, '--metadata');
  if (flags.ordering !== undefined) body.ordering = flags.ordering === 'none' ? null : flags.ordering;
  if (flags.orderingOnDead !== undefined) body.orderingOnDead = flags.orderingOnDead;
  if (mode === 'create' && flags.disabled) body.disabled = true;
  if (mode === 'update') {
    if (flags.disable && flags.enable) throw new UsageError('--disable and --enable contradict each other');
    if (flags.disable) body.disabled = true;
    if (flags.enable) body.disabled = false;
    if (Object.keys(body).length === 0) throw new UsageError('nothing to update: give at least one field flag (see --help)');
  }
  return body;
}
