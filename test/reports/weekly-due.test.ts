/** When a weekly report is due, on the organization's own wall clock. */
import { describe, expect, it } from 'vitest';
import { dueWeek, mondayOf } from '../../core/reports/weekly/index.ts';

describe('dueWeek', () => {
  const monday8 = { weekday: 1, hour: 8 };

  it('is due from the weekday and hour until the end of that week, local time', () => {
    expect(dueWeek(monday8, 'Europe/Paris', new Date('2026-03-30T05:59:59Z'))).toBeNull(); // Monday 07:59 (summer time)
    expect(dueWeek(monday8, 'Europe/Paris', new Date('2026-03-30T06:00:00Z'))).toBe('2026-03-30'); // Monday 08:00
    expect(dueWeek(monday8, 'Europe/Paris', new Date('2026-04-05T21:59:00Z'))).toBe('2026-03-30'); // Sunday 23:59
    expect(dueWeek(monday8, 'Europe/Paris', new Date('2026-04-05T22:00:00Z'))).toBeNull(); // next Monday 00:00
  });

  it('reads the day in the organization’s zone, not UTC', () => {
    // Sunday 20:00 in New York is Monday 01:00 UTC: still the week of 23 March there.
    expect(dueWeek({ weekday: 7, hour: 20 }, 'America/New_York', new Date('2026-03-30T00:00:00Z'))).toBe('2026-03-23');
    expect(dueWeek({ weekday: 7, hour: 20 }, 'UTC', new Date('2026-03-30T00:00:00Z'))).toBeNull();
  });

  it('finds the Monday of any day', () => {
    expect(['2026-03-30', '2026-04-01', '2026-04-05'].map(mondayOf)).toEqual(['2026-03-30', '2026-03-30', '2026-03-30']);
    expect(mondayOf('2027-01-01')).toBe('2026-12-28');
  });
});
