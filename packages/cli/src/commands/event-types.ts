import type { Command } from 'commander';
import { readPath } from '../args/input.ts';
import { parseJsonObject } from '../args/values.ts';
import { act, type Runtime } from '../context.ts';
import { record } from '../output/output.ts';
import { listRoute, withPaging, type ListOptions } from './listing.ts';

type EventType = { name: string; description: string; schema: Record<string, unknown> | null; schemaVersion: number | null; createdAt: string; updatedAt: string };

const path = (name: string) => `/v1/event-types/${encodeURIComponent(name)}`;

/** `hookline event-types …`: declared event types and their JSON Schemas. */
export function eventTypeCommands(program: Command, runtime: Runtime): void {
  const types = program.command('event-types').alias('event-type').description('declare event types, optionally with a JSON Schema for their data');

  types
    .command('put')
    .aliases(['create', 'update'])
    .description('create or replace an event type; with --schema, published data is validated against it')
    .argument('<name>', 'the event type, e.g. invoice.paid')
    .option('--schema <file>', "a JSON Schema file for the event's data ('-' for stdin)")
    .option('--no-schema', 'remove the schema (data is no longer validated)')
    .option('--description <text>', 'what the event means')
    .action(
      act(runtime, async (ctx, opts: { schema?: string | false; description?: string }, name: string) => {
        const body: Record<string, unknown> = {};
        if (opts.description !== undefined) body.description = opts.description;
        if (opts.schema === false) body.schema = null;
        else if (typeof opts.schema === 'string') {
          body.schema = parseJsonObject((await readPath(ctx.runtime, opts.schema, '--schema')).toString('utf8'), `--schema ${opts.schema}`);
        }
        const saved = await ctx.api.request<EventType>('PUT', path(name), { body });
        ctx.out.result(saved, () => record(ctx.out, saved));
      }),
    );

  withPaging(types.command('list').description('list event types')).action(
    act(runtime, async (ctx, opts: ListOptions) => {
      await listRoute<EventType>(ctx, '/v1/event-types', opts, {}, [
        { header: 'NAME', value: (t) => t.name },
        { header: 'SCHEMA', value: (t) => (t.schema ? `v${t.schemaVersion ?? 1}` : '-') },
        { header: 'DESCRIPTION', value: (t) => t.description },
        { header: 'UPDATED', value: (t) => t.updatedAt },
      ]);
    }),
  );

  types
    .command('get')
    .description('show an event type with its schema')
    .argument('<name>')
    .action(
      act(runtime, async (ctx, _opts, name: string) => {
        const t = await ctx.api.request<EventType>('GET', path(name));
        ctx.out.result(t, () => `${record(ctx.out, { ...t, schema: t.schema ? '(below)' : null })}${t.schema ? `\n${JSON.stringify(t.schema, null, 2)}` : ''}`);
      }),
    );

  types
    .command('delete')
    .description('delete an event type (its events are no longer validated)')
    .argument('<name>')
    .action(
      act(runtime, async (ctx, _opts, name: string) => {
        await ctx.api.request('DELETE', path(name));
        ctx.out.result({ deleted: true, name }, () => `deleted ${name}`);
      }),
    );
}
