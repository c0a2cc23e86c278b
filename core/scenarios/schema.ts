/**
 * A scenario as data (what an admin saves and what `defaults/*.json` hold), validated by zod on
 * save: ordered steps, stop rules, and a segment that selects customers. Strict objects, so a typo
 * (`offsetDay`) is an error naming the field, not a silently absent value.
 */
import { z } from 'zod';
import { InvalidInput } from '../errors.ts';
import { toMinor } from '../money.ts';
import { formatPath } from '../ledger/index.ts';
import { STEP_ACTIONS, type Scenario } from '../ledger/index.ts';

export const RISK_CLASSES = ['low', 'medium', 'high', 'critical'] as const;
export type RiskClass = (typeof RISK_CLASSES)[number];

/**
 * `paid` and `disputed` are always applied (a paid or disputed item is never dunned); the others
 * can be left out of a scenario that should, say, keep reminding a paused customer.
 */
export const SCENARIO_STOP_RULES = ['paid', 'disputed', 'promise', 'paused', 'hold'] as const;
const ALWAYS_ON = ['paid', 'disputed'] as const;

const stepShape = z.strictObject({
  offsetDays: z.number({ error: 'must be a number of days' }).int('must be a whole number of days').min(-365).max(3650),
  action: z.enum(STEP_ACTIONS, { error: `must be one of ${STEP_ACTIONS.join(', ')}` }),
  template: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a template name such as "reminder-1"'),
  requiresApproval: z.boolean().optional(),
});

const segmentShape = z.strictObject({
  riskClass: z.array(z.enum(RISK_CLASSES, { error: `must be one of ${RISK_CLASSES.join(', ')}` })).min(1).optional(),
  /** Overdue open balance at least this much, in the organization's base currency. */
  minOverdue: z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string such as "500.00"').optional(),
  tags: z.array(z.string().min(1)).optional(),
  customFields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  country: z.array(z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code such as "FR"')).optional(),
});

export const scenarioShape = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a lower-case name such as "firm-b2b"'),
    /** Lower is tried first when several segments match a customer. */
    priority: z.number().int().min(0).max(100_000).optional(),
    segment: segmentShape.optional(),
    steps: z.array(stepShape).min(1, 'a scenario needs at least one step').max(20),
    stopRules: z.array(z.enum(SCENARIO_STOP_RULES, { error: `must be one of ${SCENARIO_STOP_RULES.join(', ')}` })).optional(),
    active: z.boolean().optional(),
  })
  .superRefine((sc, ctx) => {
    // Levels rely on step dates never decreasing (core/dunning/levels.ts).
    sc.steps.forEach((step, i) => {
      if (i > 0 && step.offsetDays <= sc.steps[i - 1]!.offsetDays) {
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'offsetDays'], message: 'must be later than the previous step' });
      }
    });
    for (const rule of ALWAYS_ON) {
      if (sc.stopRules && !sc.stopRules.includes(rule)) {
        ctx.addIssue({ code: 'custom', path: ['stopRules'], message: `must include "${rule}": it cannot be turned off` });
      }
    }
  });

export type ScenarioInput = z.output<typeof scenarioShape>;

/** Validates a scenario; throws one InvalidInput naming the first problem's field. */
export function parseScenario(json: unknown): ScenarioInput {
  const result = scenarioShape.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = formatPath(issue.path);
  throw new InvalidInput(`scenario ${where}: ${issue.message}`, { field: where });
}

/** The planner's scenario (core/dunning) from the stored data; amounts in the base currency's minor units. */
export function toPlannerScenario(input: ScenarioInput, baseCurrency: string): Scenario {
  const seg = input.segment ?? {};
  return {
    name: input.name,
    segment: {
      ...(seg.tags && { tags: seg.tags }),
      ...(seg.country && { country: seg.country }),
      ...(seg.riskClass && { riskClass: seg.riskClass }),
      ...(seg.customFields && { customFields: seg.customFields }),
      ...(seg.minOverdue !== undefined && { minOverdue: toMinor(seg.minOverdue, baseCurrency) }),
    },
    steps: input.steps.map((s) => ({ ...s, requiresApproval: s.requiresApproval ?? false })),
    stopRules: input.stopRules ?? [...SCENARIO_STOP_RULES],
  };
}
