/**
 * Recording a promise to pay: the customer's dunning pauses until its date (the planner's `promise`
 * stop rule and the sender's last check read pending promises), an activity goes on the timeline,
 * and "promise recorded" is written back: a note on each open invoice of the customer in its
 * accounting system, the promise date on its CRM companies. All in the caller's transaction.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { todayIn } from '../calendar/index.ts';
import { InvalidInput, NotFound } from '../errors.ts';
import { formatMinor, toMinor } from '../money.ts';
import { enqueuePushChange } from '../outbox/index.ts';
import type { Tx } from '../store/index.ts';

export const promiseInputSchema = z.object({
  organizationId: z.uuid(),
  customerId: z.uuid(),
  amount: z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string such as "1250.00"'),
  /** Defaults to the customer's currency, else the organization's. */
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code').optional(),
  date: z.iso.date('must be a date YYYY-MM-DD'),
  recordedBy: z.string().trim().min(1).nullish(),
  note: z.string().nullish(),
  /** Today, for tests; defaults to today in the organization's time zone. */
  today: z.iso.date().optional(),
});
export type PromiseInput = z.input<typeof promiseInputSchema>;

/** The largest amount a bigint minor-units column holds: beyond it, a clear 400 rather than the store's overflow. */
export const MAX_MINOR = 2n ** 63n - 1n;

/** `user:<id>` or `portal:<customerId>` as given; a bare user id (older callers) gets its `user:` prefix. */
export function actorOfRecorder(recordedBy: string | null): string {
  if (!recordedBy) return 'system';
  return recordedBy.includes(':') ? recordedBy : `user:${recordedBy}`;
}

function fail(prefix: string, error: z.ZodError): never {
  const issue = error.issues[0]!;
  const path = issue.path.join('.');
  throw new InvalidInput(`${prefix}.${path}: ${issue.message}`, { field: path });
}

interface CustomerRow extends Record<string, unknown> { currency: string | null; base_currency: string; timezone: string }

/** Inserts one promise (pending), its activity and its write-back; `installmentId` ties it to a plan. */
export async function insertPromise(
  tx: Tx,
  p: {
    organizationId: string; customerId: string; currency: string; amountMinor: bigint; date: string; recordedBy: string | null; note: string | null;
    /** The organization's today: payments count toward the promise from this day on. */
    recordedOn: string; installmentId?: string;
  },
): Promise<string> {
  // created_at carries the recording day (the organization's today, not the server's): settling
  // counts the payments dated from it.
  const { rows } = await tx.execute<{ id: string }>(sql`
    INSERT INTO promises_to_pay (organization_id, customer_id, currency, amount_minor, promised_date, recorded_by, note, installment_id, created_at)
    VALUES (${p.organizationId}::uuid, ${p.customerId}::uuid, ${p.currency}, ${p.amountMinor.toString()}::bigint, ${p.date}::date,
            ${p.recordedBy}, ${p.note}, ${p.installmentId ?? null}::uuid, ${p.recordedOn}::date) RETURNING id`);
  const id = rows[0]!.id;
  const amount = formatMinor(p.amountMinor, p.currency);
  await tx.execute(sql`INSERT INTO activities (organization_id, customer_id, actor, kind, payload)
    VALUES (${p.organizationId}::uuid, ${p.customerId}::uuid, ${actorOfRecorder(p.recordedBy)}, 'promise.recorded',
            ${JSON.stringify({ promiseId: id, amount, currency: p.currency, date: p.date, installmentId: p.installmentId ?? null })}::jsonb)`);
  await writeBackPromise(tx, { ...p, id, amount });
  return id;
}

async function writeBackPromise(tx: Tx, p: { id: string; organizationId: string; customerId: string; currency: string; amount: string; date: string }): Promise<void> {
  const invoices = await tx.execute<{ id: string; connection_id: string; external_id: string }>(sql`
    SELECT id, connection_id, external_id FROM invoices
     WHERE customer_id = ${p.customerId}::uuid AND status = 'open' AND balance_minor > 0 ORDER BY due_date, external_id`);
  for (const inv of invoices.rows) {
    await enqueuePushChange(tx, {
      organizationId: p.organizationId, connectionId: inv.connection_id, idempotencyKey: `promise:${p.id}:${inv.id}`,
      change: { kind: 'promise_recorded', invoiceExternalId: inv.external_id, amount: p.amount, currency: p.currency, date: p.date },
    });
  }
  const companies = await tx.execute<{ id: string; connection_id: string; external_id: string }>(sql`
    SELECT id, connection_id, external_id FROM customer_external_refs WHERE customer_id = ${p.customerId}::uuid AND kind = 'company'`);
  for (const ref of companies.rows) {
    await enqueuePushChange(tx, {
      organizationId: p.organizationId, connectionId: ref.connection_id, idempotencyKey: `promise:${p.id}:company:${ref.id}`,
      change: { kind: 'set_company_properties', companyExternalId: ref.external_id, properties: { promiseDate: p.date } },
    });
  }
}

/** The customer's currency (else the organization's) and the organization's today. */
export async function customerContext(tx: Tx, organizationId: string, customerId: string): Promise<CustomerRow> {
  const { rows } = await tx.execute<CustomerRow>(sql`
    SELECT c.currency, o.base_currency, o.timezone FROM customers c JOIN organizations o ON o.id = c.organization_id
     WHERE c.id = ${customerId}::uuid AND c.organization_id = ${organizationId}::uuid`);
  if (!rows[0]) throw new NotFound(`promise.customerId: customer ${customerId} does not exist in this organization`, { field: 'customerId' });
  return rows[0];
}

/** A date before today (in the organization's time zone) is refused: a promise is about the future. */
export function refusePastDate(field: string, date: string, today: string): void {
  if (date < today) throw new InvalidInput(`${field}: ${date} is in the past (today is ${today}); a promise needs today or a later date`, { field });
}

/** Records a promise to pay; refuses a past date, a zero amount or an unknown customer with the field named. */
export async function recordPromise(tx: Tx, input: PromiseInput): Promise<{ id: string }> {
  const parsed = promiseInputSchema.safeParse(input);
  if (!parsed.success) fail('promise', parsed.error);
  const p = parsed.data;
  const ctx = await customerContext(tx, p.organizationId, p.customerId);
  const today = p.today ?? todayIn(ctx.timezone);
  refusePastDate('promise.date', p.date, today);
  const currency = p.currency ?? ctx.currency ?? ctx.base_currency;
  const amountMinor = toMinor(p.amount, currency, 'promise.amount');
  if (amountMinor <= 0n) throw new InvalidInput('promise.amount: must be more than zero', { field: 'amount' });
  if (amountMinor > MAX_MINOR) throw new InvalidInput('promise.amount: too large', { field: 'amount' });
  const id = await insertPromise(tx, {
    organizationId: p.organizationId, customerId: p.customerId, currency, amountMinor, date: p.date,
    recordedBy: p.recordedBy ?? null, note: p.note ?? null, recordedOn: today,
  });
  return { id };
}
