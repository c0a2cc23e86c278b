/** The Xero sync bench's least-time arithmetic (no timing asserted): 60 a rolling minute, 5,000 a rolling day. */
import { describe, expect, it } from 'vitest';
import { xeroLeastSeconds } from '../../bench/sync-xero.ts';

describe('xeroLeastSeconds', () => {
  it.each([
    [0, 0], [1, 0], [60, 0], [61, 60], [120, 60], [121, 120], [4999, 83 * 60], [5000, 83 * 60], [5001, 86_400],
  ])('%i calls take at least %i s', (calls, seconds) => {
    expect(xeroLeastSeconds(calls)).toBe(seconds);
  });
});
