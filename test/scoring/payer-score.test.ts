import { describe, expect, it } from 'vitest';
import { riskClassOf, scorePayer } from '../../core/scoring/index.ts';

const asOf = '2026-03-01';

describe('payer score', () => {
  it('gives a prompt payer with no dispute and room under its limit a low risk', () => {
    const s = scorePayer({ paid: [{ dueDate: '2026-01-31', paidOn: '2026-01-30' }], openDisputes: 0, openBalance: 1000n, creditLimit: 10000n }, asOf);
    expect(s).toMatchObject({ score: 100, riskClass: 'low' });
  });

  it('explains each factor and what it cost', () => {
    const s = scorePayer({
      paid: [
        { dueDate: '2025-06-01', paidOn: '2025-06-11' }, // 10 days late, older than 90 days
        { dueDate: '2026-01-01', paidOn: '2026-02-10' }, // 40 days late, recent
      ],
      openDisputes: 1,
      openBalance: 12000n,
      creditLimit: 10000n,
    }, asOf);
    const byName = Object.fromEntries(s.factors.map((f) => [f.name, [f.value, f.points]]));
    expect(byName).toEqual({
      averageDaysLate: [25, 13], shareLate: [100, 25], trend: [30, 10], disputes: [1, 5], creditUsage: [120, 20],
    });
    expect(s.score).toBe(27);
    expect(s.riskClass).toBe('critical');
  });

  it('ignores payments outside the 12-month look-back and has class boundaries at 80/60/40', () => {
    const s = scorePayer({ paid: [{ dueDate: '2024-01-01', paidOn: '2024-06-01' }], openDisputes: 0, openBalance: 0n, creditLimit: null }, asOf);
    expect(s.score).toBe(100);
    expect([80, 79, 60, 59, 40, 39].map((s) => riskClassOf(s))).toEqual(['low', 'medium', 'medium', 'high', 'high', 'critical']);
  });

  it('counts an invoice still unpaid past its due date at its days overdue: a customer who stopped paying is not a good payer', () => {
    // Paid on time a year ago, and since then one invoice 284 days overdue (the demo's Beacon Engineering).
    const facts = { paid: [{ dueDate: '2025-04-01', paidOn: '2025-03-30' }], openDisputes: 0, openBalance: 681270n, creditLimit: null };
    expect(scorePayer(facts, asOf).riskClass).toBe('low');
    const s = scorePayer({ ...facts, overdue: [{ dueDate: '2025-05-21' }] }, asOf);
    const byName = Object.fromEntries(s.factors.map((f) => [f.name, [f.value, f.points]]));
    // (0 + 284) / 2 = 142 days late on average: all 35 points; half the invoices late: 13 (12.5 rounded); recent 284 vs 0 before: 10.
    expect(byName).toMatchObject({ averageDaysLate: [142, 35], shareLate: [50, 13], trend: [284, 10] });
    expect(s).toMatchObject({ score: 42, riskClass: 'high' });
    expect(s.factors[0]!.explanation).toBe('pays 142.0 days after the due date on average (1 unpaid invoice counted at the days overdue so far)');
    // Not yet due on the scoring day: no lateness, and nothing else changes.
    expect(scorePayer({ ...facts, overdue: [{ dueDate: '2026-03-01' }] }, asOf).score).toBe(100);
    // Overdue with nothing paid in the year: scored on that alone.
    expect(scorePayer({ paid: [], overdue: [{ dueDate: '2026-01-30' }], openDisputes: 0, openBalance: 1n, creditLimit: null }, asOf).factors[0]).toMatchObject({ value: 30, points: 15 });
  });
});
