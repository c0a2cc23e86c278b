/**
 * The lease renewal cadence (core/sending/lease.ts): every third of the lease, but at least every
 * 15 s, so that under the 5-minute production lease a live claim survives a worker stalled for up
 * to 4 min 45 s (every 100 s it survived 3 min 20 s). The renewal is the real statement on a real
 * PostgreSQL: a claim that is not the worker's (here: one that does not exist) is reported lost.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LEASE_MS } from '../../core/sending/index.ts';
import { LeaseKeeper, RENEW_AT_LEAST_EVERY_MS, SEND_WITHIN_LEASE_SHARE } from '../../core/sending/lease.ts';
import { openStore } from '../../core/store/db.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
beforeAll(async () => void (db = await createTestDatabase()), 60_000);
afterAll(async () => db?.drop());

describe('lease renewal cadence', () => {
  it('renews within 15 s under the 5-minute production lease', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const lost: string[][] = [];
      const keeper = new LeaseKeeper(db.db, 'worker-a', DEFAULT_LEASE_MS, () => new Date(), (ids) => void lost.push(ids));
      const id = randomUUID();
      keeper.hold([id]);
      vi.advanceTimersByTime(RENEW_AT_LEAST_EVERY_MS - 1);
      await keeper.renew().catch(() => {});
      // The explicit renew above reported it; hold it again and let the timer do the next one.
      expect(lost).toEqual([[id]]);
      keeper.hold([id]);
      vi.advanceTimersByTime(1);
      for (let i = 0; i < 100 && lost.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(lost).toEqual([[id], [id]]);
      await keeper.stop();
    } finally {
      vi.useRealTimers();
    }
    expect(RENEW_AT_LEAST_EVERY_MS).toBeLessThan(DEFAULT_LEASE_MS / 3);
  }, 30_000);

  it('stops handing out messages once its claims go unconfirmed for most of the lease, and resumes on a renewal', async () => {
    const lease = 3_000;
    let now = Date.parse('2026-12-04T10:00:00Z');
    const clock = () => new Date(now);
    const keeper = new LeaseKeeper(db.db, 'worker-b', lease, clock);
    keeper.hold([randomUUID()]);
    expect(keeper.mayStillSend()).toBe(true);
    now += Math.floor(lease * SEND_WITHIN_LEASE_SHARE) - 1;
    expect(keeper.mayStillSend()).toBe(true);
    now += 1;
    // No renewal came (a starved worker): another worker may have the claims by now.
    expect(keeper.mayStillSend()).toBe(false);
    // A renewal that reaches the store confirms the lease from the time it was asked.
    await keeper.renew();
    expect(keeper.mayStillSend()).toBe(true);
    await keeper.stop();

    // A store that cannot be reached confirms nothing: the worker stops sending before the lease ends.
    const unreachable = openStore('postgres://postgres@127.0.0.1:1/none', { max: 1, onError: () => {} });
    try {
      const cutOff = new LeaseKeeper(unreachable.db, 'worker-c', lease, clock);
      cutOff.hold([randomUUID()]);
      now += lease / 2;
      await cutOff.renew();
      expect(cutOff.mayStillSend()).toBe(true);
      now += lease / 2;
      await cutOff.renew();
      expect(cutOff.mayStillSend()).toBe(false);
      await cutOff.stop();
    } finally {
      await unreachable.pool.end().catch(() => {});
    }
  }, 30_000);
});
