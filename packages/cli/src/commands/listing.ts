import type { Command } from 'commander';
import { parseInteger } from '../args/values.ts';
import type { CommandContext } from '../context.ts';
import type { Page } from '../http/api-client.ts';
import { table } from '../output/output.ts';
import type { Column } from '../output/table.ts';

/** The paging options of every list command. */
export interface ListOptions {
  limit?: string;
  cursor?: string;
  all?: boolean;
}

/** The most pages `--all` follows (250 items each): a bound, not a target. */
const MAX_PAGES = 400;

/** Adds --limit, --cursor and --all. */
export function withPaging(command: Command): Command {
  return command
    .option('--limit <n>', 'items per page, 1–250 (API default 50)')
    .option('--cursor <cursor>', 'continue from the nextCursor of an earlier page')
    .option('--all', 'follow nextCursor through every page');
}

/**
 * Lists a route: one page (or every page with --all). --json prints the API's `{data, nextCursor}`; people get a
 * table and, when there is more, a hint on stderr with the next cursor.
 */
export async function listRoute<T>(ctx: CommandContext, path: string, opts: ListOptions, query: Record<string, string | undefined>, columns: ReadonlyArray<Column<T>>): Promise<void> {
  const limit = opts.limit === undefined ? (opts.all ? 250 : undefined) : parseInteger(opts.limit, '--limit', 1, 250);
  let cursor = opts.cursor;
  const data: T[] = [];
  let nextCursor: string | null = null;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page = await ctx.api.request<Page<T>>('GET', path, { query: { ...query, limit, cursor } });
    data.push(...page.data);
    nextCursor = page.nextCursor;
    if (!opts.all || !nextCursor) break;
    cursor = nextCursor;
  }
  ctx.out.result({ data, nextCursor }, () => table(ctx.out, data, columns));
  if (!ctx.out.json && nextCursor) ctx.out.note(ctx.out.colors.dim(`more: --cursor ${nextCursor} (or --all)`));
}
