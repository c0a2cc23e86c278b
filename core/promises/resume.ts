/**
 * After a broken promise the customer's scenario resumes at its next step (the one after the last
 * step carried out for its overdue items), not at whatever later step came while it was paused: a
 * customer who just broke a promise gets the next reminder, not a jump. When the scenario has an
 * `escalate` step at or after that point, the scenario "says so": a broken promise goes straight
 * to that escalation. The action is written with the dunning engine's own key, so the next daily
 * run planning the same step for the same items cannot duplicate it.
 */
import { sql } from 'drizzle-orm';
import type { IsoDate } from '../calendar/index.ts';
import { writeBatch, type PlannedActionLike } from './write-action.ts';
import type { Db } from '../store/db.ts';

interface ScenarioRow extends Record<string, unknown> {
  id: string; name: string; steps: { offsetDays: number; action: string; template: string; requiresApproval?: boolean }[];
}
interface ItemRow extends Record<string, unknown> { id: string; currency: string; balance_minor: string; done: number }

export interface Resumed {
  customerId: string;
  step: number;
  action: string;
  escalated: boolean;
  invoiceIds: string[];
}

/** The scenario that last acted on the customer, else the one an admin pinned; null when none did. */
async function scenarioOf(db: Db, customerId: string): Promise<ScenarioRow | null> {
  const { rows } = await db.execute<ScenarioRow>(sql`
    SELECT s.id, s.name, s.steps FROM scenarios s
     WHERE s.id = COALESCE(
       (SELECT a.scenario_id FROM actions a WHERE a.customer_id = ${customerId}::uuid AND a.scenario_id IS NOT NULL ORDER BY a.created_at DESC LIMIT 1),
       (SELECT p.pinned_scenario_id FROM customer_dunning_profiles p WHERE p.customer_id = ${customerId}::uuid))`);
  return rows[0] ?? null;
}

/** Plans the customer's next step (or the escalation) now; null when nothing is overdue or no scenario applies yet. */
export async function resumeAfterBrokenPromise(db: Db, organizationId: string, customerId: string, currency: string, asOf: IsoDate): Promise<Resumed | null> {
  const scenario = await scenarioOf(db, customerId);
  if (!scenario) return null; // Never dunned and nothing pinned: the next daily run picks its scenario.
  const { rows: items } = await db.execute<ItemRow>(sql`
    SELECT i.id, i.currency, i.balance_minor::text,
           COALESCE((SELECT max(ai.level) FROM action_invoices ai JOIN actions a ON a.id = ai.action_id
                      WHERE ai.invoice_id = i.id AND a.customer_id = i.customer_id AND a.status IN ('sent', 'sending')), 0)::int AS done
      FROM invoices i
     WHERE i.customer_id = ${customerId}::uuid AND i.status = 'open' AND i.balance_minor > 0 AND NOT i.disputed
       AND i.due_date < ${asOf}::date AND i.currency = ${currency}
     ORDER BY i.due_date, i.number`);
  if (items.length === 0) return null;
  const steps = scenario.steps;
  const next = Math.min(Math.max(...items.map((i) => i.done)) + 1, steps.length);
  const escalation = steps.findIndex((s, k) => k + 1 >= next && s.action === 'escalate');
  const step = escalation >= 0 ? escalation + 1 : next;
  const chosen = steps[step - 1]!;
  const action: PlannedActionLike = {
    customerId, scenario: scenario.name, step, action: chosen.action, template: chosen.template, date: asOf,
    status: chosen.requiresApproval ? 'awaiting_approval' : 'planned',
    invoiceIds: items.map((i) => i.id),
    amountDue: items.reduce((s, i) => s + BigInt(i.balance_minor), 0n),
    currency,
  };
  await writeBatch(db, organizationId, asOf, scenario.id, action);
  return { customerId, step, action: chosen.action, escalated: escalation >= 0, invoiceIds: action.invoiceIds };
}
