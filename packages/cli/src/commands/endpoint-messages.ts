import type { Command } from 'commander';
import { parseInteger } from '../args/values.ts';
import { act, type Runtime } from '../context.ts';
import { table } from '../output/output.ts';
import { scopedPath } from './app-scope.ts';

interface MessagesPage {
  data: Array<{ id: string; cursor: string; eventId: string; eventType: string; createdAt: string }>;
  cursor: string;
  done: boolean;
}

/**
 * `hookline endpoints messages <id>`: one read of a pull endpoint's messages (GET /v1/endpoints/{id}/messages). At
 * least once: a read without --cursor starts after the last commit; --cursor commits what an earlier read returned.
 * --json prints the API's answer (each message with its headers and signed body).
 */
export function endpointMessagesCommand(endpoints: Command, runtime: Runtime): void {
  endpoints
    .command('messages')
    .description("read a pull endpoint's messages; --cursor commits what an earlier read returned (at least once)")
    .argument('<endpointId>')
    .option('--cursor <cursor>', 'commit every message up to this cursor (from an earlier read), then read after it')
    .option('--limit <n>', 'messages at most (1–1000)', '100')
    .option('--wait <seconds>', 'when none waits, wait this long for one (0–30)', '0')
    .addHelpText('after', '\nExamples:\n  hookline endpoints messages ep_… --wait 30\n  hookline endpoints messages ep_… --cursor 42 --json')
    .action(
      act(runtime, async (ctx, opts: { cursor?: string; limit: string; wait: string }, id: string) => {
        const query = { cursor: opts.cursor, limit: parseInteger(opts.limit, '--limit', 1, 1_000), wait: parseInteger(opts.wait, '--wait', 0, 30) };
        const page = await ctx.api.request<MessagesPage>('GET', scopedPath(ctx, `/endpoints/${encodeURIComponent(id)}/messages`), { query });
        ctx.out.result(page, () => {
          const rows = table(ctx.out, page.data, [
            { header: 'CURSOR', value: (m) => m.cursor },
            { header: 'EVENT TYPE', value: (m) => m.eventType },
            { header: 'EVENT ID', value: (m) => m.eventId },
            { header: 'STORED', value: (m) => m.createdAt },
          ]);
          const next = ctx.out.colors.dim(`cursor ${page.cursor}${page.done ? '' : ' (more waiting)'}: pass --cursor ${page.cursor} to commit ${page.data.length > 0 ? 'these' : 'and read on'}`);
          return page.data.length > 0 ? `${rows}\n${next}` : `no messages waiting\n${next}`;
        });
      }),
    );
}
