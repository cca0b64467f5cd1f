import type { Command } from 'commander';
import { parseInteger, parseList } from '../args/values.ts';
import { UsageError } from '../errors.ts';

/** The providers POST /v1/sources accepts (docs/inbound-sources.md). */
export const SOURCE_PROVIDERS = ['github', 'stripe', 'shopify', 'slack', 'standard-webhooks', 'hmac', 'basic', 'bearer', 'api-key', 'none'] as const;

/** The flags of `sources create` and `sources update`, as commander gives them. */
export interface SourceFlags {
  name?: string;
  provider?: string;
  secret?: string;
  header?: string;
  algorithm?: string;
  encoding?: string;
  prefix?: string;
  username?: string;
  password?: string;
  token?: string;
  eventType?: string;
  application?: string;
  allowedIps?: string;
  rateLimit?: string;
  responseStatus?: string;
  responseBody?: string;
}

/** Adds the flags that set source fields (create also takes the provider and its verification settings). */
export function withSourceFlags(command: Command, mode: 'create' | 'update'): Command {
  if (mode === 'create') {
    command
      .requiredOption('--name <name>', 'what the source is (1–200 characters)')
      .requiredOption('--provider <provider>', `who posts to it: ${SOURCE_PROVIDERS.join(', ')}`)
      .option('--secret <secret>', 'github, stripe, shopify, slack, standard-webhooks (whsec_…), hmac: the signing secret')
      .option('--header <name>', 'hmac: the signature header; bearer, api-key: the credential header')
      .option('--algorithm <alg>', 'hmac: sha1, sha256 or sha512')
      .option('--encoding <enc>', 'hmac: hex or base64')
      .option('--prefix <text>', 'hmac: text before the signature (e.g. sha256=)')
      .option('--username <user>', 'basic: the user name')
      .option('--password <password>', 'basic: the password')
      .option('--token <token>', 'bearer, api-key: the credential');
  } else command.option('--name <name>', 'a new name');
  const none = mode === 'update' ? " ('none' to clear)" : '';
  return command
    .option('--event-type <type>', `a fixed event type for every event (default: the provider's)${none}`)
    .option('--application <app>', `the application (id or uid) the events go to (default: the global --app, else the default application)${mode === 'update' ? "; 'default': the default application" : ''}`)
    .option('--allowed-ips <cidrs>', "comma-separated addresses or CIDRs that may post (403 otherwise; '' : anyone)")
    .option('--rate-limit <perSecond>', `requests per second it accepts (429 above)${none}`)
    .option('--response-status <status>', 'status of the answer to an accepted request (200–299, default 202)')
    .option('--response-body <text>', `body of that answer (default {"id": <event id>})${none}`);
}

/** The verification object of POST /v1/sources: the settings given, checked by the API for the provider. */
function verificationOf(flags: SourceFlags): Record<string, string> {
  const v: Record<string, string> = {};
  for (const key of ['secret', 'header', 'algorithm', 'encoding', 'prefix', 'username', 'password', 'token'] as const) {
    if (flags[key] !== undefined) v[key] = flags[key];
  }
  return v;
}

/**
 * Turns the flags into the body of POST /v1/sources or PATCH /v1/sources/{id}. `app` is the global --app
 * (HOOKLINE_APP, a profile's "app"): create sends it when --application is not given.
 */
export function sourceBody(flags: SourceFlags, mode: 'create' | 'update', app?: string): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const clearable = (text: string) => (mode === 'update' && text === 'none' ? null : text);
  if (flags.name !== undefined) body.name = flags.name;
  if (mode === 'create') {
    if (!(SOURCE_PROVIDERS as readonly string[]).includes(flags.provider ?? '')) throw new UsageError(`--provider "${flags.provider}" must be one of ${SOURCE_PROVIDERS.join(', ')}`);
    body.provider = flags.provider;
    body.verification = verificationOf(flags);
  }
  if (flags.eventType !== undefined) body.eventType = clearable(flags.eventType);
  const application = flags.application ?? (mode === 'create' ? app : undefined);
  if (application !== undefined) body.application = mode === 'update' && application === 'default' ? null : application;
  if (flags.allowedIps !== undefined) body.allowedIps = parseList(flags.allowedIps);
  if (flags.rateLimit !== undefined) body.rateLimitPerSecond = clearable(flags.rateLimit) === null ? null : parseInteger(flags.rateLimit, '--rate-limit', 1);
  if (flags.responseStatus !== undefined || flags.responseBody !== undefined) {
    body.response = {
      ...(flags.responseStatus !== undefined ? { status: parseInteger(flags.responseStatus, '--response-status', 200, 299) } : {}),
      ...(flags.responseBody !== undefined ? { body: clearable(flags.responseBody) } : {}),
    };
  }
  if (mode === 'update' && Object.keys(body).length === 0) throw new UsageError('nothing to update: give at least one field flag (see --help)');
  return body;
}
