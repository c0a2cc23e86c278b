/** The dry run over a whole ledger, and its JSON form (FORMATS.md, `relance simulate`). */
import type { IsoDate } from '../calendar/index.ts';
import { formatMinor } from '../money.ts';
import type { Ledger } from '../ledger/index.ts';
import { planCustomer } from './plan-customer.ts';
import type { PlannedAction, SkippedCustomer } from './types.ts';

export interface SimulationResult {
  readonly asOf: IsoDate;
  readonly actions: readonly PlannedAction[];
  readonly skipped: readonly SkippedCustomer[];
}

/** Plans every customer of the ledger, in the file's order, on `asOf`. Changes nothing. */
export function simulate(ledger: Ledger, asOf: IsoDate): SimulationResult {
  const ctx = { asOf, organization: ledger.organization, scenarios: ledger.scenarios };
  const actions: PlannedAction[] = [];
  const skipped: SkippedCustomer[] = [];
  for (const customer of ledger.customers) {
    const plan = planCustomer(customer, ctx);
    actions.push(...plan.actions);
    skipped.push(...plan.skipped);
  }
  return { asOf, actions, skipped };
}

/** The action as FORMATS.md prints it; field order follows the documented example. */
export function actionToJson(a: PlannedAction): Record<string, unknown> {
  return {
    customerExternalId: a.customerExternalId,
    scenario: a.scenario,
    step: a.step,
    action: a.action,
    template: a.template,
    date: a.date,
    status: a.status,
    invoiceExternalIds: a.invoiceExternalIds,
    amountDue: formatMinor(a.amountDue, a.currency),
    currency: a.currency,
    fees: {
      interest: formatMinor(a.fees.interest, a.currency),
      fixed: formatMinor(a.fees.fixed, a.currency),
      total: formatMinor(a.fees.total, a.currency),
    },
  };
}

export function skippedToJson(s: SkippedCustomer): Record<string, unknown> {
  return {
    customerExternalId: s.customerExternalId,
    scenario: s.scenario,
    step: s.step,
    rule: s.rule,
    invoiceExternalIds: s.invoiceExternalIds,
    currency: s.currency,
  };
}

export function simulationToJson(result: SimulationResult): Record<string, unknown> {
  return {
    asOf: result.asOf,
    actions: result.actions.map(actionToJson),
    skipped: result.skipped.map(skippedToJson),
  };
}
