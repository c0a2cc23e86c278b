/**
 * The payer score's weights and thresholds as an organization setting (credit_settings.scoring_rules),
 * checked on save: whole points from 0 to 100, thresholds strictly descending. Unset fields keep
 * the defaults of core/scoring.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { InvalidInput } from '../errors.ts';
import type { Executor } from '../store/index.ts';
import { DEFAULT_SCORING, type ScoringRules } from './payer-score.ts';

const points = z.number().int('must be whole points').min(0, 'must not be negative').max(100, 'must be at most 100');

export const scoringRulesSchema = z.strictObject({
  daysLatePerPoint: z.number().int('must be whole days').min(1, 'must be at least 1').max(365).optional(),
  maxLateness: points.optional(),
  maxShareLate: points.optional(),
  maxTrend: points.optional(),
  pointsPerDispute: points.optional(),
  maxDisputes: points.optional(),
  maxCredit: points.optional(),
  creditWarnPercent: z.number().int().min(1).max(100).optional(),
  thresholds: z.strictObject({ low: points, medium: points, high: points }).optional(),
});

/** Parses rules as an admin sends them (partial), completed with the defaults. */
export function parseScoringRules(input: unknown): ScoringRules {
  const parsed = scoringRulesSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || 'body';
    throw new InvalidInput(`scoring rules ${field}: ${issue.message}`, { field });
  }
  const rules: ScoringRules = { ...DEFAULT_SCORING, ...parsed.data, thresholds: parsed.data.thresholds ?? DEFAULT_SCORING.thresholds };
  const t = rules.thresholds;
  if (!(t.low > t.medium && t.medium > t.high)) {
    throw new InvalidInput('scoring rules thresholds: low must be above medium, and medium above high', { field: 'thresholds' });
  }
  return rules;
}

export async function scoringRulesOf(db: Executor, organizationId: string): Promise<ScoringRules> {
  const { rows } = await db.execute<{ scoring_rules: unknown }>(sql`SELECT scoring_rules FROM credit_settings WHERE organization_id = ${organizationId}::uuid`);
  const stored = rows[0]?.scoring_rules;
  // Rules saved through parseScoringRules are valid; anything else falls back to the defaults.
  if (!stored) return DEFAULT_SCORING;
  try {
    return parseScoringRules(stored);
  } catch {
    return DEFAULT_SCORING;
  }
}

export async function putScoringRules(db: Executor, organizationId: string, input: unknown): Promise<ScoringRules> {
  const rules = parseScoringRules(input);
  await db.execute(sql`
    INSERT INTO credit_settings (organization_id, scoring_rules) VALUES (${organizationId}::uuid, ${JSON.stringify(rules)}::jsonb)
    ON CONFLICT (organization_id) DO UPDATE SET scoring_rules = EXCLUDED.scoring_rules, updated_at = now()`);
  return rules;
}
