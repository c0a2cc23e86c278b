/**
 * `relance org list [--json]`: the organizations in the store with their ids, names, base
 * currencies and connected providers, so that `relance report --organization <id>` and
 * `relance user add --organization <id>` can be given one.
 */
import type { Command } from 'commander';
import { sql } from 'drizzle-orm';
import { openRuntime } from '../runtime.ts';

interface OrgRow extends Record<string, unknown> {
  id: string;
  name: string;
  base_currency: string;
  connections: { provider: string; status: string; account: string }[] | null;
}

export function registerOrg(program: Command): void {
  const org = program.command('org').description('the organizations in the store');
  org
    .command('list')
    .description('list the organizations: id, name, base currency and connected providers')
    .option('--json', 'print JSON: [{ id, name, baseCurrency, providers, connections }]')
    .action(async (opts: { json?: boolean }) => {
      const rt = await openRuntime({ migrate: true });
      try {
        const { rows } = await rt.store.db.execute<OrgRow>(sql`
          SELECT o.id, o.name, o.base_currency,
                 (SELECT json_agg(json_build_object('provider', k.provider, 'status', k.status, 'account', k.external_account_id) ORDER BY k.provider, k.created_at)
                    FROM connections k WHERE k.organization_id = o.id) AS connections
            FROM organizations o ORDER BY o.name, o.id`);
        const list = rows.map((r) => ({
          id: r.id, name: r.name, baseCurrency: r.base_currency,
          providers: [...new Set((r.connections ?? []).map((c) => c.provider))],
          connections: r.connections ?? [],
        }));
        if (opts.json) {
          process.stdout.write(JSON.stringify(list, null, 2) + '\n');
          return;
        }
        if (list.length === 0) {
          process.stdout.write('no organization yet: run `relance demo` or connect a provider (`relance connect`)\n');
          return;
        }
        const width = Math.max(...list.map((o) => o.name.length), 4);
        process.stdout.write(`${'ID'.padEnd(36)}  ${'NAME'.padEnd(width)}  CURRENCY  PROVIDERS\n`);
        for (const o of list) process.stdout.write(`${o.id}  ${o.name.padEnd(width)}  ${o.baseCurrency.padEnd(8)}  ${o.providers.join(', ') || '—'}\n`);
      } finally {
        await rt.store.close();
      }
    });
}
