/**
 * The forecast of a customer's next action: the planner asked on later days, so it names the day
 * and the step the daily run will plan if nothing changes, and nothing when nothing will come.
 */
import { describe, expect, it } from 'vitest';
import { forecastNextAction, simulate } from '../../core/dunning/index.ts';
import { customer, invoice, ledger } from './ledger-builder.ts';

type Parts = Parameters<typeof ledger>[0];
function forecast(parts: Parts, asOf: string, horizon?: number) {
  const l = ledger(parts);
  return forecastNextAction(l.customers[0]!, { asOf, organization: l.organization, scenarios: l.scenarios }, horizon);
}

describe('forecast of the next action', () => {
  it('an invoice not yet due: the courtesy reminder three days before, as the daily run of that day plans it', () => {
    const parts = { customers: [customer('C1')], invoices: [invoice('I1', 'C1', '2026-03-10', '100.00')] };
    expect(forecast(parts, '2026-03-01')).toEqual({ date: '2026-03-07', scenario: 'standard', step: 1, action: 'email', template: 'courtesy', status: 'planned' });
    // The same as the run on that day: the forecast is the planner's own answer.
    expect(simulate(ledger(parts), '2026-03-07').actions[0]).toMatchObject({ step: 1, date: '2026-03-07' });
  });

  it('after a step done, the next one; a step that needs approval says so', () => {
    const parts = { customers: [customer('C1')], invoices: [invoice('I1', 'C1', '2026-02-01', '100.00')], done: [{ invoiceExternalId: 'I1', step: 2 }] };
    // Step 3 (reminder-2, needs approval) comes on 1 Feb + 21 = 22 Feb.
    expect(forecast(parts, '2026-02-10')).toMatchObject({ date: '2026-02-22', step: 3, template: 'reminder-2', status: 'awaiting_approval' });
  });

  it('the earliest of several invoices, and nothing for a customer with nothing open, every step done, or beyond the horizon', () => {
    const two = { customers: [customer('C1')], invoices: [invoice('I1', 'C1', '2026-04-20', '100.00'), invoice('I2', 'C1', '2026-04-05', '50.00')] };
    expect(forecast(two, '2026-03-01')).toMatchObject({ date: '2026-04-02', step: 1 });
    expect(forecast({ customers: [customer('C1')], invoices: [] }, '2026-03-01')).toBeNull();
    const allDone = { customers: [customer('C1')], invoices: [invoice('I1', 'C1', '2026-01-01', '100.00')], done: [{ invoiceExternalId: 'I1', step: 4 }] };
    expect(forecast(allDone, '2026-03-01')).toBeNull();
    expect(forecast(two, '2026-03-01', 10)).toBeNull();
  });

  it('a step that has come but was never planned (no run since) is due today', () => {
    const parts = { customers: [customer('C1')], invoices: [invoice('I1', 'C1', '2026-01-01', '100.00')] };
    // 1 Jan + 45 = 15 Feb: the letter has come; today's run plans it, dated when it came.
    expect(forecast(parts, '2026-03-01')).toMatchObject({ date: '2026-03-01', step: 4, action: 'letter' });
  });

  it('a paused customer has no forecast: the stop rule holds every later day too', () => {
    const parts = { customers: [customer('C1', { paused: true })], invoices: [invoice('I1', 'C1', '2026-03-10', '100.00')] };
    expect(forecast(parts, '2026-03-01')).toBeNull();
  });
});
