/**
 * The dunning run benchmark: N open invoices of N/10 customers in a scratch PostgreSQL database,
 * one daily run over them (streamed in batches of 1000 customers), timed, with the peak memory
 * of the process sampled while it runs. The limit is a target time scaled to N.
 */
import { sql } from 'drizzle-orm';
import { openStore } from '../core/store/db.ts';
import { migrate } from '../core/store/migrate.ts';
import { runOrganization } from '../core/agenda/index.ts';
import { installDefaultScenarios } from '../core/scenarios/index.ts';
import type { BenchResult } from './ingest.ts';
import { createScratchDatabase } from './scratch-database.ts';

// The target: 1,000,000 invoices planned in 10 minutes on a shared two-core machine.
const TARGET_SECONDS_PER_MILLION = 600;

export interface ScenariosBenchOptions {
  invoices: number;
  serverUrl: string;
  progress?: (line: string) => void;
}

/** Customers and invoices made inside PostgreSQL (generate_series): no seeding traffic through Node. */
async function seed(db: ReturnType<typeof openStore>['db'], invoices: number): Promise<string> {
  const customers = Math.max(1, Math.floor(invoices / 10));
  const { rows } = await db.execute<{ id: string }>(sql`
    INSERT INTO organizations (name, base_currency, country, timezone, late_payment_policy)
    VALUES ('Bench SAS', 'EUR', 'FR', 'Europe/Paris', '{"policy":"FR_B2B","referenceRates":[{"from":"2025-01-01","rate":"2.15"}]}')
    RETURNING id`);
  const org = rows[0]!.id;
  await db.execute(sql`INSERT INTO connections (organization_id, provider, external_account_id) VALUES (${org}, 'quickbooks', 'bench')`);
  await installDefaultScenarios(db, org);
  await db.execute(sql`
    INSERT INTO customers (organization_id, connection_id, external_id, name, email, currency, country)
    SELECT ${org}, c.id, 'C' || g, 'Customer ' || g, 'c' || g || '@example.com', 'EUR', 'FR'
      FROM generate_series(1, ${customers}) g, connections c WHERE c.organization_id = ${org}`);
  await db.execute(sql`
    INSERT INTO invoices (organization_id, connection_id, external_id, customer_external_id, customer_id, number,
                          issue_date, due_date, currency, total_minor, balance_minor, status)
    SELECT ${org}, cu.connection_id, 'I' || g, cu.external_id, cu.id, 'F-' || g,
           DATE '2026-01-01' + (g % 60), DATE '2026-01-31' + (g % 60), 'EUR', 10000 + g % 90000, 10000 + g % 90000, 'open'
      FROM generate_series(1, ${invoices}) g
      JOIN customers cu ON cu.organization_id = ${org} AND cu.external_id = 'C' || (1 + g % ${customers})`);
  await db.execute(sql`ANALYZE`);
  return org;
}

export async function runScenariosBench(options: ScenariosBenchOptions): Promise<BenchResult & { figures: Record<string, number> }> {
  const log = options.progress ?? (() => {});
  const scratch = await createScratchDatabase(options.serverUrl, 'scenarios');
  const store = openStore(scratch.url, { max: 6 });
  try {
    await migrate(store.pool);
    log(`scenarios: seeding ${options.invoices} invoices`);
    const org = await seed(store.db, options.invoices);
    log('scenarios: daily run');
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const started = process.hrtime.bigint();
    const counts = await runOrganization(store.db, { organizationId: org, asOf: '2026-04-15' });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    const target = (TARGET_SECONDS_PER_MILLION * options.invoices) / 1_000_000;
    return {
      bench: 'scenarios',
      figures: {
        records: options.invoices,
        customers: counts.customers,
        actions: counts.inserted,
        seconds: Math.round(seconds * 1000) / 1000,
        recordsPerSecond: Math.round(options.invoices / seconds),
        peakRssMb: Math.round(peak / 1048576),
      },
      limit: `${target} s target (${TARGET_SECONDS_PER_MILLION} s per 1,000,000 invoices)`,
      ratio: Math.round((target / seconds) * 1000) / 1000,
      higherIsBetter: true,
    };
  } finally {
    await store.close();
    await scratch.drop();
  }
}
