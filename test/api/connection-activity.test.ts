/**
 * A sync watched from the API: GET one connection adds its record counts per entity and the state
 * of its newest `sync.pull` job, read from the real scheduler's table on the same PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logging.ts';
import { createWorker, type Worker } from '../../jobs/worker.ts';
import { enqueueSyncPull } from '../../jobs/sync.ts';
import { createWorld, type World } from './world.ts';

let w: World;
let worker: Worker | null = null;
beforeAll(async () => {
  w = await createWorld();
}, 60_000);
afterAll(async () => {
  await worker?.stop(5000).catch(() => {});
  await w.close();
});

const connection = async () => (await w.app.inject({ url: `/api/organizations/${w.orgA}/connections/${w.connA}`, headers: w.as('viewerA') })).json();

describe('watching a sync', () => {
  it('counts the records the connection brought, and has no job state before any scheduler ran here', async () => {
    const c = await connection();
    expect(c.records).toEqual([{ entity: 'customer', count: 2 }, { entity: 'invoice', count: 2 }]);
    expect(c.sync).toBeNull();
    // What was there before stays as it was.
    expect(c).toMatchObject({ id: w.connA, provider: 'quickbooks', status: 'active', cursors: [] });
  });

  it("shows the newest sync job: queued, then failed with the job's reason", async () => {
    worker = createWorker({ databaseUrl: w.db.url, logger: createLogger({ level: 'error', format: 'json' }), concurrency: 1, processEvery: 200, sync: { store: w.db, keys: w.keys } });
    await worker.start();
    await enqueueSyncPull(worker.agenda, { connectionId: w.connA });
    // The world's connection holds no tokens: the real sync job fails, and says why.
    let c = await connection();
    expect(['queued', 'running', 'failed']).toContain(c.sync.state);
    expect(Date.parse(c.sync.queuedAt)).not.toBeNaN();
    for (let i = 0; i < 150 && c.sync.state !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      c = await connection();
    }
    expect(c.sync).toMatchObject({ state: 'failed' });
    expect(c.sync.error).toBeTruthy();
    expect(Date.parse(c.sync.finishedAt)).toBeGreaterThanOrEqual(Date.parse(c.sync.startedAt));
  }, 30_000);
});
