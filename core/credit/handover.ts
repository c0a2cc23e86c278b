/**
 * The legal end: a customer handed over to litigation (a lawyer) or a collection agency. From that
 * moment Relance sends nothing more to the customer — a hold stops the scenario and every planned
 * or awaiting reminder is cancelled with that reason — the status is written back (the HubSpot
 * stage, each open invoice's dunning stage in the accounting system), and what is owed at the
 * hand-over (principal, interest and fixed compensation by law, per currency) is frozen on the
 * hand-over so that amounts recovered afterwards can be measured against it.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { loadCustomerLedgers, loadOrganization } from '../agenda/index.ts';
import type { IsoDate } from '../calendar/index.ts';
import { Conflict, InvalidInput, NotFound } from '../errors.ts';
import { feesFor } from '../fees/index.ts';
import { openBalanceOn } from '../ledger/balance.ts';
import type { Invoice } from '../ledger/model.ts';
import { formatMinor } from '../money.ts';
import { enqueuePushChange } from '../outbox/index.ts';
import type { Db, Executor, Tx } from '../store/index.ts';
import { activities } from '../store/schema/index.ts';
import { parseInput } from './parse.ts';
import { queueCompanyCredit } from './write-back.ts';

const handoverSchema = z.strictObject({
  kind: z.enum(['litigation', 'agency'], { error: 'must be "litigation" or "agency"' }),
  party: z.string().trim().min(1, 'must name the lawyer or the agency').max(200),
  reference: z.string().trim().max(200).nullish(),
  note: z.string().trim().max(4000).nullish(),
});

export type HandoverInput = z.input<typeof handoverSchema>;

export interface OwedAmounts {
  principal: string;
  interest: string;
  fixed: string;
}

export interface Handover {
  id: string;
  customer: { id: string; name: string };
  kind: 'litigation' | 'agency';
  party: string;
  reference: string | null;
  note: string | null;
  handedOverAt: string;
  handedOverBy: string;
  status: 'open' | 'closed';
  closedAt: string | null;
  /** Owed at the hand-over, per currency. */
  amounts: Record<string, OwedAmounts>;
  /** Paid or credited since the hand-over, per currency. */
  recovered: Record<string, string>;
}

/** What the customer owes on `asOf`, per currency: open balances, and the fees the policy gives. */
export async function owedOn(db: Db, organizationId: string, customerId: string, asOf: IsoDate): Promise<Record<string, OwedAmounts>> {
  const org = await loadOrganization(db, organizationId);
  const [ledger] = await loadCustomerLedgers(db, organizationId, [customerId], asOf);
  const byCurrency = new Map<string, Invoice[]>();
  for (const invoice of ledger?.invoices ?? []) {
    if (invoice.void || openBalanceOn(invoice, asOf) <= 0n) continue;
    byCurrency.set(invoice.currency, [...(byCurrency.get(invoice.currency) ?? []), invoice]);
  }
  const out: Record<string, OwedAmounts> = {};
  for (const [currency, invoices] of [...byCurrency].sort(([a], [b]) => a.localeCompare(b))) {
    const principal = invoices.reduce((sum, i) => sum + openBalanceOn(i, asOf), 0n);
    const fees = feesFor(invoices, asOf, org.planner.latePayment);
    out[currency] = { principal: formatMinor(principal, currency), interest: formatMinor(fees.interest, currency), fixed: formatMinor(fees.fixed, currency) };
  }
  return out;
}

/**
 * Hands the customer over. Refused when it owes nothing or is already handed over (one open
 * hand-over at a time). Everything happens in one transaction: hold, cancellations, write-backs.
 */
export async function handOver(db: Db, organizationId: string, customerId: string, input: HandoverInput, actor: string, asOf: IsoDate): Promise<Handover> {
  const h = parseInput(handoverSchema, input, 'hand-over');
  const { rows: [customer] } = await db.execute<{ id: string; name: string }>(
    sql`SELECT id, name FROM customers WHERE id = ${customerId}::uuid AND organization_id = ${organizationId}::uuid`,
  );
  if (!customer) throw new NotFound('customer not found', { field: 'customerId' });
  const amounts = await owedOn(db, organizationId, customerId, asOf);
  if (Object.keys(amounts).length === 0) throw new InvalidInput('hand-over: the customer owes nothing', { field: 'customerId' });
  const label = h.kind === 'litigation' ? `Handed over to litigation (${h.party})` : `Handed over to a collection agency (${h.party})`;
  const id = await db.transaction(async (tx) => {
    const { rows: [hold] } = await tx.execute<{ id: string }>(sql`
      INSERT INTO dunning_holds (organization_id, customer_id, reason, created_by)
      VALUES (${organizationId}::uuid, ${customerId}::uuid, ${label}, ${actor}) RETURNING id`);
    const { rows: [created] } = await tx.execute<{ id: string }>(sql`
      INSERT INTO legal_handovers (organization_id, customer_id, kind, party, reference, note, handed_over_by, amounts, hold_id)
      VALUES (${organizationId}::uuid, ${customerId}::uuid, ${h.kind}, ${h.party}, ${h.reference ?? null}, ${h.note ?? null}, ${actor},
              ${JSON.stringify(amounts)}::jsonb, ${hold!.id}::uuid)
      ON CONFLICT (customer_id) WHERE status = 'open' DO NOTHING RETURNING id`);
    if (!created) throw new Conflict('the customer is already handed over', { field: 'customerId' });
    const { rows: cancelled } = await tx.execute<{ id: string }>(sql`
      UPDATE actions SET status = 'cancelled', updated_at = now(),
             details = details || jsonb_build_object('cancelledBecause', 'handover', 'handoverId', ${created.id}::text, 'cancelledBy', ${actor}::text)
       WHERE customer_id = ${customerId}::uuid AND status IN ('planned', 'awaiting_approval') RETURNING id`);
    await tx.insert(activities).values({
      organizationId, customerId, actor, kind: 'credit.handover',
      payload: { handoverId: created.id, kind: h.kind, party: h.party, reference: h.reference ?? null, amounts, cancelledActions: cancelled.map((c) => c.id) },
    });
    await writeBackStage(tx, organizationId, customerId, created.id, label);
    return created.id;
  });
  return (await getHandover(db, organizationId, id))!;
}

/** The stage on the CRM company and on each open invoice in the accounting system. */
async function writeBackStage(tx: Tx, organizationId: string, customerId: string, handoverId: string, label: string): Promise<void> {
  await queueCompanyCredit(tx, organizationId, customerId, `handover:${handoverId}`, { stage: label });
  const { rows } = await tx.execute<{ id: string; connection_id: string; external_id: string; provider: string }>(sql`
    SELECT i.id, i.connection_id, i.external_id, k.provider::text AS provider FROM invoices i JOIN connections k ON k.id = i.connection_id
     WHERE i.customer_id = ${customerId}::uuid AND i.status = 'open' AND i.balance_minor > 0 ORDER BY i.external_id`);
  for (const i of rows) {
    if (i.provider === 'hubspot') continue;
    await enqueuePushChange(tx, {
      organizationId, connectionId: i.connection_id, idempotencyKey: `handover:${handoverId}:invoice:${i.id}`,
      change: { kind: 'set_dunning_stage', invoiceExternalId: i.external_id, stage: label, note: `Relance: ${label}. Reminders stopped.` },
    });
  }
}

/** Closes a hand-over (the case ended): the hold is released, reminders may resume on the next run. */
export async function closeHandover(db: Db, organizationId: string, handoverId: string, actor: string): Promise<Handover> {
  await db.transaction(async (tx) => {
    const { rows: [row] } = await tx.execute<{ customer_id: string; hold_id: string | null; status: string }>(sql`
      SELECT customer_id, hold_id, status FROM legal_handovers WHERE id = ${handoverId}::uuid AND organization_id = ${organizationId}::uuid FOR UPDATE`);
    if (!row) throw new NotFound('hand-over not found', { field: 'handoverId' });
    if (row.status !== 'open') throw new Conflict('the hand-over is already closed', { field: 'handoverId' });
    await tx.execute(sql`UPDATE legal_handovers SET status = 'closed', closed_at = now(), closed_by = ${actor} WHERE id = ${handoverId}::uuid`);
    if (row.hold_id) await tx.execute(sql`UPDATE dunning_holds SET released_at = now() WHERE id = ${row.hold_id}::uuid AND released_at IS NULL`);
    await tx.insert(activities).values({ organizationId, customerId: row.customer_id, actor, kind: 'credit.handover.closed', payload: { handoverId } });
  });
  return (await getHandover(db, organizationId, handoverId))!;
}

interface HandoverRow extends Record<string, unknown> {
  id: string; customer_id: string; customer_name: string; kind: 'litigation' | 'agency'; party: string; reference: string | null; note: string | null;
  handed_over_at: Date; handed_over_by: string; status: 'open' | 'closed'; closed_at: Date | null; amounts: Record<string, OwedAmounts>;
  recovered: Record<string, string> | null;
}

async function selectHandovers(db: Executor, organizationId: string, where: ReturnType<typeof sql>): Promise<Handover[]> {
  const { rows } = await db.execute<HandoverRow>(sql`
    SELECT h.id, h.customer_id, c.name AS customer_name, h.kind, h.party, h.reference, h.note, h.handed_over_at, h.handed_over_by,
           h.status, h.closed_at, h.amounts,
           (SELECT json_object_agg(x.currency, x.minor) FROM (
              SELECT i.currency::text AS currency, sum(a.amount_minor)::text AS minor
                FROM allocations a JOIN invoices i ON i.id = a.invoice_id
               WHERE i.customer_id = h.customer_id AND a.date >= (h.handed_over_at AT TIME ZONE o.timezone)::date
               GROUP BY i.currency) x) AS recovered
      FROM legal_handovers h JOIN customers c ON c.id = h.customer_id JOIN organizations o ON o.id = h.organization_id
     WHERE h.organization_id = ${organizationId}::uuid AND ${where}
     ORDER BY h.handed_over_at DESC, h.id`);
  return rows.map((r) => ({
    id: r.id, customer: { id: r.customer_id, name: r.customer_name }, kind: r.kind, party: r.party, reference: r.reference, note: r.note,
    handedOverAt: new Date(r.handed_over_at).toISOString(), handedOverBy: r.handed_over_by, status: r.status,
    closedAt: r.closed_at ? new Date(r.closed_at).toISOString() : null, amounts: r.amounts,
    recovered: Object.fromEntries(Object.entries(r.recovered ?? {}).map(([currency, minor]) => [currency, formatMinor(BigInt(minor), currency)])),
  }));
}

export async function getHandover(db: Executor, organizationId: string, handoverId: string): Promise<Handover | null> {
  return (await selectHandovers(db, organizationId, sql`h.id = ${handoverId}::uuid`))[0] ?? null;
}

export function listHandovers(db: Executor, organizationId: string, customerIds: string[] | null = null): Promise<Handover[]> {
  return selectHandovers(db, organizationId, customerIds ? sql`h.customer_id = ANY(${sql.param(customerIds)}::uuid[])` : sql`true`);
}
