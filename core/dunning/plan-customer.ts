/**
 * The dunning planner for one customer: pure, no I/O. It takes plain data so that the daily run can
 * feed it customer by customer from the store, and `simulate` from a ledger file.
 */
import { toDayNumber } from '../calendar/index.ts';
import { invoiceFees, type Fees } from '../fees/index.ts';
import { isOpenOn, openBalanceOn } from '../ledger/balance.ts';
import type { CustomerLedger, Invoice, Scenario } from '../ledger/index.ts';
import { itemLevel, type ItemLevel } from './levels.ts';
import { selectScenario } from './scenario-selection.ts';
import { firstStopRule } from './stop-rules.ts';
import type { CustomerPlan, PlanContext, PlannedAction, SkippedCustomer } from './types.ts';

interface LeveledItem {
  readonly invoice: Invoice;
  readonly level: ItemLevel;
  /** The due date's day number, read once for the sort rather than on every comparison. */
  readonly dueDay: number;
}

function byDueDateThenNumber(a: LeveledItem, b: LeveledItem): number {
  const due = a.dueDay - b.dueDay;
  if (due !== 0) return due;
  return a.invoice.number < b.invoice.number ? -1 : a.invoice.number > b.invoice.number ? 1 : 0;
}

/** The highest level among the items, and the earliest date on which that step came for one of them. */
function highestLevel(items: readonly LeveledItem[]): ItemLevel {
  let best = items[0]!.level;
  for (const { level } of items) {
    if (level.step > best.step || (level.step === best.step && level.date < best.date)) best = level;
  }
  return best;
}

/**
 * One customer's plan on `asOf`: at most one action per currency, or a skip naming the first stop
 * rule that holds it back.
 *
 * Several currencies for one customer: the items are split by currency and each currency gets its
 * own action (own step, items, amountDue and fees), because amounts in different currencies are never
 * added and one reminder cannot state one total for them. A customer invoiced in one currency (the
 * usual case) still gets at most one action per run.
 */
export function planCustomer(ledger: CustomerLedger, ctx: PlanContext): CustomerPlan {
  const scenario = selectScenario(ledger, ctx.scenarios, ctx.organization, ctx.asOf);
  if (!scenario) return { actions: [], skipped: [] };
  const open = ledger.invoices.filter((inv) => isOpenOn(inv, ctx.asOf));
  const currencies = [...new Set(open.map((inv) => inv.currency))].sort();
  const actions: PlannedAction[] = [];
  const skipped: SkippedCustomer[] = [];
  for (const currency of currencies) {
    const outcome = planCurrency(ledger, scenario, open.filter((inv) => inv.currency === currency), ctx);
    if (outcome?.kind === 'action') actions.push(outcome.action);
    else if (outcome?.kind === 'skipped') skipped.push(outcome.skipped);
  }
  return { actions, skipped };
}

type Outcome = { kind: 'action'; action: PlannedAction } | { kind: 'skipped'; skipped: SkippedCustomer } | null;

function planCurrency(ledger: CustomerLedger, scenario: Scenario, open: readonly Invoice[], ctx: PlanContext): Outcome {
  const { asOf, organization } = ctx;
  // Levels as if nothing were disputed: the stop rules need to know whether an action would exist.
  const candidates: LeveledItem[] = [];
  for (const invoice of open) {
    const level = itemLevel(invoice, scenario.steps, asOf, organization.businessDaysOnly);
    if (level) candidates.push({ invoice, level, dueDay: toDayNumber(invoice.dueDate) });
  }
  if (candidates.length === 0) return null;
  candidates.sort(byDueDateThenNumber);
  // Items on hold are left out like disputed ones; a hold is named when it is why nothing is left.
  const listed = candidates.filter((c) => !c.invoice.disputed && !c.invoice.held);
  const top = listed.length > 0 ? highestLevel(listed) : null;
  const step = top ? scenario.steps[top.step - 1]! : null;
  const excluded = listed.length > 0 ? null : candidates.some((c) => c.invoice.held) ? 'hold' : 'disputed';
  const rule = firstStopRule(ledger, asOf, excluded, step, scenario.stopRules);
  const currency = candidates[0]!.invoice.currency;
  if (rule !== null || top === null || step === null) {
    const shown = rule === 'disputed' || rule === 'hold' || listed.length === 0 ? candidates : listed;
    return {
      kind: 'skipped',
      skipped: {
        customerExternalId: ledger.customer.externalId,
        scenario: scenario.name,
        step: top?.step ?? highestLevel(candidates).step,
        rule: rule ?? excluded ?? 'disputed',
        invoiceExternalIds: shown.map((c) => c.invoice.externalId),
        currency,
      },
    };
  }
  const invoices = listed.map((c) => c.invoice);
  // Each invoice's fees once: the action's fees are their sum, as feesFor sums them.
  const feesByInvoice: Record<string, Fees> = {};
  let interest = 0n;
  let fixed = 0n;
  for (const inv of invoices) {
    const f = invoiceFees(inv, asOf, organization.latePayment);
    feesByInvoice[inv.externalId] = f;
    interest += f.interest;
    fixed += f.fixed;
  }
  return {
    kind: 'action',
    action: {
      customerExternalId: ledger.customer.externalId,
      scenario: scenario.name,
      step: top.step,
      action: step.action,
      template: step.template,
      date: top.date,
      status: step.requiresApproval ? 'awaiting_approval' : 'planned',
      invoiceExternalIds: invoices.map((inv) => inv.externalId),
      levels: listed.map((c) => ({ invoiceExternalId: c.invoice.externalId, step: c.level.step })),
      amountDue: invoices.reduce((sum, inv) => sum + openBalanceOn(inv, asOf), 0n),
      currency,
      fees: { interest, fixed, total: interest + fixed },
      feesByInvoice,
    },
  };
}
