import type { Command } from 'commander';
import { act, type Runtime } from '../context.ts';
import { record } from '../output/output.ts';

/** `hookline tenants …` (admin token): tenants and their API keys. */
export function tenantCommands(program: Command, runtime: Runtime): void {
  const tenants = program.command('tenants').description('create tenants and manage their API keys (admin token)');
  tenants
    .command('create')
    .description('create a tenant with its first API key (shown once)')
    .argument('<name>', 'the tenant name')
    .action(
      act(runtime, async (ctx, _opts, name: string) => {
        const created = await ctx.api.request<Record<string, unknown>>('POST', '/v1/tenants', { credential: 'admin', body: { name } });
        ctx.out.result(created, () => record(ctx.out, created));
        if (!ctx.out.json) ctx.out.note(ctx.out.colors.dim('the API key is shown once: keep it now'));
      }),
    );

  const keys = tenants.command('keys').description("issue and revoke a tenant's API keys");
  keys
    .command('create')
    .description('issue another API key for a tenant (shown once)')
    .argument('<tenantId>')
    .action(
      act(runtime, async (ctx, _opts, tenantId: string) => {
        const created = await ctx.api.request<Record<string, unknown>>('POST', `/v1/tenants/${encodeURIComponent(tenantId)}/api-keys`, { credential: 'admin' });
        ctx.out.result(created, () => record(ctx.out, created));
      }),
    );
  keys
    .command('revoke')
    .description('revoke an API key: requests with it answer 401 from then on')
    .argument('<tenantId>')
    .argument('<keyId>')
    .action(
      act(runtime, async (ctx, _opts, tenantId: string, keyId: string) => {
        await ctx.api.request('DELETE', `/v1/tenants/${encodeURIComponent(tenantId)}/api-keys/${encodeURIComponent(keyId)}`, { credential: 'admin' });
        ctx.out.result({ revoked: true, id: keyId }, () => `revoked ${keyId}`);
      }),
    );
}
