/**
 * Issue 13.4 end to end: the sandbox applies credit memos as QuickBooks does (a $0 Payment with the
 * invoices' lines and a CreditMemo line). After a sync, each such application is the credit note's
 * allocation (linked to it although payments sync before credit notes), the payment adds no cash
 * (for every payment: own allocations + unapplied = amount), and the ledger agrees with the source
 * (total − allocations = open balance, no balance divergence). Re-syncing either side keeps it so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.ts';
import { LimiterRegistry } from '../../core/http/index.ts';
import { detectDivergences } from '../../core/reconciliation/index.ts';
import { runSync } from '../../core/sync/index.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';
import { connectSandbox } from './quickbooks-support.ts';

let sandbox: RunningSandbox;
let db: TestDatabase;
let connectionId: string;
const limiters = new LimiterRegistry();
const sync = (options: { streams?: string[]; full?: boolean } = {}) => runSync({ store: db, keys: ring, connectorFor, limiters }, connectionId, options);

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 51, invoices: 600, asOf: '2026-03-01', port: 0, limits: false });
  db = await createTestDatabase();
  connectionId = await connectSandbox(db, ring, sandbox);
  await sync();
}, 180_000);

afterAll(async () => {
  await limiters.stopAll();
  await sandbox?.close();
  await db?.drop();
});

async function creditApplications(): Promise<{ payment: string; credit_note_id: string | null; credit: string; invoice_id: string | null; amount: string }[]> {
  const { rows } = await db.pool.query(
    `SELECT p.external_id AS payment, a.credit_note_id, a.credit_note_external_id AS credit, a.invoice_id, a.amount_minor::text AS amount
       FROM allocations a JOIN payments p ON p.id = a.via_payment_id
      WHERE a.connection_id = $1 ORDER BY 1, 3, 4`, [connectionId]);
  return rows;
}

describe('credit memos applied through $0 payments', () => {
  it('are the credit notes\' allocations, linked to them, and the payments add no cash', async () => {
    const applications = await creditApplications();
    expect(applications.length).toBeGreaterThan(0);
    expect(applications.every((a) => a.credit_note_id !== null && a.invoice_id !== null)).toBe(true);
    const { rows: sources } = await db.pool.query("SELECT DISTINCT source::text FROM allocations WHERE via_payment_id IS NOT NULL");
    expect(sources).toEqual([{ source: 'credit_note' }]);
    // Every payment: its own allocations plus its unapplied amount make its amount.
    const { rows: off } = await db.pool.query(
      `SELECT p.external_id, p.amount_minor, p.unapplied_minor,
              coalesce((SELECT sum(a.amount_minor) FROM allocations a WHERE a.payment_id = p.id), 0) AS own
         FROM payments p WHERE p.connection_id = $1
           AND p.amount_minor <> p.unapplied_minor + coalesce((SELECT sum(a.amount_minor) FROM allocations a WHERE a.payment_id = p.id), 0)`,
      [connectionId]);
    expect(off).toEqual([]);
    const { rows: zero } = await db.pool.query("SELECT count(*)::int AS n FROM payments WHERE connection_id = $1 AND amount_minor = 0", [connectionId]);
    expect(zero[0].n).toBeGreaterThan(0);
  });

  it('leave the ledger agreeing with the source: total − allocations = open balance on those invoices', async () => {
    const { rows } = await db.pool.query(
      `SELECT i.external_id, i.total_minor - coalesce(sum(a.amount_minor), 0) AS left, i.balance_minor
         FROM invoices i LEFT JOIN allocations a ON a.invoice_id = i.id
        WHERE i.connection_id = $1 AND i.id IN (SELECT invoice_id FROM allocations WHERE via_payment_id IS NOT NULL)
        GROUP BY i.id HAVING i.total_minor - coalesce(sum(a.amount_minor), 0) <> i.balance_minor`, [connectionId]);
    expect(rows).toEqual([]);
    const divergences = await detectDivergences(db.db, connectionId);
    const credited = new Set((await db.pool.query<{ external_id: string }>(
      'SELECT i.external_id FROM invoices i JOIN allocations a ON a.invoice_id = i.id WHERE a.via_payment_id IS NOT NULL AND i.connection_id = $1', [connectionId])).rows.map((r) => r.external_id));
    expect(divergences.filter((d) => d.entity === 'invoice' && credited.has(d.externalId))).toEqual([]);
  });

  it('survive a re-sync of the credit notes, and a re-sync of the payments replaces them without doubling', async () => {
    const before = await creditApplications();
    await sync({ streams: ['creditNote'], full: true });
    expect(await creditApplications()).toEqual(before);
    await sync({ streams: ['payment'], full: true });
    expect(await creditApplications()).toEqual(before);
  }, 120_000);
});
