/**
 * Unapplied money in the store: suggestions computed and kept in `unapplied_suggestions`, and an
 * accepted one turned into allocations (Relance's own, `connection_id` null, until the provider's
 * version syncs and replaces them) plus a payment-application write-back where the provider allows
 * it. Where it does not, the acceptance says so: the accountant applies it in the provider.
 */
import { sql } from 'drizzle-orm';
import { todayIn } from '../calendar/index.ts';
import { Conflict, NotFound } from '../errors.ts';
import { formatMinor } from '../money.ts';
import { enqueuePushChange } from '../outbox/index.ts';
import type { Db, Executor, Tx } from '../store/index.ts';
import { suggestApplications, type MatchOptions, type OpenItem } from './match.ts';

export interface MoneyRow extends Record<string, unknown> {
  source: 'payment' | 'credit_note'; id: string; customer_id: string; connection_id: string; provider: string;
  external_id: string; currency: string; amount: string; memo: string | null; raw_kind: string | null;
}

async function unappliedMoney(db: Executor, organizationId: string): Promise<MoneyRow[]> {
  const { rows } = await db.execute<MoneyRow>(sql`
    SELECT 'payment' AS source, p.id, p.customer_id, p.connection_id, c.provider::text, p.external_id, p.currency::text,
           p.unapplied_minor::text AS amount, p.reference AS memo,
           CASE WHEN p.raw ? 'OverpaymentID' THEN 'overpayment' WHEN p.raw ? 'PrepaymentID' THEN 'prepayment' END AS raw_kind
      FROM payments p JOIN connections c ON c.id = p.connection_id
     WHERE p.organization_id = ${organizationId}::uuid AND p.unapplied_minor > 0 AND p.customer_id IS NOT NULL
    UNION ALL
    SELECT 'credit_note', n.id, n.customer_id, n.connection_id, c.provider::text, n.external_id, n.currency::text,
           n.remaining_minor::text, n.number, NULL
      FROM credit_notes n JOIN connections c ON c.id = n.connection_id
     WHERE n.organization_id = ${organizationId}::uuid AND n.remaining_minor > 0 AND n.customer_id IS NOT NULL`);
  return rows;
}

async function openItems(db: Executor, customerId: string, currency: string): Promise<OpenItem[]> {
  const { rows } = await db.execute<{ id: string; number: string | null; due_date: string | null; balance: string }>(sql`
    SELECT id, number, due_date::text, balance_minor::text AS balance FROM invoices
     WHERE customer_id = ${customerId}::uuid AND currency = ${currency} AND status = 'open' AND balance_minor > 0 AND NOT disputed`);
  return rows.map((r) => ({ id: r.id, number: r.number, dueDate: r.due_date, balance: BigInt(r.balance) }));
}

/** Recomputes the organization's open suggestions (decided ones stay); returns how many are open. */
export async function refreshSuggestions(db: Db, organizationId: string, options: MatchOptions = {}): Promise<number> {
  let count = 0;
  for (const m of await unappliedMoney(db, organizationId)) {
    const suggestions = suggestApplications({ amount: BigInt(m.amount), currency: m.currency, memo: m.memo }, await openItems(db, m.customer_id, m.currency), options);
    const column = m.source === 'payment' ? sql`payment_id` : sql`credit_note_id`;
    await db.transaction(async (tx) => {
      await tx.execute(sql`DELETE FROM unapplied_suggestions WHERE ${column} = ${m.id}::uuid AND status = 'suggested'`);
      for (const s of suggestions) {
        await tx.execute(sql`
          INSERT INTO unapplied_suggestions (organization_id, customer_id, source, ${column}, invoice_ids, amounts_minor, currency, rule, score, explanation)
          VALUES (${organizationId}::uuid, ${m.customer_id}::uuid, ${m.source}::allocation_source, ${m.id}::uuid,
                  ${sql.param(s.invoiceIds)}::uuid[], ${sql.param(s.amounts.map(String))}::bigint[], ${m.currency}, ${s.rule}, ${s.score}, ${s.explanation})`);
        count++;
      }
    });
  }
  return count;
}

export type WriteBack = { status: 'queued'; outboxIds: string[] } | { status: 'not_possible'; reason: string };

/** Where a provider can apply money through its API (connectors/contract.ts, apply_payment). */
function writeBackSource(m: MoneyRow): 'payment' | 'credit_note' | 'overpayment' | 'prepayment' | string {
  const kind = m.source === 'payment' ? (m.raw_kind ?? 'payment') : 'credit_note';
  if (m.provider === 'quickbooks' && (kind === 'payment' || kind === 'credit_note')) return kind;
  if (m.provider === 'xero' && kind !== 'payment') return kind;
  return `${m.provider} cannot apply a ${kind.replace('_', ' ')} through its API: apply it there`;
}

/** Accepts a suggestion: allocations recorded, balances lowered, write-back queued or said impossible. */
export async function acceptSuggestion(tx: Tx, suggestionId: string, decidedBy: string): Promise<{ allocations: number; writeBack: WriteBack }> {
  const { rows } = await tx.execute<{ organization_id: string; status: string; source: string; money_id: string; invoice_ids: string[]; amounts: string[]; currency: string }>(sql`
    SELECT organization_id, status, source::text, COALESCE(payment_id, credit_note_id) AS money_id, invoice_ids, amounts_minor::text[] AS amounts, currency::text
      FROM unapplied_suggestions WHERE id = ${suggestionId}::uuid FOR UPDATE`);
  const s = rows[0];
  if (!s) throw new NotFound(`suggestion ${suggestionId} does not exist`, { field: 'suggestionId' });
  if (s.status !== 'suggested') throw new Conflict(`suggestion ${suggestionId} is already ${s.status}`, { field: 'status' });
  const m = await lockMoney(tx, s.organization_id, s.source as 'payment' | 'credit_note', s.money_id);
  const total = s.amounts.reduce((sum, a) => sum + BigInt(a), 0n);
  if (!m || BigInt(m.amount) < total) throw new Conflict(`suggestion ${suggestionId}: the money is no longer unapplied (synced since?)`, { field: 'suggestionId' });
  const applications = s.invoice_ids.map((invoiceId, k) => ({ invoiceId, amount: BigInt(s.amounts[k]!) }));
  const result = await applyToInvoices(tx, m, applications, { decidedBy, today: todayIn(null), idempotencyKey: `unapplied:${suggestionId}`, payload: { suggestionId } });
  await tx.execute(sql`UPDATE unapplied_suggestions SET status = 'accepted', decided_by = ${decidedBy}, decided_at = now() WHERE id = ${suggestionId}::uuid`);
  return { allocations: applications.length, writeBack: result.writeBack };
}

/** The money row, locked, when it still has something unapplied in the organization. */
export async function lockMoney(tx: Tx, organizationId: string, source: 'payment' | 'credit_note', moneyId: string): Promise<MoneyRow | null> {
  const { rows } = await tx.execute<MoneyRow>(source === 'payment'
    ? sql`SELECT 'payment' AS source, p.id, p.customer_id, p.connection_id, c.provider::text AS provider, p.external_id, p.currency::text AS currency,
                 p.unapplied_minor::text AS amount, p.reference AS memo,
                 CASE WHEN p.raw ? 'OverpaymentID' THEN 'overpayment' WHEN p.raw ? 'PrepaymentID' THEN 'prepayment' END AS raw_kind
            FROM payments p JOIN connections c ON c.id = p.connection_id
           WHERE p.id = ${moneyId}::uuid AND p.organization_id = ${organizationId}::uuid AND p.unapplied_minor > 0 AND p.customer_id IS NOT NULL FOR UPDATE OF p`
    : sql`SELECT 'credit_note' AS source, n.id, n.customer_id, n.connection_id, c.provider::text AS provider, n.external_id, n.currency::text AS currency,
                 n.remaining_minor::text AS amount, n.number AS memo, NULL AS raw_kind
            FROM credit_notes n JOIN connections c ON c.id = n.connection_id
           WHERE n.id = ${moneyId}::uuid AND n.organization_id = ${organizationId}::uuid AND n.remaining_minor > 0 AND n.customer_id IS NOT NULL FOR UPDATE OF n`);
  return rows[0] ?? null;
}

/**
 * Records the applications of locked money `m` (allocations, lower balances, the money's unapplied
 * part, its open suggestions dismissed, the timeline) and queues the provider's application where
 * it can take one. `created: false` when the same key was applied before: the caller rolls back.
 */
export async function applyToInvoices(
  tx: Tx, m: MoneyRow, applications: readonly { invoiceId: string; amount: bigint }[],
  o: { decidedBy: string; today: string; idempotencyKey: string; payload: Record<string, unknown> },
): Promise<{ created: boolean; writeBack: WriteBack }> {
  const { rows: seen } = await tx.execute(sql`SELECT 1 FROM activities WHERE customer_id = ${m.customer_id}::uuid AND kind = 'payment.applied' AND payload->>'key' = ${o.idempotencyKey}`);
  if (seen.length) return { created: false, writeBack: { status: 'not_possible', reason: 'already applied' } };
  const ids = applications.map((a) => a.invoiceId);
  const { rows: invoices } = await tx.execute<{ id: string; external_id: string; number: string | null; balance_minor: string }>(sql`
    SELECT id, external_id, number, balance_minor::text FROM invoices WHERE id = ANY(${sql.param(ids)}::uuid[]) FOR UPDATE`);
  const written: { invoiceExternalId: string; invoice: string; amount: string }[] = [];
  let total = 0n;
  for (const { invoiceId, amount } of applications) {
    const inv = invoices.find((i) => i.id === invoiceId);
    if (!inv || BigInt(inv.balance_minor) < amount) throw new Conflict(`invoice ${inv?.external_id ?? invoiceId} no longer owes ${formatMinor(amount, m.currency)}`, { field: 'invoiceIds' });
    await tx.execute(sql`
      INSERT INTO allocations (organization_id, source, payment_id, credit_note_id, invoice_external_id, invoice_id, currency, amount_minor, date)
      SELECT organization_id, ${m.source}::allocation_source, ${m.source === 'payment' ? m.id : null}::uuid, ${m.source === 'credit_note' ? m.id : null}::uuid,
             ${inv.external_id}, ${inv.id}::uuid, ${m.currency}, ${amount.toString()}::bigint, ${o.today}::date FROM invoices WHERE id = ${inv.id}::uuid`);
    await tx.execute(sql`UPDATE invoices SET balance_minor = balance_minor - ${amount.toString()}::bigint, updated_at = now(),
      status = CASE WHEN balance_minor - ${amount.toString()}::bigint = 0 THEN 'paid'::invoice_status ELSE status END WHERE id = ${inv.id}::uuid`);
    written.push({ invoiceExternalId: inv.external_id, invoice: inv.number ?? inv.external_id, amount: formatMinor(amount, m.currency) });
    total += amount;
  }
  await tx.execute(m.source === 'payment'
    ? sql`UPDATE payments SET unapplied_minor = unapplied_minor - ${total.toString()}::bigint, updated_at = now() WHERE id = ${m.id}::uuid`
    : sql`UPDATE credit_notes SET remaining_minor = remaining_minor - ${total.toString()}::bigint, updated_at = now() WHERE id = ${m.id}::uuid`);
  await tx.execute(sql`UPDATE unapplied_suggestions SET status = 'dismissed', decided_by = ${o.decidedBy}, decided_at = now()
    WHERE ${m.source === 'payment' ? sql`payment_id` : sql`credit_note_id`} = ${m.id}::uuid AND status = 'suggested'`);
  await tx.execute(sql`INSERT INTO activities (organization_id, customer_id, actor, kind, payload)
    SELECT organization_id, ${m.customer_id}::uuid, ${`user:${o.decidedBy}`}, 'payment.applied',
           ${JSON.stringify({ ...o.payload, key: o.idempotencyKey, source: m.source, externalId: m.external_id, currency: m.currency, applications: written })}::jsonb
      FROM customers WHERE id = ${m.customer_id}::uuid`);
  const source = writeBackSource(m);
  if (!['payment', 'credit_note', 'overpayment', 'prepayment'].includes(source)) return { created: true, writeBack: { status: 'not_possible', reason: source } };
  const { rows: org } = await tx.execute<{ organization_id: string }>(sql`SELECT organization_id FROM customers WHERE id = ${m.customer_id}::uuid`);
  const queued = await enqueuePushChange(tx, {
    organizationId: org[0]!.organization_id, connectionId: m.connection_id, idempotencyKey: o.idempotencyKey,
    change: { kind: 'apply_payment', source: source as 'payment', sourceExternalId: m.external_id, currency: m.currency, applications: written.map(({ invoiceExternalId, amount }) => ({ invoiceExternalId, amount })) },
  });
  return { created: true, writeBack: { status: 'queued', outboxIds: [queued.id] } };
}
