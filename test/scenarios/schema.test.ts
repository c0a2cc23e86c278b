import { describe, expect, it } from 'vitest';
import { defaultScenarios, parseScenario, toPlannerScenario } from '../../core/scenarios/index.ts';

describe('scenarios as data', () => {
  it('ship three valid defaults: gentle, standard, firm B2B', () => {
    expect(defaultScenarios().map((s) => s.name).sort()).toEqual(['firm-b2b', 'gentle', 'standard']);
  });

  it.each([
    [{ name: 'x', steps: [] }, /steps: a scenario needs at least one step/],
    [{ name: 'x', steps: [{ offsetDays: 7, action: 'fax', template: 'a' }] }, /steps\[0\]\.action: must be one of/],
    [{ name: 'x', steps: [{ offsetDays: 7, action: 'email', template: 'a' }, { offsetDays: 7, action: 'email', template: 'b' }] }, /steps\[1\]\.offsetDays: must be later/],
    [{ name: 'x', steps: [{ offsetDays: 1, action: 'email', template: 'a' }], stopRules: ['promise'] }, /stopRules: must include "paid"/],
    [{ name: 'x', segment: { riskClass: ['meh'] }, steps: [{ offsetDays: 1, action: 'email', template: 'a' }] }, /segment\.riskClass\[0\]/],
    [{ name: 'x', steps: [{ offsetDays: 1, action: 'email', template: 'a', requireApproval: true }] }, /steps\[0\]/],
  ])('refuses %j naming the field', (json, message) => {
    expect(() => parseScenario(json)).toThrow(message);
  });

  it('converts the segment amount to minor units of the base currency', () => {
    const s = toPlannerScenario(parseScenario({
      name: 'big', segment: { minOverdue: '500.00', customFields: { tier: 'gold' }, country: ['FR'] },
      steps: [{ offsetDays: 1, action: 'email', template: 'a' }],
    }), 'JPY');
    expect(s.segment).toEqual({ minOverdue: 500n, customFields: { tier: 'gold' }, country: ['FR'] });
  });
});
