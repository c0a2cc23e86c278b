/**
 * Credit insurance: the organization's policy (insurer, insured share, the longest extension of
 * terms the insurer accepts, and the deadline after the due date by which an unpaid debt must be
 * declared or cover is lost — the "forclusion"), each customer's insured limit, the insured and
 * uninsured outstanding by age, and the debts to declare with their deadlines.
 *
 * Insured outstanding of a customer: the part of its open balance (in the insured limit's
 * currency) within the insured limit, times the insured share, rounded half-up per customer.
 * Everything else — the part over the limit, the uninsured share, other currencies, customers
 * without an insured limit — is uninsured.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { addDays, daysBetween, type IsoDate } from '../calendar/index.ts';
import { InvalidInput, NotFound } from '../errors.ts';
import { divRoundHalfUp, formatMinor, isCurrency, toMinor } from '../money.ts';
import type { Executor } from '../store/index.ts';
import { basisPoints, parseInput } from './parse.ts';

const percent = z.string().regex(/^\d{1,3}(\.\d{1,2})?$/, 'must be a percentage such as "90" or "85.5"');
const days = (what: string) => z.number({ error: `must be a number of days` }).int(`${what} must be whole days`).min(0, 'must not be negative').max(3650);

const policySchema = z.strictObject({
  insurer: z.string().trim().min(1, 'is required'),
  policyNumber: z.string().trim().max(100).nullish(),
  insuredSharePercent: percent.refine((p) => Number(p) > 0 && Number(p) <= 100, 'must be more than 0 and at most 100'),
  maxExtensionDays: days('maxExtensionDays'),
  declarationDeadlineDays: days('declarationDeadlineDays'),
  alertDaysBefore: days('alertDaysBefore').default(15),
});

export type InsurancePolicyInput = z.input<typeof policySchema>;
export type InsurancePolicy = z.output<typeof policySchema>;

export async function getInsurancePolicy(db: Executor, organizationId: string): Promise<InsurancePolicy | null> {
  const { rows } = await db.execute<{ insurer: string; policy_number: string | null; share: string; max_ext: number; deadline: number; alert: number }>(sql`
    SELECT insurer, policy_number, insured_share_percent::text AS share, max_extension_days AS max_ext,
           declaration_deadline_days AS deadline, alert_days_before AS alert
      FROM credit_insurance_policies WHERE organization_id = ${organizationId}::uuid`);
  const r = rows[0];
  if (!r) return null;
  return {
    insurer: r.insurer, policyNumber: r.policy_number, insuredSharePercent: trimPercent(r.share),
    maxExtensionDays: r.max_ext, declarationDeadlineDays: r.deadline, alertDaysBefore: r.alert,
  };
}

function trimPercent(p: string): string {
  return p.includes('.') ? p.replace(/\.?0+$/, '') : p;
}

export async function putInsurancePolicy(db: Executor, organizationId: string, input: unknown): Promise<InsurancePolicy> {
  const p = parseInput(policySchema, input, 'insurance policy');
  await db.execute(sql`
    INSERT INTO credit_insurance_policies (organization_id, insurer, policy_number, insured_share_percent, max_extension_days, declaration_deadline_days, alert_days_before)
    VALUES (${organizationId}::uuid, ${p.insurer}, ${p.policyNumber ?? null}, ${p.insuredSharePercent}::numeric, ${p.maxExtensionDays}, ${p.declarationDeadlineDays}, ${p.alertDaysBefore})
    ON CONFLICT (organization_id) DO UPDATE SET insurer = EXCLUDED.insurer, policy_number = EXCLUDED.policy_number,
      insured_share_percent = EXCLUDED.insured_share_percent, max_extension_days = EXCLUDED.max_extension_days,
      declaration_deadline_days = EXCLUDED.declaration_deadline_days, alert_days_before = EXCLUDED.alert_days_before, updated_at = now()`);
  return (await getInsurancePolicy(db, organizationId))!;
}

export async function deleteInsurancePolicy(db: Executor, organizationId: string): Promise<void> {
  await db.execute(sql`DELETE FROM credit_insurance_policies WHERE organization_id = ${organizationId}::uuid`);
}

const insuredLimitSchema = z.strictObject({
  amount: z.string().min(1, 'is required').nullable(),
  currency: z.string({ error: 'is required: an insured limit is in one currency' }).refine(isCurrency, 'must be an ISO 4217 code').nullish(),
});

/** Sets (or, with `amount: null`, removes) the insurer's limit on one customer. */
export async function setInsuredLimit(db: Executor, organizationId: string, customerId: string, input: unknown): Promise<{ amount: string | null; currency: string | null }> {
  const body = parseInput(insuredLimitSchema, input, 'insured limit');
  const { rows } = await db.execute<{ id: string }>(sql`SELECT id FROM customers WHERE id = ${customerId}::uuid AND organization_id = ${organizationId}::uuid`);
  if (!rows[0]) throw new NotFound('customer not found', { field: 'customerId' });
  if (body.amount !== null && !body.currency) throw new InvalidInput('insured limit currency: is required: an insured limit is in one currency', { field: 'currency' });
  const minor = body.amount === null ? null : toMinor(body.amount, body.currency!, 'amount');
  if (minor !== null && minor < 0n) throw new InvalidInput('insured limit amount: must not be negative', { field: 'amount' });
  await db.execute(sql`
    INSERT INTO customer_credit (customer_id, organization_id, insured_limit_minor, insured_currency)
    VALUES (${customerId}::uuid, ${organizationId}::uuid, ${minor?.toString() ?? null}::bigint, ${minor === null ? null : body.currency})
    ON CONFLICT (customer_id) DO UPDATE SET insured_limit_minor = EXCLUDED.insured_limit_minor, insured_currency = EXCLUDED.insured_currency, updated_at = now()`);
  return { amount: minor === null ? null : formatMinor(minor, body.currency!), currency: minor === null ? null : body.currency! };
}

export const AGE_BUCKETS = ['current', '1-30', '31-60', '61-90', '91+'] as const;
type Bucket = (typeof AGE_BUCKETS)[number];

function bucketOf(dueDate: string | null, asOf: IsoDate): Bucket {
  if (!dueDate || dueDate >= asOf) return 'current';
  const late = daysBetween(dueDate as IsoDate, asOf);
  return late <= 30 ? '1-30' : late <= 60 ? '31-60' : late <= 90 ? '61-90' : '91+';
}

export interface ExposureByCurrency {
  currency: string;
  outstanding: string;
  insured: string;
  uninsured: string;
  buckets: Record<Bucket, { outstanding: string; insured: string; uninsured: string }>;
}

/**
 * The insured and uninsured outstanding per currency and age bucket. A customer's insured amount
 * covers its oldest debt first (that is what a claim would be made on), bucket by bucket.
 */
export async function insuranceExposure(db: Executor, organizationId: string, asOf: IsoDate): Promise<{ policy: InsurancePolicy | null; currencies: ExposureByCurrency[] }> {
  const policy = await getInsurancePolicy(db, organizationId);
  const { rows } = await db.execute<{ customer_id: string; currency: string; due_date: string | null; balance: string; insured_limit: string | null; insured_currency: string | null }>(sql`
    SELECT i.customer_id, i.currency::text, i.due_date::text, i.balance_minor::text AS balance,
           cc.insured_limit_minor::text AS insured_limit, cc.insured_currency::text
      FROM invoices i LEFT JOIN customer_credit cc ON cc.customer_id = i.customer_id
     WHERE i.organization_id = ${organizationId}::uuid AND i.status = 'open' AND i.balance_minor > 0 AND NOT i.disputed
     ORDER BY i.customer_id, i.currency, i.due_date NULLS LAST, i.id`);
  const bp = policy ? basisPoints(policy.insuredSharePercent) : 0n;
  const sums = new Map<string, Map<Bucket, { outstanding: bigint; insured: bigint }>>();
  // Per customer and currency: how much of the insured limit is still unused, oldest debt first.
  const remaining = new Map<string, bigint>();
  // The query's order (customer, currency, oldest due first) is the order the limit is used up in.
  for (const r of rows) {
    const balance = BigInt(r.balance);
    const key = `${r.customer_id}:${r.currency}`;
    if (!remaining.has(key)) remaining.set(key, policy && r.insured_limit !== null && r.insured_currency === r.currency ? BigInt(r.insured_limit) : 0n);
    const left = remaining.get(key)!;
    const covered = balance < left ? balance : left;
    remaining.set(key, left - covered);
    const insured = divRoundHalfUp(covered * bp, 10_000n);
    const byBucket = sums.get(r.currency) ?? new Map();
    sums.set(r.currency, byBucket);
    const b = bucketOf(r.due_date, asOf);
    const cell = byBucket.get(b) ?? { outstanding: 0n, insured: 0n };
    cell.outstanding += balance;
    cell.insured += insured;
    byBucket.set(b, cell);
  }
  const currencies = [...sums.keys()].sort().map((currency) => {
    const byBucket = sums.get(currency)!;
    const money = (m: bigint) => formatMinor(m, currency);
    let outstanding = 0n;
    let insured = 0n;
    const buckets = Object.fromEntries(AGE_BUCKETS.map((b) => {
      const cell = byBucket.get(b) ?? { outstanding: 0n, insured: 0n };
      outstanding += cell.outstanding;
      insured += cell.insured;
      return [b, { outstanding: money(cell.outstanding), insured: money(cell.insured), uninsured: money(cell.outstanding - cell.insured) }];
    })) as ExposureByCurrency['buckets'];
    return { currency, outstanding: money(outstanding), insured: money(insured), uninsured: money(outstanding - insured), buckets };
  });
  return { policy, currencies };
}

export interface DebtToDeclare {
  customer: { id: string; name: string };
  invoice: { id: string; number: string | null; dueDate: string; balance: string; currency: string };
  /** The last day the debt can be declared to the insurer. */
  declareBy: string;
  daysLeft: number;
  state: 'upcoming' | 'due_soon' | 'overdue';
}

/**
 * Every unpaid debt of an insured customer that is past due, with its declaration deadline
 * (due date + the policy's deadline): `due_soon` within the alert window, `overdue` past it
 * (cover may already be lost), soonest first.
 */
export async function debtsToDeclare(db: Executor, organizationId: string, asOf: IsoDate): Promise<{ policy: InsurancePolicy | null; debts: DebtToDeclare[] }> {
  const policy = await getInsurancePolicy(db, organizationId);
  if (!policy) return { policy, debts: [] };
  const { rows } = await db.execute<{ customer_id: string; name: string; invoice_id: string; number: string | null; due_date: string; balance: string; currency: string }>(sql`
    SELECT c.id AS customer_id, c.name, i.id AS invoice_id, coalesce(i.number, i.external_id) AS number, i.due_date::text,
           i.balance_minor::text AS balance, i.currency::text
      FROM invoices i JOIN customers c ON c.id = i.customer_id
      JOIN customer_credit cc ON cc.customer_id = c.id AND cc.insured_limit_minor IS NOT NULL
     WHERE i.organization_id = ${organizationId}::uuid AND i.status = 'open' AND i.balance_minor > 0
       AND i.due_date < ${asOf}::date
     ORDER BY i.due_date, i.id`);
  const debts = rows.map((r): DebtToDeclare => {
    const declareBy = addDays(r.due_date as IsoDate, policy.declarationDeadlineDays);
    const daysLeft = daysBetween(asOf, declareBy);
    const state = daysLeft < 0 ? 'overdue' : daysLeft <= policy.alertDaysBefore ? 'due_soon' : 'upcoming';
    return {
      customer: { id: r.customer_id, name: r.name },
      invoice: { id: r.invoice_id, number: r.number, dueDate: r.due_date, balance: formatMinor(BigInt(r.balance), r.currency), currency: r.currency },
      declareBy, daysLeft, state,
    };
  });
  return { policy, debts };
}
