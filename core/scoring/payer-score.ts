/**
 * The payer score (0 worst … 100 best) and risk class of one customer, with the explanation a
 * collector reads: each factor, its value, and the points it cost. Pure: the store feeds it.
 */
import { daysBetween, type IsoDate } from '../calendar/index.ts';
import type { RiskClass } from '../scenarios/schema.ts';

export interface PaidInvoiceFact {
  readonly dueDate: IsoDate;
  /** The day the balance reached zero (the last allocation's date). */
  readonly paidOn: IsoDate;
}

/** An invoice still open past its due date: late by the days since, and counted as such. */
export interface OverdueInvoiceFact {
  readonly dueDate: IsoDate;
}

export interface PayerFacts {
  /** Invoices paid in the look-back window. */
  readonly paid: readonly PaidInvoiceFact[];
  /**
   * Invoices still open past their due date on the scoring day. They weigh as invoices paid that
   * day: a customer who stopped paying is no better a payer for having paid nothing since.
   */
  readonly overdue?: readonly OverdueInvoiceFact[];
  readonly openDisputes: number;
  /** Open balance in the credit limit's currency (minor units), and the limit; null when none is set. */
  readonly openBalance: bigint;
  readonly creditLimit: bigint | null;
}

export type ScoreFactorName = 'averageDaysLate' | 'shareLate' | 'trend' | 'disputes' | 'creditUsage';

export interface ScoreFactor {
  readonly name: ScoreFactorName;
  /** The measured value: days, percent, or a count, as `unit` says. */
  readonly value: number | null;
  readonly unit: 'days' | 'percent' | 'count';
  readonly points: number;
  readonly explanation: string;
}

export interface PayerScore {
  readonly score: number;
  readonly riskClass: RiskClass;
  readonly factors: readonly ScoreFactor[];
}

/**
 * The weights and thresholds of the score, an organization setting (credit_settings.scoring_rules).
 * Each `max…` is the most that factor can cost; together the defaults can take the score to 0.
 */
export interface ScoringRules {
  /** Days late on average that cost one point. */
  readonly daysLatePerPoint: number;
  readonly maxLateness: number;
  readonly maxShareLate: number;
  readonly maxTrend: number;
  readonly pointsPerDispute: number;
  readonly maxDisputes: number;
  readonly maxCredit: number;
  /** Credit usage (percent of the limit) above which half of `maxCredit` is lost; above 100 %, all of it. */
  readonly creditWarnPercent: number;
  /** The lowest score of each class: `low` ≥ low, `medium` ≥ medium, `high` ≥ high, else `critical`. */
  readonly thresholds: { readonly low: number; readonly medium: number; readonly high: number };
}

export const DEFAULT_SCORING: ScoringRules = {
  daysLatePerPoint: 2, maxLateness: 35, maxShareLate: 25, maxTrend: 10, pointsPerDispute: 5, maxDisputes: 10,
  maxCredit: 20, creditWarnPercent: 80, thresholds: { low: 80, medium: 60, high: 40 },
};

// The trend compares the last RECENT_DAYS with the rest of the look-back window.
export const RECENT_DAYS = 90;
export const LOOK_BACK_DAYS = 365;

function daysLate(p: PaidInvoiceFact): number {
  return Math.max(0, daysBetween(p.dueDate, p.paidOn));
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** One invoice's lateness: paid ones by their payment day, unpaid overdue ones by the scoring day. */
interface LatenessFact {
  readonly daysLate: number;
  /** Days from the payment (or, unpaid, the scoring day) to the scoring day. */
  readonly age: number;
}

function latenessFactors(paid: readonly PaidInvoiceFact[], overdue: readonly OverdueInvoiceFact[], asOf: IsoDate, rules: ScoringRules): ScoreFactor[] {
  const facts: LatenessFact[] = [
    ...paid.map((p) => ({ daysLate: daysLate(p), age: daysBetween(p.paidOn, asOf) })),
    ...overdue.map((o) => ({ daysLate: Math.max(0, daysBetween(o.dueDate, asOf)), age: 0 })),
  ];
  const avg = mean(facts.map((f) => f.daysLate));
  const lateShare = facts.length === 0 ? null : (facts.filter((f) => f.daysLate > 0).length / facts.length) * 100;
  const recent = mean(facts.filter((f) => f.age <= RECENT_DAYS).map((f) => f.daysLate));
  const before = mean(facts.filter((f) => f.age > RECENT_DAYS).map((f) => f.daysLate));
  const trend = recent !== null && before !== null ? recent - before : null;
  const unpaid = overdue.length === 0 ? '' : ` (${overdue.length} unpaid invoice${overdue.length === 1 ? '' : 's'} counted at the days overdue so far)`;
  const none = 'no invoice paid in the last 12 months and none overdue';
  return [
    {
      name: 'averageDaysLate',
      value: avg === null ? null : Math.round(avg * 10) / 10,
      unit: 'days',
      // By default one point per two days late on average: 70 days late on average loses all 35.
      points: avg === null ? 0 : Math.min(rules.maxLateness, Math.round(avg / rules.daysLatePerPoint)),
      explanation: avg === null ? none : `pays ${avg.toFixed(1)} days after the due date on average${unpaid}`,
    },
    {
      name: 'shareLate',
      value: lateShare === null ? null : Math.round(lateShare),
      unit: 'percent',
      points: lateShare === null ? 0 : Math.round((lateShare / 100) * rules.maxShareLate),
      explanation: lateShare === null ? none : `${Math.round(lateShare)}% of invoices paid late or overdue`,
    },
    {
      name: 'trend',
      value: trend === null ? null : Math.round(trend * 10) / 10,
      unit: 'days',
      // Only a worsening costs: an improving payer is already rewarded by its recent invoices.
      points: trend === null || trend <= 0 ? 0 : Math.min(rules.maxTrend, Math.round(trend / rules.daysLatePerPoint)),
      explanation:
        trend === null
          ? 'not enough history for a trend'
          : trend > 0
            ? `paying ${trend.toFixed(1)} days later over the last ${RECENT_DAYS} days than before`
            : `paying ${(-trend).toFixed(1)} days sooner over the last ${RECENT_DAYS} days than before`,
    },
  ];
}

function creditFactor(openBalance: bigint, creditLimit: bigint | null, rules: ScoringRules): ScoreFactor {
  if (creditLimit === null || creditLimit <= 0n) {
    return { name: 'creditUsage', value: null, unit: 'percent', points: 0, explanation: 'no credit limit set' };
  }
  // Integer percent from bigints: money never goes through a float.
  const usage = Number((openBalance * 100n) / creditLimit);
  const points = usage > 100 ? rules.maxCredit : usage > rules.creditWarnPercent ? Math.round(rules.maxCredit / 2) : 0;
  return { name: 'creditUsage', value: usage, unit: 'percent', points, explanation: `open balance is ${usage}% of the credit limit` };
}

/** Risk classes by score: the boundaries segments rely on. */
export function riskClassOf(score: number, thresholds: ScoringRules['thresholds'] = DEFAULT_SCORING.thresholds): RiskClass {
  if (score >= thresholds.low) return 'low';
  if (score >= thresholds.medium) return 'medium';
  if (score >= thresholds.high) return 'high';
  return 'critical';
}

/** Scores one customer on `asOf` from its payment facts. */
export function scorePayer(facts: PayerFacts, asOf: IsoDate, rules: ScoringRules = DEFAULT_SCORING): PayerScore {
  const window = facts.paid.filter((p) => daysBetween(p.paidOn, asOf) <= LOOK_BACK_DAYS && daysBetween(p.paidOn, asOf) >= 0);
  const disputes = Math.min(rules.maxDisputes, facts.openDisputes * rules.pointsPerDispute);
  const factors: ScoreFactor[] = [
    ...latenessFactors(window, (facts.overdue ?? []).filter((o) => daysBetween(o.dueDate, asOf) > 0), asOf, rules),
    {
      name: 'disputes',
      value: facts.openDisputes,
      unit: 'count',
      points: disputes,
      explanation: facts.openDisputes === 0 ? 'no open dispute' : `${facts.openDisputes} open dispute(s)`,
    },
    creditFactor(facts.openBalance, facts.creditLimit, rules),
  ];
  const score = Math.max(0, Math.min(100, 100 - factors.reduce((sum, f) => sum + f.points, 0)));
  return { score, riskClass: riskClassOf(score, rules.thresholds), factors };
}
