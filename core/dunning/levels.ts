/** Step dates and levels of one open item (FORMATS.md, "The ledger file", semantics). */
import { addDays, fromDayNumber, nextBusinessDay, toDayNumber, type IsoDate } from '../calendar/index.ts';
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
  // On day numbers (the same dates stepDate gives, never turned into text but the one returned):
  // a daily run takes the level of a million invoices, and the text round trips cost more than
  // the rest of the walk.
  const due = toDayNumber(invoice.dueDate);
  // Steps are in increasing offset order, so their dates never decrease: the first come step
  // found from the end is the most advanced.
  for (let k = steps.length; k > lastDone; k--) {
    let day = due + steps[k - 1]!.offsetDays;
    if (businessDaysOnly) day = nextBusinessDayNumber(day);
    if (day <= limit) return { step: k, date: fromDayNumber(day) };
  }
  return null;
}

/** nextBusinessDay on a day number: a Saturday or a Sunday moves to the following Monday. */
function nextBusinessDayNumber(day: number): number {
  // 1970-01-01 (day 0) was a Thursday: weekday 4, as Date.getUTCDay counts.
  const weekday = (((day + 4) % 7) + 7) % 7;
  return weekday === 6 ? day + 2 : weekday === 0 ? day + 1 : day;
}
