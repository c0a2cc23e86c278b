/**
 * Issue 19.5: the fee invoice QuickBooks or Xero creates for approved late fees is kept on its fee
 * posting — the provider's id (and version) as it answered the outbox's push, so it can be shown,
 * linked and voided — and only once the push succeeded. Against the sandbox's simulators, synced
 * as `relance demo` syncs them, through the real outbox push.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSandbox } from '../../cli/demo/connect-sandbox.ts';
import { syncSandboxConnection } from '../../cli/demo/run-demo.ts';
import { todayIn } from '../../core/calendar/index.ts';
import { decideFeePosting, listFeePostings, requestFeePosting } from '../../core/credit/index.ts';
import { pushOutbox } from '../../jobs/outbox.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';

const today = todayIn('UTC', new Date());
let db: TestDatabase;
let sandbox: RunningSandbox;
const connections: Record<'quickbooks' | 'xero', { id: string; organizationId: string }> = {} as never;

beforeAll(async () => {
  db = await createTestDatabase();
  sandbox = await startSandbox({ seed: 19, invoices: 80, asOf: today, port: 0, limits: false });
  const connected = await connectSandbox({ pool: db.pool, keys: ring }, sandbox, ['quickbooks', 'xero']);
  for (const provider of ['quickbooks', 'xero'] as const) {
    const c = connected.connections[provider]!;
    connections[provider] = { id: c.id, organizationId: c.organizationId };
    await syncSandboxConnection({ store: db, keys: ring }, provider, c.id, today);
    // French law for the fees (interest on any currency), on UTC so "today" is the test's.
    await db.pool.query(`UPDATE organizations SET timezone = 'UTC',
      late_payment_policy = '{"policy":"FR_B2B","chosen":true,"referenceRates":[{"from":"2020-01-01","rate":"2.15"}]}' WHERE id = $1`, [c.organizationId]);
  }
}, 180_000);

afterAll(async () => {
  await sandbox?.close();
  await db?.drop();
});

describe.each(['quickbooks', 'xero'] as const)('a fee invoice posted to %s', (provider) => {
  it('is kept on its fee posting with the id the provider gave it, once pushed', async () => {
    const { id: connectionId, organizationId } = connections[provider];
    const { rows: [invoice] } = await db.pool.query<{ id: string }>(`
      SELECT i.id FROM invoices i WHERE i.connection_id = $1 AND i.status = 'open' AND i.balance_minor > 10000
         AND i.due_date < $2::date - 60 AND NOT i.disputed ORDER BY i.due_date, i.external_id LIMIT 1`, [connectionId, today]);
    expect(invoice).toBeDefined();
    const posting = await requestFeePosting(db.db, organizationId, { invoiceId: invoice!.id }, 'user:collector', today);
    await decideFeePosting(db.db, organizationId, posting.id, 'approve', 'user:admin', {});
    // Approved, not yet pushed: no ledger invoice to show.
    const [queued] = await listFeePostings(db.db, organizationId, { invoiceId: invoice!.id });
    expect(queued).toMatchObject({ posting: 'queued', providerInvoice: null });

    const createdBefore = sandbox.controls[provider].writtenBack().filter((w) => w.what === 'create').length;
    await pushOutbox({ store: db, keys: ring }, { connectionId });
    const created = sandbox.controls[provider].writtenBack().filter((w) => w.what === 'create');
    expect(created).toHaveLength(createdBefore + 1);
    const ledgerId = created[created.length - 1]!.id;

    const [posted] = await listFeePostings(db.db, organizationId, { invoiceId: invoice!.id });
    expect(posted!.posting).toBe('posted');
    expect(posted!.providerInvoice?.id).toBe(ledgerId);
    // QuickBooks' SyncToken is what a later void or edit must send; Xero has no version.
    if (provider === 'quickbooks') expect(posted!.providerInvoice!.version).toMatch(/^\d+$/);
    else expect(posted!.providerInvoice!.version).toBeNull();
    // The outbox row keeps the provider's answer too.
    const { rows: [row] } = await db.pool.query<{ result: { externalId: string } }>(
      `SELECT result FROM outbox WHERE kind = 'post_fee_invoice' AND payload->>'feePostingId' = $1`, [posting.id]);
    expect(row!.result.externalId).toBe(ledgerId);
  });
});

describe('the fee postings after both pushes', () => {
  it('each approved one has its own ledger invoice; nothing else was given one', async () => {
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM fee_postings WHERE provider_invoice_id IS NOT NULL`);
    const { rows: [approved] } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM fee_postings WHERE status = 'approved'`);
    expect(rows[0]!.n).toBe(approved!.n);
    const { rows: [distinct] } = await db.pool.query<{ n: number }>(`SELECT count(DISTINCT provider_invoice_id)::int AS n FROM fee_postings`);
    expect(distinct!.n).toBe(approved!.n);
  });
});
