/** Step dates and levels of one open item (FORMATS.md, "The ledger file", semantics). */
import { addDays, nextBusinessDay, toDayNumber, type IsoDate } from '../calendar/index.ts';
import type { Invoice, ScenarioStep } from '../ledger/index.ts';

/** The item's due date plus the step's offset; with businessDaysOnly, a weekend date moves to Monday. */
export function stepDate(invoice: Invoice, step: ScenarioStep, businessDaysOnly: boolean): IsoDate {
  const date = addDays(invoice.dueDate, step.offsetDays);
  return businessDaysOnly ? nextBusinessDay(date) : date;
}

export interface ItemLevel {
  /** 1-based step number. */
  readonly step: number;
  /** The date on which that step came for the item. */
  readonly date: IsoDate;
}

/**
 * The item's most advanced step that has come (date on or before asOf) and is later than every
 * step done for it, or null. Only the most advanced one counts: older steps never done are not
 * sent, so a first run over an old ledger does not burst out a backlog of reminders.
 * Disputes are the caller's business: this is the level the item would have without them.
 */
export function itemLevel(
  invoice: Invoice,
  steps: readonly ScenarioStep[],
  asOf: IsoDate,
  businessDaysOnly: boolean,
): ItemLevel | null {
  const lastDone = invoice.doneSteps.reduce((max, s) => Math.max(max, s), 0);
  const limit = toDayNumber(asOf);
  // Steps are in increasing offset order, so their dates never decrease: the first come step
  // found from the end is the most advanced.
  for (let k = steps.length; k > lastDone; k--) {
    const date = stepDate(invoice, steps[k - 1]!, businessDaysOnly);
    if (toDayNumber(date) <= limit) return { step: k, date };
  }
  return null;
}
