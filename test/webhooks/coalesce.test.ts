/** In-process webhook syncs per connection: replays during a run fold into one follow-up run. */
import { describe, expect, it } from 'vitest';
import { coalescedSyncs } from '../../server/webhooks/coalesce.ts';

describe('coalesced in-process syncs', () => {
  it('runs 30 replays of a delivery as at most two syncs, and keeps every stream asked for', async () => {
    const runs: { connectionId: string; streams: string[] }[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const errors: unknown[] = [];
    const trigger = coalescedSyncs(async (connectionId, streams) => {
      runs.push({ connectionId, streams });
      if (runs.length === 1) await gate;
    }, (_c, e) => errors.push(e));
    await trigger('conn-a', ['invoice']);
    for (let i = 0; i < 29; i++) await trigger('conn-a', [i % 2 ? 'invoice' : 'payment']);
    await trigger('conn-b', ['invoice']);
    release();
    await new Promise((r) => setTimeout(r, 20));
    expect(runs.filter((r) => r.connectionId === 'conn-a')).toEqual([
      { connectionId: 'conn-a', streams: ['invoice'] },
      { connectionId: 'conn-a', streams: ['payment', 'invoice'] },
    ]);
    expect(runs.filter((r) => r.connectionId === 'conn-b')).toHaveLength(1);
    // A later delivery, once nothing runs, gets its own sync.
    await trigger('conn-a', ['creditNote']);
    await new Promise((r) => setTimeout(r, 20));
    expect(runs.at(-1)).toEqual({ connectionId: 'conn-a', streams: ['creditNote'] });
    expect(errors).toEqual([]);
  });

  it('goes on after a failed run and reports it', async () => {
    const errors: string[] = [];
    let calls = 0;
    const trigger = coalescedSyncs(async () => {
      calls += 1;
      throw new Error('provider down');
    }, (c) => errors.push(c));
    await trigger('conn-a', ['invoice']);
    await new Promise((r) => setTimeout(r, 10));
    await trigger('conn-a', ['invoice']);
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toBe(2);
    expect(errors).toEqual(['conn-a', 'conn-a']);
  });
});
