/**
 * Puts a ledger file (test/reports/report-ledgers.ts) into the store as a sync would: canonical
 * records through `savePage`, balances as the source states them, disputes flagged. The same
 * hand-computed figures then hold for the CLI on the file and for the API on the store.
 */
import { sql } from 'drizzle-orm';
import { formatMinor, toMinor } from '../../core/money.ts';
import { savePage, type Db } from '../../core/store/index.ts';
import { connections, organizations } from '../../core/store/schema/index.ts';

type Json = Record<string, unknown>;
interface FileInvoice { externalId: string; number: string; customerExternalId: string; issueDate: string; dueDate: string; currency: string; total: string; status?: string; disputed?: boolean }
interface FilePayment { externalId: string; customerExternalId: string; date: string; currency: string; amount: string; allocations: { invoiceExternalId: string; amount: string }[] }

/** A new organization with one connection holding the file's customers, invoices and payments; returns its id. */
export async function storeLedgerFile(db: Db, file: Json, org: { name: string; currency?: string; country?: string }): Promise<string> {
  const [o] = await db.insert(organizations).values({ name: org.name, baseCurrency: org.currency ?? 'EUR', country: org.country ?? 'FR', timezone: 'Europe/Paris' }).returning();
  const [c] = await db.insert(connections).values({ organizationId: o!.id, provider: 'quickbooks', externalAccountId: `realm-${org.name}` }).returning();
  const connectionId = c!.id;
  const customers = (file.customers as { externalId: string; name: string }[]).map((x) => ({
    entity: 'customer', externalId: x.externalId, name: x.name, email: null, phone: null, currency: null, balance: null,
    country: null, language: null, taxId: null, active: true, updatedAt: null,
  }));
  const invoices = file.invoices as FileInvoice[];
  const payments = (file.payments ?? []) as FilePayment[];
  const paid = new Map<string, bigint>();
  for (const p of payments) for (const a of p.allocations) paid.set(a.invoiceExternalId, (paid.get(a.invoiceExternalId) ?? 0n) + toMinor(a.amount, p.currency));
  await savePage(db, { connectionId, entity: 'customer', records: customers });
  await savePage(db, {
    connectionId, entity: 'invoice',
    records: invoices.map((i) => {
      const balance = toMinor(i.total, i.currency) - (paid.get(i.externalId) ?? 0n);
      const status = i.status === 'void' ? 'void' : balance === 0n ? 'paid' : 'open';
      return { entity: 'invoice', externalId: i.externalId, number: i.number, customerExternalId: i.customerExternalId, issueDate: i.issueDate,
        dueDate: i.dueDate, currency: i.currency, total: i.total, balance: formatMinor(balance, i.currency), status, updatedAt: null };
    }),
  });
  await savePage(db, {
    connectionId, entity: 'payment',
    records: payments.map((p) => ({ entity: 'payment', ...p, unapplied: '0.00', reference: null, updatedAt: null })),
  });
  const disputed = invoices.filter((i) => i.disputed).map((i) => i.externalId);
  for (const externalId of disputed) {
    await db.execute(sql`UPDATE invoices SET disputed = true WHERE connection_id = ${connectionId}::uuid AND external_id = ${externalId}`);
  }
  return o!.id;
}
