/**
 * The organization's credit settings (when a customer goes on hold, how early limits are
 * reviewed, the rules that propose a limit) and one customer's credit position as a credit
 * manager reads it: limit and terms granted, insured limit, hold, balance against the limit,
 * the rule's proposal, and the requests made so far.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { addDays, todayIn, type IsoDate } from '../calendar/index.ts';
import { NotFound } from '../errors.ts';
import { divRoundHalfUp, formatMinor, toMinor } from '../money.ts';
import type { Executor } from '../store/index.ts';
import type { LimitRule } from '../store/schema/index.ts';
import { listCreditRequests, type CreditRequest } from './limits.ts';
import { basisPoints, parseInput } from './parse.ts';

const percent = z.string().regex(/^\d{1,3}(\.\d{1,2})?$/, 'must be a percentage such as "25" or "12.5"');
const ruleSchema = z
  .strictObject({
    riskClass: z.string().trim().min(1).nullish(),
    turnoverPercent: percent.nullish(),
    fixedAmount: z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal amount such as "5000.00"').nullish(),
  })
  .refine((r) => r.turnoverPercent || r.fixedAmount, { message: 'a rule needs turnoverPercent or fixedAmount', path: ['turnoverPercent'] });

const settingsSchema = z.strictObject({
  holdOverLimit: z.boolean().default(true),
  holdPastDueDays: z.number().int().min(0, 'must not be negative').max(3650).nullable().default(null),
  reviewDaysBefore: z.number().int().min(0, 'must not be negative').max(365).default(30),
  limitRules: z.array(ruleSchema).max(50).default([]),
});

export type CreditSettings = z.output<typeof settingsSchema>;

const DEFAULTS: CreditSettings = { holdOverLimit: true, holdPastDueDays: null, reviewDaysBefore: 30, limitRules: [] };

export async function getCreditSettings(db: Executor, organizationId: string): Promise<CreditSettings> {
  const { rows } = await db.execute<{ hold_over_limit: boolean; hold_past_due_days: number | null; review_days_before: number; limit_rules: LimitRule[] }>(sql`
    SELECT hold_over_limit, hold_past_due_days, review_days_before, limit_rules FROM credit_settings WHERE organization_id = ${organizationId}::uuid`);
  const r = rows[0];
  if (!r) return { ...DEFAULTS };
  return {
    holdOverLimit: r.hold_over_limit, holdPastDueDays: r.hold_past_due_days, reviewDaysBefore: r.review_days_before,
    limitRules: r.limit_rules.map((x) => ({ riskClass: x.riskClass ?? null, turnoverPercent: x.turnoverPercent ?? null, fixedAmount: x.fixedAmount ?? null })),
  };
}

export async function putCreditSettings(db: Executor, organizationId: string, input: unknown): Promise<CreditSettings> {
  const s = parseInput(settingsSchema, input, 'credit settings');
  const rules: LimitRule[] = s.limitRules.map((r) => ({
    ...(r.riskClass ? { riskClass: r.riskClass } : {}),
    ...(r.turnoverPercent ? { turnoverPercent: r.turnoverPercent } : {}),
    ...(r.fixedAmount ? { fixedAmount: r.fixedAmount } : {}),
  }));
  await db.execute(sql`
    INSERT INTO credit_settings (organization_id, hold_over_limit, hold_past_due_days, review_days_before, limit_rules)
    VALUES (${organizationId}::uuid, ${s.holdOverLimit}, ${s.holdPastDueDays}, ${s.reviewDaysBefore}, ${JSON.stringify(rules)}::jsonb)
    ON CONFLICT (organization_id) DO UPDATE SET hold_over_limit = EXCLUDED.hold_over_limit, hold_past_due_days = EXCLUDED.hold_past_due_days,
      review_days_before = EXCLUDED.review_days_before, limit_rules = EXCLUDED.limit_rules, updated_at = now()`);
  return getCreditSettings(db, organizationId);
}

export interface LimitProposal {
  amount: string;
  currency: string;
  rule: number;
  explanation: string;
}

function percentOf(minor: bigint, percentText: string): bigint {
  return divRoundHalfUp(minor * basisPoints(percentText), 10_000n);
}

/**
 * The limit the first matching rule proposes (a rule matches when it names the customer's risk
 * class or names none): a share of the last 365 days' invoicing, a fixed amount, or the smaller
 * of the two. Null when no rule matches. Amounts are in the customer's currency.
 */
export function proposeFrom(rules: readonly LimitRule[], facts: { riskClass: string | null; turnoverMinor: bigint; currency: string; asOf: IsoDate }): LimitProposal | null {
  const index = rules.findIndex((r) => !r.riskClass || r.riskClass === facts.riskClass);
  if (index < 0) return null;
  const rule = rules[index]!;
  const candidates: { minor: bigint; why: string }[] = [];
  const money = (m: bigint) => `${formatMinor(m, facts.currency)} ${facts.currency}`;
  if (rule.turnoverPercent) {
    const minor = percentOf(facts.turnoverMinor, rule.turnoverPercent);
    candidates.push({ minor, why: `${rule.turnoverPercent}% of ${money(facts.turnoverMinor)} invoiced from ${addDays(facts.asOf, -365)} to ${facts.asOf}` });
  }
  if (rule.fixedAmount) candidates.push({ minor: toMinor(rule.fixedAmount, facts.currency, 'fixedAmount'), why: `the fixed amount ${rule.fixedAmount} ${facts.currency}` });
  const best = candidates.reduce((a, b) => (b.minor < a.minor ? b : a));
  const scope = rule.riskClass ? `customers of risk class "${rule.riskClass}"` : 'every customer';
  return {
    amount: formatMinor(best.minor, facts.currency), currency: facts.currency, rule: index,
    explanation: `Rule ${index + 1} (${scope}): ${best.why}${candidates.length > 1 ? ', the smaller of the rule\'s two amounts' : ''}.`,
  };
}

export interface CustomerCredit {
  customer: { id: string; name: string; currency: string; riskClass: string | null; score: number | null };
  limit: { amount: string; currency: string; expiresOn: string | null; requestId: string | null } | null;
  terms: { days: number; expiresOn: string | null; requestId: string | null } | null;
  insuredLimit: { amount: string; currency: string } | null;
  hold: { reason: string | null; since: string | null; amountOverLimit: string | null } | null;
  /** Open balance in the limit's currency (the customer's when no limit is set). */
  openBalance: string;
  usagePercent: number | null;
  proposal: LimitProposal | null;
  requests: CreditRequest[];
}

export async function proposeLimit(db: Executor, organizationId: string, customerId: string, asOf?: IsoDate): Promise<LimitProposal | null> {
  return (await customerCredit(db, organizationId, customerId, asOf)).proposal;
}

export async function customerCredit(db: Executor, organizationId: string, customerId: string, asOfGiven?: IsoDate): Promise<CustomerCredit> {
  const { rows } = await db.execute<{
    id: string; name: string; currency: string; timezone: string; risk_class: string | null; score: number | null;
    limit_minor: string | null; limit_currency: string | null; limit_expires_on: string | null; limit_request_id: string | null;
    terms_days: number | null; terms_expires_on: string | null; terms_request_id: string | null;
    insured_limit_minor: string | null; insured_currency: string | null;
    hold: boolean | null; hold_reason: string | null; hold_since: Date | null; hold_over_minor: string | null; hold_currency: string | null;
  }>(sql`
    SELECT c.id, c.name, coalesce(c.currency, o.base_currency)::text AS currency, o.timezone, dp.risk_class, dp.score,
           cc.limit_minor::text, cc.limit_currency::text, cc.limit_expires_on::text, cc.limit_request_id,
           cc.terms_days, cc.terms_expires_on::text, cc.terms_request_id,
           cc.insured_limit_minor::text, cc.insured_currency::text,
           cc.hold, cc.hold_reason, cc.hold_since, cc.hold_over_minor::text, cc.hold_currency::text
      FROM customers c JOIN organizations o ON o.id = c.organization_id
      LEFT JOIN customer_dunning_profiles dp ON dp.customer_id = c.id
      LEFT JOIN customer_credit cc ON cc.customer_id = c.id
     WHERE c.id = ${customerId}::uuid AND c.organization_id = ${organizationId}::uuid`);
  const r = rows[0];
  if (!r) throw new NotFound('customer not found', { field: 'customerId' });
  const asOf = asOfGiven ?? todayIn(r.timezone, new Date());
  const currency = r.limit_currency ?? r.currency;
  const { rows: [figures] } = await db.execute<{ open: string; turnover: string }>(sql`
    SELECT coalesce(sum(balance_minor) FILTER (WHERE status = 'open' AND balance_minor > 0), 0)::text AS open,
           coalesce(sum(total_minor) FILTER (WHERE status IN ('open', 'paid') AND issue_date > ${asOf}::date - 365 AND issue_date <= ${asOf}::date), 0)::text AS turnover
      FROM invoices WHERE customer_id = ${customerId}::uuid AND currency = ${currency}`);
  const open = BigInt(figures!.open);
  const settings = await getCreditSettings(db, organizationId);
  const limit = r.limit_minor !== null && r.limit_currency ? BigInt(r.limit_minor) : null;
  return {
    customer: { id: r.id, name: r.name, currency: r.currency, riskClass: r.risk_class, score: r.score },
    limit: limit === null ? null : { amount: formatMinor(limit, r.limit_currency!), currency: r.limit_currency!, expiresOn: r.limit_expires_on, requestId: r.limit_request_id },
    terms: r.terms_days === null ? null : { days: r.terms_days, expiresOn: r.terms_expires_on, requestId: r.terms_request_id },
    insuredLimit: r.insured_limit_minor === null ? null : { amount: formatMinor(BigInt(r.insured_limit_minor), r.insured_currency!), currency: r.insured_currency! },
    hold: r.hold
      ? { reason: r.hold_reason, since: r.hold_since ? new Date(r.hold_since).toISOString() : null,
          amountOverLimit: r.hold_over_minor === null ? null : `${formatMinor(BigInt(r.hold_over_minor), r.hold_currency!)} ${r.hold_currency}` }
      : null,
    openBalance: formatMinor(open, currency),
    // Percent of the limit used, rounded down; only for a positive limit.
    usagePercent: limit && limit > 0n ? Number((open * 100n) / limit) : null,
    proposal: proposeFrom(settings.limitRules, { riskClass: r.risk_class, turnoverMinor: BigInt(figures!.turnover), currency, asOf }),
    requests: await listCreditRequests(db, organizationId, { customerId }),
  };
}

/** The organization's today, in its own time zone: the date every credit figure is taken on. */
export async function organizationToday(db: Executor, organizationId: string): Promise<IsoDate> {
  const { rows } = await db.execute<{ timezone: string }>(sql`SELECT timezone FROM organizations WHERE id = ${organizationId}::uuid`);
  if (!rows[0]) throw new NotFound('organization not found', { field: 'orgId' });
  return todayIn(rows[0].timezone, new Date());
}
