/**
 * Checks a connection's ledger against what its source says: each invoice's open balance (the
 * source's word) against its total less the allocations the source listed. Every disagreement is
 * a divergence row with its cause, kept until a later check no longer finds it.
 */
import { sql } from 'drizzle-orm';
import { formatMinor } from '../money.ts';
import type { Executor } from '../store/index.ts';

export type DivergenceKind = 'balance_mismatch' | 'over_allocation' | 'currency_mismatch' | 'unknown_invoice';

export interface Divergence {
  readonly entity: 'invoice' | 'payment' | 'creditNote';
  readonly externalId: string;
  readonly kind: DivergenceKind;
  readonly currency: string | null;
  /** What the source says (the invoice's open balance, or its total for an over-allocation). */
  readonly expected: bigint | null;
  /** What the store's allocations make of it. */
  readonly actual: bigint | null;
  readonly cause: string;
  /** The invoice external ids a targeted re-pull should fetch again. */
  readonly repull: readonly string[];
}

interface InvoiceCheckRow extends Record<string, unknown> {
  external_id: string;
  currency: string;
  total_minor: string;
  balance_minor: string;
  applied: string;
  foreign_currencies: string[] | null;
}

/** Invoices whose balance, allocations or allocation currencies disagree with the source. */
async function invoiceDivergences(db: Executor, connectionId: string): Promise<Divergence[]> {
  const { rows } = await db.execute<InvoiceCheckRow>(sql`
    SELECT i.external_id, i.currency, i.total_minor::text, i.balance_minor::text,
           coalesce(sum(a.amount_minor) FILTER (WHERE a.currency = i.currency), 0)::text AS applied,
           array_agg(DISTINCT a.currency::text) FILTER (WHERE a.currency <> i.currency) AS foreign_currencies
    FROM invoices i LEFT JOIN allocations a ON a.invoice_id = i.id
    WHERE i.connection_id = ${connectionId}::uuid AND i.status NOT IN ('void', 'draft')
    GROUP BY i.id`);
  const out: Divergence[] = [];
  for (const r of rows) {
    const [total, balance, applied] = [BigInt(r.total_minor), BigInt(r.balance_minor), BigInt(r.applied)];
    const money = (v: bigint) => `${formatMinor(v, r.currency)} ${r.currency}`;
    const base = { entity: 'invoice' as const, externalId: r.external_id, currency: r.currency, repull: [r.external_id] };
    if (r.foreign_currencies?.length) {
      // Relance holds no rate for a document's own currency pair: never convert silently.
      out.push({ ...base, kind: 'currency_mismatch', expected: null, actual: null,
        cause: `money in ${r.foreign_currencies.join(', ')} is allocated to this ${r.currency} invoice, with no exchange rate` });
    }
    if (applied > total) {
      out.push({ ...base, kind: 'over_allocation', expected: total, actual: applied,
        cause: `allocations of ${money(applied)} exceed the invoice total of ${money(total)}` });
    } else if (total - applied !== balance) {
      out.push({ ...base, kind: 'balance_mismatch', expected: balance, actual: total - applied,
        cause: `the source's open balance is ${money(balance)}; total less the allocations synced is ${money(total - applied)}` });
    }
  }
  return out;
}

/** Allocations of this connection to an invoice the store does not have. */
async function unknownInvoiceDivergences(db: Executor, connectionId: string): Promise<Divergence[]> {
  const { rows } = await db.execute<{ entity: 'payment' | 'creditNote'; external_id: string; currency: string; amount: string; invoices: string[] }>(sql`
    SELECT CASE WHEN a.source = 'payment' THEN 'payment' ELSE 'creditNote' END AS entity,
           coalesce(p.external_id, cn.external_id, a.credit_note_external_id) AS external_id, a.currency::text,
           sum(a.amount_minor)::text AS amount, array_agg(DISTINCT a.invoice_external_id) AS invoices
    FROM allocations a
    LEFT JOIN payments p ON p.id = a.payment_id LEFT JOIN credit_notes cn ON cn.id = a.credit_note_id
    WHERE a.connection_id = ${connectionId}::uuid AND a.invoice_id IS NULL
    GROUP BY 1, 2, 3`);
  return rows.map((r) => ({
    entity: r.entity,
    externalId: r.external_id,
    kind: 'unknown_invoice' as const,
    currency: r.currency,
    expected: null,
    actual: BigInt(r.amount),
    cause: `allocated to invoice(s) ${[...r.invoices].sort().join(', ')} that the store does not have`,
    repull: [...r.invoices].sort(),
  }));
}

/** Everything the connection's ledger and its source disagree on, now. */
export async function detectDivergences(db: Executor, connectionId: string): Promise<Divergence[]> {
  return [...(await invoiceDivergences(db, connectionId)), ...(await unknownInvoiceDivergences(db, connectionId))];
}

/**
 * Records the divergences found (open, updated in place when already known) and marks `fixed` the
 * open ones no longer found. Returns how many were fixed.
 */
export async function recordDivergences(db: Executor, connectionId: string, found: readonly Divergence[]): Promise<number> {
  for (const d of found) {
    await db.execute(sql`
      INSERT INTO divergences (organization_id, connection_id, entity, external_id, kind, currency, expected_minor, actual_minor, cause)
      SELECT c.organization_id, c.id, ${d.entity}, ${d.externalId}, ${d.kind}, ${d.currency},
             ${d.expected?.toString() ?? null}::bigint, ${d.actual?.toString() ?? null}::bigint, ${d.cause}
      FROM connections c WHERE c.id = ${connectionId}::uuid
      ON CONFLICT (connection_id, entity, external_id, kind) DO UPDATE SET
        currency = EXCLUDED.currency, expected_minor = EXCLUDED.expected_minor, actual_minor = EXCLUDED.actual_minor,
        cause = EXCLUDED.cause, resolved_at = NULL,
        status = CASE WHEN divergences.status = 'dismissed' THEN 'dismissed' ELSE 'open' END,
        detected_at = CASE WHEN divergences.status = 'open' THEN divergences.detected_at ELSE now() END`);
  }
  const keys = found.map((d) => `${d.entity}\u001f${d.externalId}\u001f${d.kind}`);
  const fixed = await db.execute(sql`
    UPDATE divergences SET status = 'fixed', resolved_at = now()
    WHERE connection_id = ${connectionId}::uuid AND status = 'open'
      AND NOT (entity || chr(31) || external_id || chr(31) || kind = ANY(${sql.param(keys)}::text[]))`);
  return fixed.rowCount ?? 0;
}

export interface OpenDivergence {
  entity: string;
  externalId: string;
  kind: string;
  cause: string;
  repullAttempts: number;
}

/** The open divergences of a connection, for the admin and the job's report. */
export async function listOpenDivergences(db: Executor, connectionId: string): Promise<OpenDivergence[]> {
  const { rows } = await db.execute<{ entity: string; external_id: string; kind: string; cause: string; repull_attempts: number }>(sql`
    SELECT entity, external_id, kind, cause, repull_attempts FROM divergences
    WHERE connection_id = ${connectionId}::uuid AND status = 'open' ORDER BY entity, external_id, kind`);
  return rows.map((r) => ({ entity: r.entity, externalId: r.external_id, kind: r.kind, cause: r.cause, repullAttempts: r.repull_attempts }));
}
