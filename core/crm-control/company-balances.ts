/**
 * The other way of CRM control: what a customer owes, on the CRM companies it is linked to (the
 * "Relance" overdue amount, currency and oldest overdue days), so that a salesperson sees a payment
 * recorded in the ledger without opening it. Run after each reconciliation; a company whose figures
 * equal the last ones queued for it gets nothing new, so a repeated run writes nothing.
 */
import { sql } from 'drizzle-orm';
import { formatMinor } from '../money.ts';
import { enqueuePushChange } from '../outbox/index.ts';
import type { Db } from '../store/index.ts';

interface CompanyFigures extends Record<string, unknown> {
  ref_id: string;
  organization_id: string;
  connection_id: string;
  external_id: string;
  currency: string;
  overdue_minor: string;
  oldest_days: number | null;
  last_seq: string | null;
  last: { overdueAmount?: string | null; currency?: string | null; oldestOverdueDays?: number | null } | null;
}

/**
 * Queues `set_company_properties` for each company linked to the organization's customers whose
 * overdue figures changed. Amounts are in the customer's currency (the organization's when it has
 * none): invoices in another currency are not added to them. Returns the companies queued.
 */
export async function enqueueCompanyBalances(db: Db, organizationId: string, asOf: string): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.execute<CompanyFigures>(sql`
      SELECT r.id AS ref_id, c.organization_id, r.connection_id, r.external_id, f.currency,
             coalesce(sum(i.balance_minor), 0)::text AS overdue_minor,
             (${asOf}::date - min(i.due_date))::int AS oldest_days,
             last.seq::text AS last_seq, last.props AS last
        FROM customer_external_refs r
        JOIN customers c ON c.id = r.customer_id
        JOIN organizations o ON o.id = c.organization_id
        CROSS JOIN LATERAL (SELECT coalesce(c.currency, o.base_currency) AS currency) f
        LEFT JOIN invoices i ON i.customer_id = c.id AND i.status = 'open' AND i.balance_minor > 0
                            AND i.due_date < ${asOf}::date AND i.currency = f.currency
        LEFT JOIN LATERAL (
          SELECT x.seq, x.payload->'properties' AS props FROM outbox x
           WHERE x.connection_id = r.connection_id AND x.record_key = 'company:' || r.external_id
             AND x.kind = 'set_company_properties' AND x.payload->'properties' ? 'overdueAmount'
           ORDER BY x.seq DESC LIMIT 1) last ON true
       WHERE c.organization_id = ${organizationId}::uuid AND r.kind = 'company'
       GROUP BY r.id, c.organization_id, r.connection_id, r.external_id, f.currency, last.seq, last.props
       ORDER BY r.external_id, r.id`);
    let queued = 0;
    for (const row of rows) {
      const figures = { overdueAmount: formatMinor(BigInt(row.overdue_minor), row.currency), currency: row.currency, oldestOverdueDays: row.oldest_days };
      const last = row.last;
      if (last && last.overdueAmount === figures.overdueAmount && last.currency === figures.currency && (last.oldestOverdueDays ?? null) === figures.oldestOverdueDays) continue;
      // Keyed on the row it follows: a retried run queues the same change once, a later change anew.
      const result = await enqueuePushChange(tx, {
        organizationId: row.organization_id, connectionId: row.connection_id,
        idempotencyKey: `company-balance:${row.ref_id}:after:${row.last_seq ?? 0}`,
        change: { kind: 'set_company_properties', companyExternalId: row.external_id, properties: figures },
      });
      if (result.created) queued += 1;
    }
    return queued;
  });
}
