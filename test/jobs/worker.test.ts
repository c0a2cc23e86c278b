import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logging.ts';
import { createWorker, type Worker } from '../../jobs/worker.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

const logger = createLogger({ level: 'error', format: 'json' });

describe('the job worker on PostgreSQL', () => {
  let db: TestDatabase;
  let worker: Worker;
  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query('CREATE TABLE job_runs (id serial PRIMARY KEY, note text NOT NULL, at timestamptz DEFAULT now())');
  });
  afterAll(async () => {
    await worker?.stop(1000).catch(() => {});
    await db?.drop();
  });

  it('runs a job scheduled from outside, and lets a running job finish on stop', async () => {
    worker = createWorker({ databaseUrl: db.url, logger, concurrency: 2, processEvery: 200 });
    worker.agenda.define('test.record', async (job) => {
      const { note, delayMs } = job.attrs.data as { note: string; delayMs: number };
      await new Promise((r) => setTimeout(r, delayMs));
      await db.pool.query('INSERT INTO job_runs (note) VALUES ($1)', [note]);
    });
    await worker.start();

    // Scheduled by another process would look the same: a row in agenda_jobs.
    await worker.agenda.now('test.record', { note: 'quick', delayMs: 0 });
    await waitFor(async () => (await db.pool.query(`SELECT 1 FROM job_runs WHERE note = 'quick'`)).rowCount === 1);

    const started = new Promise<void>((resolve) => worker.agenda.once('start:test.record', () => resolve()));
    await worker.agenda.now('test.record', { note: 'slow', delayMs: 1500 });
    await started;
    const result = await worker.stop(10_000);
    expect(result.running).toBe(0);
    const { rows } = await db.pool.query(`SELECT note FROM job_runs ORDER BY id`);
    expect(rows.map((r) => r.note)).toEqual(['quick', 'slow']);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}
