import type { Command } from 'commander';
import { readInlineOrFile, readPath } from '../args/input.ts';
import { parseJsonObject, parseTime } from '../args/values.ts';
import { act, type CommandContext, type Runtime } from '../context.ts';
import { UsageError } from '../errors.ts';
import { paintStatus, record, table } from '../output/output.ts';
import { scopedPath } from './app-scope.ts';
import { jobStarted, type Job } from './jobs-shared.ts';
import { listRoute, withPaging, type ListOptions } from './listing.ts';
import { batches, parseEventsText } from './publish-input.ts';
import { tailEvents } from './events-tail.ts';

/** An event with its deliveries, as GET /v1/events/{id} answers. */
export interface EventWithDeliveries {
  id: string;
  type: string;
  data: Record<string, unknown>;
  createdAt: string;
  deliveries: Delivery[];
}
export interface Delivery {
  endpointId: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  nextAttemptAt: string | null;
}
type Attempt = { id: string; endpointId: string; attempt: number; outcome: string; statusCode: number | null; durationMs: number; error: string | null; createdAt: string; nextAttemptAt: string | null };

interface PublishOptions {
  type?: string;
  data?: string;
  id?: string;
  orderingKey?: string;
  metadata?: string;
  file?: string;
  idempotencyKey?: string;
}

const eventPath = (ctx: CommandContext, id: string, rest = '') => scopedPath(ctx, `/events/${encodeURIComponent(id)}${rest}`);

async function publish(ctx: CommandContext, opts: PublishOptions): Promise<void> {
  const headers = opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : undefined;
  if (opts.file !== undefined) {
    if (opts.type || opts.data || opts.id || opts.orderingKey || opts.metadata) throw new UsageError('--file holds whole events: do not combine it with --type, --data, --id, --ordering-key or --metadata');
    const { events, single } = parseEventsText((await readPath(ctx.runtime, opts.file, '--file')).toString('utf8'), opts.file === '-' ? 'stdin' : opts.file);
    if (single) {
      const accepted = await ctx.api.request<Record<string, unknown>>('POST', scopedPath(ctx, '/events'), { body: events[0], ...(headers ? { headers } : {}) });
      ctx.out.result(accepted, () => record(ctx.out, accepted));
      return;
    }
    const chunks = batches(events);
    if (chunks.length > 1 && headers) throw new UsageError(`--idempotency-key covers one request; ${events.length} events need ${chunks.length} batches of 1,000`);
    const ids: Array<{ id: string }> = [];
    for (const [i, chunk] of chunks.entries()) {
      try {
        const accepted = await ctx.api.request<{ data: Array<{ id: string }> }>('POST', scopedPath(ctx, '/events/batch'), { body: { events: chunk }, ...(headers ? { headers } : {}) });
        ids.push(...accepted.data);
      } catch (err) {
        if (i > 0) ctx.out.note(`${ids.length} events published before batch ${i + 1} (events ${i * 1_000 + 1}–${i * 1_000 + chunk.length}) was refused`);
        throw err;
      }
    }
    ctx.out.result({ data: ids }, () => `${ids.map((e) => e.id).join('\n')}\n${ctx.out.colors.dim(`published ${ids.length} events`)}`);
    return;
  }
  if (!opts.type) throw new UsageError('give --type (with --data) or --file (see hookline events publish --help)');
  const data = opts.data === undefined ? {} : parseJsonObject(await readInlineOrFile(ctx.runtime, opts.data, '--data'), '--data');
  const metadata = opts.metadata === undefined ? undefined : parseJsonObject(opts.metadata, '--metadata');
  const body = { type: opts.type, data, ...(opts.id ? { id: opts.id } : {}), ...(opts.orderingKey ? { orderingKey: opts.orderingKey } : {}), ...(metadata ? { metadata } : {}) };
  const accepted = await ctx.api.request<Record<string, unknown>>('POST', scopedPath(ctx, '/events'), { body, ...(headers ? { headers } : {}) });
  ctx.out.result(accepted, () => record(ctx.out, accepted));
}

/** Registers `replay` on a command (used as `events replay` and as the top-level `replay`). */
export function replayCommand(parent: Command, runtime: Runtime, name = 'replay'): Command {
  return parent
    .command(name)
    .description('re-deliver an event with the same webhook-id (to every endpoint it went to, or one)')
    .argument('<eventId>')
    .option('--endpoint <endpointId>', 'only to this endpoint')
    .option('--wait', 'follow the job until it ends (as `jobs watch`)')
    .action(
      act(runtime, async (ctx, opts: { endpoint?: string; wait?: boolean }, id: string) => {
        const answer = await ctx.api.request<{ replayed: number; job: Job }>('POST', eventPath(ctx, id, '/replay'), { body: opts.endpoint ? { endpointId: opts.endpoint } : {} });
        await jobStarted(ctx, answer, opts.wait);
      }),
    );
}

/** `hookline events …`: publishing and what happened to events. */
export function eventCommands(program: Command, runtime: Runtime): void {
  const events = program.command('events').alias('event').description('publish events and see what happened to them');

  events
    .command('publish')
    .alias('send')
    .description('publish an event from flags, or events from a file or stdin (JSON, JSON array or NDJSON: sent as batches of 1,000)')
    .option('-t, --type <type>', 'the event type')
    .option('-d, --data <json>', "the event's data: JSON, @file, or - for stdin (default {})")
    .option('--id <id>', 'your own event id (publishing it again returns the first event)')
    .option('--ordering-key <key>', "endpoints with ordering 'key' receive one key's events one at a time, in publish order")
    .option('--metadata <json>', 'string metadata content filters can match (metadata.<key>), e.g. \'{"region":"eu"}\'')
    .option('-f, --file <path>', "whole events {type, data, id?, metadata?, orderingKey?} from a file, or - for stdin")
    .option('--idempotency-key <key>', 'the same key within 24 h answers the first response and publishes nothing')
    .addHelpText('after', '\nExamples:\n  hookline events publish -t invoice.paid -d \'{"amount": 42}\'\n  hookline events publish -t invoice.paid -d @data.json\n  hookline events publish --file events.ndjson\n  cat events.ndjson | hookline events publish --file -')
    .action(act(runtime, async (ctx, opts: PublishOptions) => publish(ctx, opts)));

  withPaging(events.command('list').description('list events, newest first (as the tracker recorded them)'))
    .option('--type <type>', 'only events of this type')
    .option('--after <time>', 'created at or after: ISO time, date, or a duration ago (15m, 2h)')
    .option('--before <time>', 'created before')
    .action(
      act(runtime, async (ctx, opts: ListOptions & { type?: string; after?: string; before?: string }) => {
        const now = new Date();
        await listRoute<EventWithDeliveries>(
          ctx,
          scopedPath(ctx, '/events'),
          opts,
          { type: opts.type, after: opts.after && parseTime(opts.after, now, '--after'), before: opts.before && parseTime(opts.before, now, '--before') },
          [
            { header: 'ID', value: (e) => e.id },
            { header: 'TYPE', value: (e) => e.type },
            { header: 'CREATED', value: (e) => e.createdAt },
            { header: 'DATA', value: (e) => e.data },
          ],
        );
      }),
    );

  events
    .command('get')
    .description('an event with the state of its delivery to each endpoint')
    .argument('<eventId>')
    .action(
      act(runtime, async (ctx, _opts, id: string) => {
        const e = await ctx.api.request<EventWithDeliveries>('GET', eventPath(ctx, id));
        ctx.out.result(e, () =>
          [
            record(ctx.out, { id: e.id, type: e.type, createdAt: e.createdAt, data: e.data }),
            '',
            table(ctx.out, e.deliveries, [
              { header: 'ENDPOINT', value: (d) => d.endpointId },
              { header: 'STATUS', value: (d) => d.status, paint: (s, d) => paintStatus(ctx.out, d.status, s) },
              { header: 'ATTEMPTS', value: (d) => d.attempts },
              { header: 'LAST CODE', value: (d) => d.lastStatusCode },
              { header: 'NEXT ATTEMPT', value: (d) => d.nextAttemptAt },
            ]),
          ].join('\n'),
        );
      }),
    );

  events
    .command('attempts')
    .description('every delivery attempt of an event, oldest first')
    .argument('<eventId>')
    .action(
      act(runtime, async (ctx, _opts, id: string) => {
        const page = await ctx.api.request<{ data: Attempt[] }>('GET', eventPath(ctx, id, '/attempts'));
        ctx.out.result(page, () =>
          table(ctx.out, page.data, [
            { header: 'ENDPOINT', value: (a) => a.endpointId },
            { header: '#', value: (a) => a.attempt },
            { header: 'OUTCOME', value: (a) => a.outcome, paint: (s, a) => paintStatus(ctx.out, a.outcome === 'succeeded' ? 'succeeded' : 'failed', s) },
            { header: 'CODE', value: (a) => a.statusCode },
            { header: 'MS', value: (a) => a.durationMs },
            { header: 'AT', value: (a) => a.createdAt },
            { header: 'ERROR', value: (a) => a.error },
          ]),
        );
      }),
    );

  replayCommand(events, runtime);

  events
    .command('tail')
    .description('follow new events and their delivery outcomes live, until Ctrl-C (--json: one JSON object per line)')
    .option('--type <type>', 'only events of this type')
    .option('--since <time>', 'start this far back (default: now): duration ago (5m) or ISO time')
    .option('--interval <duration>', 'how often to ask', '1s')
    .option('--max-events <n>', 'stop after this many events and their outcomes')
    .action(act(runtime, async (ctx, opts: { type?: string; since?: string; interval: string; maxEvents?: string }) => tailEvents(ctx, opts)));
}
