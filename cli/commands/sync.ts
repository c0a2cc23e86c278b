/**
 * `relance sync <connection> [--full] [--entity E,…]`: one sync now. Prints the sync report as JSON
 * (counts per stream: pages, pulled, written per entity, rejected, voided); progress goes to stderr.
 */
import type { Command } from 'commander';
import { connectorFor } from '../../connectors/index.ts';
import { runSync } from '../../core/sync/index.ts';
import { openRuntime } from '../runtime.ts';

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('sync one connection now: a full pull when it has no cursor (or with --full), incremental otherwise')
    .argument('<connection>', 'the connection id')
    .option('--full', 'forget the cursors and pull everything again')
    .option('--entity <names>', 'only these streams, comma-separated (customer, invoice, payment, creditNote)')
    .option('--quiet', 'no progress lines on stderr')
    .action(async (connection: string, opts: { full?: boolean; entity?: string; quiet?: boolean }) => {
      const rt = await openRuntime({ migrate: false });
      try {
        const streams = opts.entity?.split(',').map((s) => s.trim()).filter(Boolean);
        const report = await runSync({ store: rt.store, keys: rt.keys, connectorFor }, connection, {
          ...(opts.full ? { full: true } : {}),
          ...(streams ? { streams } : {}),
          onPage: opts.quiet ? undefined : (stream, page) => process.stderr.write(`${stream}: ${page.records} records (${page.mode})\n`),
        });
        process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      } finally {
        await rt.store.close();
      }
    });
}
