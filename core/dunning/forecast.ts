/**
 * The next action a customer's plan holds from today on, when nothing is planned yet: what the
 * worklist and the customer page show as "expected", so a collector sees that the courtesy reminder
 * goes out on the 12th rather than a dash. It is the planner itself asked on later days, with the
 * ledger as it stands (no payment foreseen): the first day on which planCustomer would plan an
 * action is the forecast, and its action is the forecast's step. Only the days on which a step
 * comes for an open invoice can be that day, so only those are asked.
 */
import { addDays, type IsoDate } from '../calendar/index.ts';
import { isOpenOn } from '../ledger/balance.ts';
import type { CustomerLedger } from '../ledger/index.ts';
import { stepDate } from './levels.ts';
import { planCustomer } from './plan-customer.ts';
import type { PlanContext, PlannedAction } from './types.ts';

export interface ForecastAction {
  readonly date: IsoDate;
  readonly scenario: string;
  readonly step: number;
  readonly action: PlannedAction['action'];
  readonly template: string;
  readonly status: PlannedAction['status'];
}

/** How far ahead the forecast looks, in days: beyond that a dash is the honest answer. */
export const FORECAST_HORIZON_DAYS = 180;

export function forecastNextAction(ledger: CustomerLedger, ctx: PlanContext, horizonDays = FORECAST_HORIZON_DAYS): ForecastAction | null {
  const last = addDays(ctx.asOf, horizonDays);
  const days = new Set<IsoDate>();
  for (const invoice of ledger.invoices) {
    if (!isOpenOn(invoice, ctx.asOf)) continue;
    const lastDone = invoice.doneSteps.reduce((max, s) => Math.max(max, s), 0);
    // Any scenario the customer may fall in on a later day: their steps' dates are the candidates.
    for (const scenario of ctx.scenarios) {
      scenario.steps.forEach((step, k) => {
        if (k + 1 <= lastDone) return;
        const day = stepDate(invoice, step, ctx.organization.businessDaysOnly);
        // Today's own run counts: a step that has come but was not planned yet (no run since) is next.
        if (day <= last) days.add(day < ctx.asOf ? ctx.asOf : day);
      });
    }
  }
  for (const day of [...days].sort()) {
    const [action] = planCustomer(ledger, { ...ctx, asOf: day }).actions;
    if (action) return { date: day, scenario: action.scenario, step: action.step, action: action.action, template: action.template, status: action.status };
  }
  return null;
}
