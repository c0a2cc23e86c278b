/**
 * The planner on small hand-made ledgers. Calendar of February 2026 for reading the dates:
 * Sun 1, Sat 7, Sat 14, Sun 15, Sat 21, Sun 22, Mon 23, Sat 28; Sun 1 March, Mon 2 March.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../core/dunning/index.ts';
import { customer, invoice, ledger, payment, STANDARD_STEPS } from './ledger-builder.ts';

type Parts = Parameters<typeof ledger>[0];
const run = (parts: Parts, asOf: string) => simulate(ledger(parts), asOf);

describe('levels', () => {
  it('catch-up: an old item with no step done gets only its most advanced step, once', () => {
    const r = run({ customers: [customer('C1')], invoices: [invoice('I1', 'C1', '2025-11-01', '100.00')] }, '2026-03-02');
    expect(r.actions).toHaveLength(1);
    // 2025-11-01 + 45 days = 2025-12-16: step 4 came then; steps 1–3 are never sent.
    expect(r.actions[0]).toMatchObject({ step: 4, action: 'letter', template: 'formal-notice', date: '2025-12-16', status: 'planned' });
  });

  it('a done step makes only later steps eligible', () => {
    const base = { customers: [customer('C1')] };
    const inv = invoice('I1', 'C1', '2026-02-01', '100.00');
    // As of 25 Feb: step 3 came on 22 Feb, step 4 (18 March) has not.
    expect(run({ ...base, invoices: [inv], done: [{ invoiceExternalId: 'I1', step: 2 }] }, '2026-02-25').actions[0]).toMatchObject({
      step: 3, date: '2026-02-22',
    });
    expect(run({ ...base, invoices: [inv], done: [{ invoiceExternalId: 'I1', step: 3 }] }, '2026-02-25').actions).toEqual([]);
    // Step 4 was done (out of order): step 3 has come but is not later than it, so no level.
    expect(run({ ...base, invoices: [inv], done: [{ invoiceExternalId: 'I1', step: 4 }] }, '2026-02-25').actions).toEqual([]);
  });

  it('an invoice due in the future has no level until its first step comes', () => {
    const parts = { customers: [customer('C1')], invoices: [invoice('I1', 'C1', '2026-03-10', '100.00')] };
    expect(run(parts, '2026-03-06').actions).toEqual([]);
    // Courtesy step: 10 March − 3 = 7 March.
    expect(run(parts, '2026-03-07').actions[0]).toMatchObject({ step: 1, template: 'courtesy', date: '2026-03-07' });
  });

  it('paid and void invoices are not open items', () => {
    const parts = {
      customers: [customer('C1')],
      invoices: [invoice('I1', 'C1', '2026-02-01', '100.00'), invoice('I2', 'C1', '2026-02-01', '50.00', { status: 'void' })],
      payments: [payment('P1', 'C1', '2026-02-20', 'I1', '100.00')],
    };
    expect(run(parts, '2026-02-19').actions[0]!.invoiceExternalIds).toEqual(['I1']);
    expect(run(parts, '2026-02-20')).toMatchObject({ actions: [], skipped: [] });
  });
});

describe('business days', () => {
  // Due Saturday 14 Feb: step 2 (+7) falls on Saturday 21 Feb.
  const parts = (businessDaysOnly: boolean) => ({
    organization: { businessDaysOnly },
    customers: [customer('C1')],
    invoices: [invoice('I1', 'C1', '2026-02-14', '100.00')],
    done: [{ invoiceExternalId: 'I1', step: 1 }],
  });

  it('without businessDaysOnly a step may fall on a weekend', () => {
    expect(run(parts(false), '2026-02-22').actions[0]).toMatchObject({ step: 2, date: '2026-02-21' });
  });

  it('with businessDaysOnly Saturday and Sunday move to Monday', () => {
    expect(run(parts(true), '2026-02-22').actions).toEqual([]);
    expect(run(parts(true), '2026-02-23').actions[0]).toMatchObject({ step: 2, date: '2026-02-23' });
    // Due Sunday 15 Feb: step 2 on Sunday 22 Feb moves to Monday 23 Feb too.
    const sunday = { ...parts(true), invoices: [invoice('I1', 'C1', '2026-02-15', '100.00')] };
    expect(run(sunday, '2026-02-22').actions).toEqual([]);
    expect(run(sunday, '2026-02-23').actions[0]).toMatchObject({ step: 2, date: '2026-02-23' });
  });
});

describe('one action per customer', () => {
  it('takes the highest level and lists every item with a level, by due date then number', () => {
    const invoices = [
      invoice('B', 'C1', '2026-02-15', '20.00'), // +7 = 22 Feb → level 2
      invoice('A', 'C1', '2026-02-01', '10.00'), // +21 = 22 Feb → level 3
      invoice('C', 'C1', '2026-03-10', '40.00'), // courtesy on 7 March → no level
      invoice('E', 'C1', '2026-02-15', '30.00', { number: 'N-0' }), // level 2, sorts before N-B
      invoice('D', 'C1', '2026-02-15', '50.00'), // step 2 done, step 3 not come → no level
    ];
    const r = run({ customers: [customer('C1')], invoices, done: [{ invoiceExternalId: 'D', step: 2 }] }, '2026-02-25');
    expect(r.actions).toHaveLength(1);
    expect(r.actions[0]).toMatchObject({
      step: 3, template: 'reminder-2', status: 'awaiting_approval', date: '2026-02-22', invoiceExternalIds: ['A', 'E', 'B'],
      amountDue: 6000n, currency: 'EUR',
    });
    expect(r.actions[0]!.levels).toEqual([
      { invoiceExternalId: 'A', step: 3 }, { invoiceExternalId: 'E', step: 2 }, { invoiceExternalId: 'B', step: 2 },
    ]);
  });

  it("the action's date is the earliest date its step came for an item at that level", () => {
    const invoices = [
      invoice('LATE', 'C1', '2026-02-03', '10.00'), // step 3 on 24 Feb
      invoice('EARLY', 'C1', '2026-02-01', '10.00'), // step 3 on 22 Feb
      invoice('LOW', 'C1', '2026-02-12', '10.00'), // step 2 on 19 Feb: earlier, but a lower level
    ];
    expect(run({ customers: [customer('C1')], invoices }, '2026-02-25').actions[0]).toMatchObject({ step: 3, date: '2026-02-22' });
  });

  it('splits a customer invoiced in two currencies into one action per currency, never adding them', () => {
    const invoices = [
      invoice('E1', 'C1', '2026-02-01', '100.00'),
      invoice('U1', 'C1', '2026-02-15', '70.00', { currency: 'USD' }),
    ];
    const r = run({ customers: [customer('C1')], invoices }, '2026-02-25');
    expect(r.actions.map((a) => [a.currency, a.step, a.amountDue, a.invoiceExternalIds])).toEqual([
      ['EUR', 3, 10000n, ['E1']],
      ['USD', 2, 7000n, ['U1']],
    ]);
  });
});

describe('stop rules, in order', () => {
  const due = '2026-02-01'; // as of 25 Feb: level 3 (an email step)
  const asOf = '2026-02-25';
  const skipOf = (parts: Parts) => {
    const r = run(parts, asOf);
    expect(r.actions).toEqual([]);
    return r.skipped;
  };

  it('paused', () => {
    const s = skipOf({ customers: [customer('C1', { paused: true })], invoices: [invoice('I1', 'C1', due, '10.00')] });
    expect(s).toEqual([
      { customerExternalId: 'C1', scenario: 'standard', step: 3, rule: 'paused', invoiceExternalIds: ['I1'], currency: 'EUR' },
    ]);
  });

  it('promise dated on or after asOf holds back; an older one does not', () => {
    const parts = (date: string) => ({
      customers: [customer('C1')], invoices: [invoice('I1', 'C1', due, '10.00')],
      promises: [{ customerExternalId: 'C1', date, amount: '10.00' }],
    });
    expect(skipOf(parts(asOf))[0]!.rule).toBe('promise');
    expect(run(parts('2026-02-24'), asOf).actions).toHaveLength(1);
  });

  it('disputed: every item that would be listed is disputed', () => {
    const s = skipOf({ customers: [customer('C1')], invoices: [invoice('I1', 'C1', due, '10.00', { disputed: true })] });
    expect(s[0]).toMatchObject({ rule: 'disputed', step: 3, invoiceExternalIds: ['I1'] });
  });

  it('a disputed item among others is left out of the action and its amount', () => {
    const invoices = [invoice('I1', 'C1', due, '10.00', { disputed: true }), invoice('I2', 'C1', '2026-02-15', '20.00')];
    const r = run({ customers: [customer('C1')], invoices }, asOf);
    // I1 (disputed) would be level 3; without it the action is I2's level 2.
    expect(r.actions[0]).toMatchObject({ step: 2, invoiceExternalIds: ['I2'], amountDue: 2000n });
    expect(r.skipped).toEqual([]);
  });

  it('no_contact: no email for an email step, no phone for an sms step; a letter needs neither', () => {
    expect(skipOf({ customers: [customer('C1', { email: null })], invoices: [invoice('I1', 'C1', due, '10.00')] })[0]!.rule).toBe('no_contact');
    const sms = [{ offsetDays: 1, action: 'sms', template: 'nudge' }];
    const smsParts = (phone: string | null) => ({
      customers: [customer('C1', { phone })], invoices: [invoice('I1', 'C1', due, '10.00')], scenarios: [{ name: 'sms', steps: sms }],
    });
    expect(skipOf(smsParts(null))[0]!.rule).toBe('no_contact');
    expect(run(smsParts('+33600000000'), asOf).actions[0]).toMatchObject({ action: 'sms', status: 'planned' });
    const letter = { customers: [customer('C1', { email: null })], invoices: [invoice('I1', 'C1', '2025-12-01', '10.00')] };
    expect(run(letter, asOf).actions[0]).toMatchObject({ action: 'letter', step: 4 });
  });

  it('the first rule that holds wins: paused, then promise, then disputed, then no_contact', () => {
    const inv = [invoice('I1', 'C1', due, '10.00', { disputed: true })];
    const promise = [{ customerExternalId: 'C1', date: '2026-03-01', amount: '10.00' }];
    const noEmail = { email: null };
    expect(skipOf({ customers: [customer('C1', { ...noEmail, paused: true })], invoices: inv, promises: promise })[0]!.rule).toBe('paused');
    expect(skipOf({ customers: [customer('C1', noEmail)], invoices: inv, promises: promise })[0]!.rule).toBe('promise');
    expect(skipOf({ customers: [customer('C1', noEmail)], invoices: inv })[0]!.rule).toBe('disputed');
  });

  it('a customer with nothing due is neither acted on nor skipped', () => {
    const r = run({ customers: [customer('C1', { paused: true })], invoices: [invoice('I1', 'C1', '2026-04-01', '10.00')] }, asOf);
    expect(r).toMatchObject({ actions: [], skipped: [] });
  });
});

describe('scenario selection: the first matching segment wins', () => {
  const scenarios = [
    { name: 'strategic', segment: { tags: ['strategic'] }, steps: [{ offsetDays: 30, action: 'task', template: 'call-owner' }] },
    { name: 'germany', segment: { country: 'DE' }, steps: STANDARD_STEPS },
    { name: 'large', segment: { minOverdue: '1000.00' }, steps: STANDARD_STEPS },
  ];
  const pick = (c: Record<string, unknown>, total: string, extra: Record<string, unknown>[] = []) =>
    run(
      { customers: [customer('C1', c)], invoices: [invoice('I1', 'C1', '2026-01-01', total), ...extra], scenarios },
      '2026-02-25',
    ).actions.map((a) => a.scenario);

  it('by tags, country and overdue amount, in order', () => {
    expect(pick({ tags: ['strategic', 'x'], country: 'DE' }, '5000.00')).toEqual(['strategic']);
    expect(pick({ country: 'DE' }, '5000.00')).toEqual(['germany']);
    expect(pick({ country: 'FR' }, '1000.00')).toEqual(['large']);
    // 999.99 overdue is under the threshold; no scenario applies, so nothing is planned.
    expect(pick({ country: 'FR' }, '999.99')).toEqual([]);
  });

  it('minOverdue counts only overdue amounts in the organization currency', () => {
    const notYetDue = invoice('I2', 'C1', '2026-03-31', '500.00');
    const usd = invoice('I3', 'C1', '2026-01-01', '5000.00', { currency: 'USD' });
    expect(pick({}, '600.00', [notYetDue, usd])).toEqual([]);
  });
});
