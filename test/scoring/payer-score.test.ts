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
});
