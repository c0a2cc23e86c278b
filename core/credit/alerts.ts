/**
 * The alerts a credit manager must act on (an insured debt to declare, a limit to review, a hold
 * placed): raised once per cause (a dedupe key), listed until someone resolves them, and resolved
 * by the review itself when the cause goes away.
 */
import { sql } from 'drizzle-orm';
import { NotFound } from '../errors.ts';
import type { Executor } from '../store/index.ts';
import type { CreditAlertKind } from '../store/schema/index.ts';

export interface AlertInput {
  organizationId: string;
  customerId: string;
  invoiceId?: string | null;
  kind: CreditAlertKind;
  dueOn?: string | null;
  dedupeKey: string;
  details?: Record<string, unknown>;
}

/** Raises the alert unless one with the same key exists (open or resolved); returns whether it is new. */
export async function raiseAlert(db: Executor, a: AlertInput): Promise<boolean> {
  const { rows } = await db.execute<{ id: string }>(sql`
    INSERT INTO credit_alerts (organization_id, customer_id, invoice_id, kind, due_on, dedupe_key, details)
    VALUES (${a.organizationId}::uuid, ${a.customerId}::uuid, ${a.invoiceId ?? null}::uuid, ${a.kind}, ${a.dueOn ?? null}::date,
            ${a.dedupeKey}, ${JSON.stringify(a.details ?? {})}::jsonb)
    ON CONFLICT (organization_id, dedupe_key) DO NOTHING RETURNING id`);
  return rows.length > 0;
}

/** Resolves the open alerts that match; returns how many. */
export async function resolveAlerts(
  db: Executor,
  organizationId: string,
  match: { customerId?: string; invoiceId?: string; kind?: CreditAlertKind; id?: string },
  by: string,
): Promise<number> {
  const result = await db.execute(sql`
    UPDATE credit_alerts SET resolved_at = now(), resolved_by = ${by}
     WHERE organization_id = ${organizationId}::uuid AND resolved_at IS NULL
       ${match.id ? sql`AND id = ${match.id}::uuid` : sql``}
       ${match.customerId ? sql`AND customer_id = ${match.customerId}::uuid` : sql``}
       ${match.invoiceId ? sql`AND invoice_id = ${match.invoiceId}::uuid` : sql``}
       ${match.kind ? sql`AND kind = ${match.kind}` : sql``}`);
  return result.rowCount ?? 0;
}

/** Resolves one alert by hand; a 404 when it is not the organization's, nothing when already resolved. */
export async function resolveAlert(db: Executor, organizationId: string, alertId: string, by: string): Promise<void> {
  const { rows } = await db.execute<{ id: string }>(sql`SELECT id FROM credit_alerts WHERE id = ${alertId}::uuid AND organization_id = ${organizationId}::uuid`);
  if (!rows[0]) throw new NotFound('alert not found', { field: 'alertId' });
  await resolveAlerts(db, organizationId, { id: alertId }, by);
}

export interface CreditAlert {
  id: string;
  kind: CreditAlertKind;
  customer: { id: string; name: string };
  invoice: { id: string; number: string | null } | null;
  dueOn: string | null;
  details: Record<string, unknown>;
  createdAt: string;
  resolvedAt: string | null;
}

/** Open alerts first by due date (the most urgent first), then the newest. */
export async function listAlerts(db: Executor, organizationId: string, filter: { open?: boolean; customerIds?: string[] | null } = {}): Promise<CreditAlert[]> {
  const { rows } = await db.execute<{
    id: string; kind: CreditAlertKind; customer_id: string; customer_name: string; invoice_id: string | null; invoice_number: string | null;
    due_on: string | null; details: Record<string, unknown>; created_at: Date; resolved_at: Date | null;
  }>(sql`
    SELECT a.id, a.kind, a.customer_id, c.name AS customer_name, a.invoice_id, coalesce(i.number, i.external_id) AS invoice_number,
           a.due_on::text, a.details, a.created_at, a.resolved_at
      FROM credit_alerts a JOIN customers c ON c.id = a.customer_id LEFT JOIN invoices i ON i.id = a.invoice_id
     WHERE a.organization_id = ${organizationId}::uuid
       ${filter.open !== false ? sql`AND a.resolved_at IS NULL` : sql``}
       ${filter.customerIds ? sql`AND a.customer_id = ANY(${sql.param(filter.customerIds)}::uuid[])` : sql``}
     ORDER BY a.due_on NULLS LAST, a.created_at DESC LIMIT 500`);
  return rows.map((r) => ({
    id: r.id, kind: r.kind, customer: { id: r.customer_id, name: r.customer_name },
    invoice: r.invoice_id ? { id: r.invoice_id, number: r.invoice_number } : null,
    dueOn: r.due_on, details: r.details, createdAt: new Date(r.created_at).toISOString(),
    resolvedAt: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
  }));
}
