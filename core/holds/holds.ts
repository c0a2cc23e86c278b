/**
 * Holds placed by hand: a collector pauses a customer (or one of its invoices) for a reason, until
 * an optional last day after which it resumes by itself. The dunning engine and the sender already
 * honour `dunning_holds` with its `until`; here the hold is placed, released or expired with its
 * activity on the timeline, and a customer-level pause is written back to the CRM companies linked
 * to the customer (HubSpot's "Reminders paused" property) through the outbox, in the same transaction.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { InvalidInput, NotFound } from '../errors.ts';
import { enqueuePushChange } from '../outbox/index.ts';
import type { Db, Tx } from '../store/index.ts';

const isoDay = z.iso.date('must be a date written YYYY-MM-DD');

export const pauseInputSchema = z.object({
  customerIds: z.array(z.uuid()).min(1, 'must name at least one customer').max(500),
  /** One invoice of the (single) customer; absent: the whole customer. */
  invoiceId: z.uuid().nullish(),
  reason: z.string().trim().min(1, 'must say why').max(500),
  /** The last day the hold applies; absent: until resumed. */
  until: isoDay.nullish(),
});
export type PauseInput = z.input<typeof pauseInputSchema>;

export interface PauseContext {
  organizationId: string;
  /** "user:<id>": who paused, on the timeline and the hold. */
  actor: string;
  /** The organization's today: an end date before it is refused. */
  today: string;
}

function invalid(error: z.ZodError): never {
  const issue = error.issues[0]!;
  const field = issue.path.join('.') || 'body';
  throw new InvalidInput(`pause.${field}: ${issue.message}`, { field });
}

/** Places one hold per customer (or one on the invoice); returns the holds' ids. Nothing is written when any input is wrong. */
export async function pauseCustomers(tx: Tx, ctx: PauseContext, input: PauseInput): Promise<string[]> {
  const parsed = pauseInputSchema.safeParse(input);
  if (!parsed.success) invalid(parsed.error);
  const p = parsed.data;
  if (p.until && p.until < ctx.today) throw new InvalidInput(`pause.until: ${p.until} is in the past (today is ${ctx.today})`, { field: 'until' });
  const ids = [...new Set(p.customerIds)];
  const { rows: found } = await tx.execute<{ id: string }>(sql`
    SELECT id FROM customers WHERE organization_id = ${ctx.organizationId}::uuid AND id = ANY(${sql.param(ids)}::uuid[]) FOR UPDATE`);
  const missing = ids.find((id) => !found.some((r) => r.id === id));
  if (missing) throw new NotFound(`pause.customerIds: customer ${missing} does not exist`, { field: 'customerIds' });
  let invoiceNumber: string | null = null;
  if (p.invoiceId) {
    if (ids.length !== 1) throw new InvalidInput('pause.invoiceId: an invoice hold names one customer', { field: 'invoiceId' });
    const { rows } = await tx.execute<{ number: string | null; external_id: string }>(sql`
      SELECT number, external_id FROM invoices WHERE id = ${p.invoiceId}::uuid AND customer_id = ${ids[0]}::uuid`);
    if (!rows[0]) throw new InvalidInput('pause.invoiceId: not an invoice of this customer', { field: 'invoiceId' });
    invoiceNumber = rows[0].number ?? rows[0].external_id;
  }
  const holdIds: string[] = [];
  for (const customerId of ids) {
    const { rows } = await tx.execute<{ id: string }>(sql`
      INSERT INTO dunning_holds (organization_id, customer_id, invoice_id, reason, until, created_by)
      VALUES (${ctx.organizationId}::uuid, ${customerId}::uuid, ${p.invoiceId ?? null}::uuid, ${p.reason}, ${p.until ?? null}::date, ${ctx.actor})
      RETURNING id`);
    const holdId = rows[0]!.id;
    holdIds.push(holdId);
    await activity(tx, ctx.organizationId, customerId, p.invoiceId ?? null, ctx.actor, 'hold.placed', { holdId, reason: p.reason, until: p.until ?? null, invoice: invoiceNumber });
    if (!p.invoiceId) await writePaused(tx, ctx.organizationId, customerId, `hold:${holdId}:placed`);
  }
  return holdIds;
}

export interface ReleaseContext {
  organizationId: string;
  actor: string;
  /** `resumed` by a person, `expired` when its last day has passed. */
  how: 'resumed' | 'expired';
}

/** Releases one active hold of the organization; releasing a released hold is a 404 (nothing to do). */
export async function releaseHold(tx: Tx, ctx: ReleaseContext, holdId: string): Promise<{ customerId: string }> {
  const { rows } = await tx.execute<{ customer_id: string; invoice_id: string | null; reason: string; until: string | null }>(sql`
    UPDATE dunning_holds SET released_at = now()
     WHERE id = ${holdId}::uuid AND organization_id = ${ctx.organizationId}::uuid AND released_at IS NULL
     RETURNING customer_id, invoice_id, reason, until::text`);
  const h = rows[0];
  if (!h) throw new NotFound(`hold ${holdId} is not an active hold`, { field: 'holdId' });
  await activity(tx, ctx.organizationId, h.customer_id, h.invoice_id, ctx.actor, ctx.how === 'expired' ? 'hold.expired' : 'hold.released', { holdId, reason: h.reason, until: h.until });
  if (!h.invoice_id) await writePaused(tx, ctx.organizationId, h.customer_id, `hold:${holdId}:${ctx.how}`);
  return { customerId: h.customer_id };
}

/** Releases every hold whose last day is before its organization's today; returns how many. */
export async function expireHolds(db: Db, now: Date = new Date()): Promise<number> {
  const { rows } = await db.execute<{ id: string; organization_id: string }>(sql`
    SELECT h.id, h.organization_id FROM dunning_holds h JOIN organizations o ON o.id = h.organization_id
     WHERE h.released_at IS NULL AND h.until IS NOT NULL
       AND h.until < (${now.toISOString()}::timestamptz AT TIME ZONE coalesce(o.timezone, 'UTC'))::date`);
  for (const r of rows) {
    await db.transaction((tx) => releaseHold(tx, { organizationId: r.organization_id, actor: 'job:holds.expire', how: 'expired' }, r.id).catch((e: unknown) => {
      // Released meanwhile by a person: nothing left to do.
      if (e instanceof NotFound) return null;
      throw e;
    }));
  }
  return rows.length;
}

/**
 * The CRM's "paused" property of each company linked to the customer: true while any
 * customer-level hold or the CRM's own pause stands. Keyed on the hold event, so a retried
 * request queues it once.
 */
async function writePaused(tx: Tx, organizationId: string, customerId: string, key: string): Promise<void> {
  const { rows } = await tx.execute<{ id: string; connection_id: string; external_id: string; paused: boolean }>(sql`
    SELECT r.id, r.connection_id, r.external_id,
           EXISTS (SELECT 1 FROM dunning_holds h WHERE h.customer_id = r.customer_id AND h.invoice_id IS NULL AND h.released_at IS NULL
                     AND (h.until IS NULL OR h.until >= current_date)) AS paused
      FROM customer_external_refs r WHERE r.customer_id = ${customerId}::uuid AND r.kind = 'company'`);
  for (const ref of rows) {
    await enqueuePushChange(tx, {
      organizationId, connectionId: ref.connection_id, idempotencyKey: `${key}:company:${ref.id}`,
      change: { kind: 'set_company_properties', companyExternalId: ref.external_id, properties: { paused: ref.paused } },
    });
  }
}

async function activity(tx: Tx, organizationId: string, customerId: string, invoiceId: string | null, actor: string, kind: string, payload: Record<string, unknown>): Promise<void> {
  await tx.execute(sql`INSERT INTO activities (organization_id, customer_id, invoice_id, actor, kind, payload)
    VALUES (${organizationId}::uuid, ${customerId}::uuid, ${invoiceId}::uuid, ${actor}, ${kind}, ${JSON.stringify(payload)}::jsonb)`);
}
