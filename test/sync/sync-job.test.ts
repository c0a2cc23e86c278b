/** The `sync.pull` job's data check, and the bench's least-time arithmetic (no timing asserted). */
import { describe, expect, it } from 'vitest';
import { leastSeconds } from '../../bench/sync.ts';
import { createLogger } from '../../core/logging.ts';
import { runSyncPull } from '../../jobs/sync.ts';
import { ring } from './support.ts';

const deps = { store: { pool: null as never, db: null as never }, keys: ring, logger: createLogger({ level: 'error', format: 'json' }) };

describe('sync.pull', () => {
  it('refuses data without a connection id, naming the field', async () => {
    await expect(runSyncPull(deps, { streams: ['invoice'] })).rejects.toThrow(/sync\.pull: connectionId: /);
    await expect(runSyncPull(deps, { connectionId: 'x' })).rejects.toMatchObject({ code: 'invalid', details: { field: 'connectionId' } });
    await expect(runSyncPull(deps, { connectionId: '00000000-0000-4000-8000-000000000001', streams: [] })).rejects.toMatchObject({ details: { field: 'streams' } });
  });
});

describe('leastSeconds (QuickBooks: 10 per second, 500 per minute)', () => {
  it.each([
    [0, 0], [1, 0], [10, 0], [11, 1], [100, 9], [500, 49], [501, 60], [1000, 99], [1001, 120],
  ])('%i calls take at least %i s', (calls, seconds) => {
    expect(leastSeconds(calls)).toBe(seconds);
  });
});
