/**
 * Payment plans: a debt split into dated installments, each installment a promise to pay of its own
 * (so the `promise` stop rule holds dunning while the next one is pending, and each is kept or
 * broken on its date). Installments are cumulative: the second is kept when what was paid since the
 * plan began covers the first two.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { todayIn } from '../calendar/index.ts';
import { InvalidInput } from '../errors.ts';
import { toMinor } from '../money.ts';
import type { Tx } from '../store/index.ts';
import { customerContext, insertPromise, refusePastDate } from './record.ts';

const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string such as "1250.00"');

export const planInputSchema = z.object({
  organizationId: z.uuid(),
  customerId: z.uuid(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code').optional(),
  installments: z.array(z.object({ date: z.iso.date('must be a date YYYY-MM-DD'), amount: decimal })).min(1, 'a plan needs at least one installment').max(120),
  recordedBy: z.string().trim().min(1).nullish(),
  note: z.string().nullish(),
  today: z.iso.date().optional(),
});
export type PaymentPlanInput = z.input<typeof planInputSchema>;

/** Creates a plan and one promise per installment; dates must be in the future and strictly increasing. */
export async function createPaymentPlan(tx: Tx, input: PaymentPlanInput): Promise<{ id: string; promiseIds: string[] }> {
  const parsed = planInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join('.');
    throw new InvalidInput(`paymentPlan.${path}: ${issue.message}`, { field: path });
  }
  const p = parsed.data;
  const ctx = await customerContext(tx, p.organizationId, p.customerId);
  const today = p.today ?? todayIn(ctx.timezone);
  const currency = p.currency ?? ctx.currency ?? ctx.base_currency;
  const amounts = p.installments.map((inst, i) => {
    refusePastDate(`paymentPlan.installments.${i}.date`, inst.date, today);
    if (i > 0 && inst.date <= p.installments[i - 1]!.date) {
      throw new InvalidInput(`paymentPlan.installments.${i}.date: must be later than the previous installment's`, { field: `installments.${i}.date` });
    }
    const minor = toMinor(inst.amount, currency, `paymentPlan.installments.${i}.amount`);
    if (minor <= 0n) throw new InvalidInput(`paymentPlan.installments.${i}.amount: must be more than zero`, { field: `installments.${i}.amount` });
    return minor;
  });
  const total = amounts.reduce((s, a) => s + a, 0n);
  const { rows } = await tx.execute<{ id: string }>(sql`
    INSERT INTO payment_plans (organization_id, customer_id, currency, total_minor, note, created_at)
    VALUES (${p.organizationId}::uuid, ${p.customerId}::uuid, ${currency}, ${total.toString()}::bigint, ${p.note ?? null}, ${today}::date) RETURNING id`);
  const planId = rows[0]!.id;
  const promiseIds: string[] = [];
  for (const [i, inst] of p.installments.entries()) {
    const installment = await tx.execute<{ id: string }>(sql`
      INSERT INTO payment_plan_installments (plan_id, sequence, due_date, amount_minor)
      VALUES (${planId}::uuid, ${i + 1}, ${inst.date}::date, ${amounts[i]!.toString()}::bigint) RETURNING id`);
    promiseIds.push(await insertPromise(tx, {
      organizationId: p.organizationId, customerId: p.customerId, currency, amountMinor: amounts[i]!, date: inst.date,
      recordedBy: p.recordedBy ?? null, note: `payment plan installment ${i + 1} of ${p.installments.length}`, installmentId: installment.rows[0]!.id, recordedOn: today,
    }));
  }
  return { id: planId, promiseIds };
}
