/**
 * The daily run benchmark (`relance bench scenarios`) at a small size: the FORMATS.md bench object
 * with the target (20 s and 512 MB per million, no other limit), CPU seconds and load
 * average beside the wall time, the run shared by two worker processes with every customer planned
 * once, a second run over the unchanged ledger that writes nothing, and no scratch database left behind.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runScenariosBench } from '../../bench/scenarios.ts';
import { testServerUrl } from '../support/pg-url.ts';

async function scratchDatabases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: testServerUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'relance_bench_scenarios_%'");
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

describe('bench scenarios', () => {
  it('plans every customer once, in one process or shared by two workers, and states the issue target', async () => {
    const before = await scratchDatabases();
    for (const workers of [1, 2]) {
      const r = await runScenariosBench({ invoices: 3000, workers, serverUrl: testServerUrl() });
      expect(r).toMatchObject({ bench: 'scenarios', higherIsBetter: true });
      expect(r.limit).toMatch(/^≤ 20 s and ≤ 512 MB for 1,000,000 invoices \(issue 16\): 0\.06 s for 3000$/);
      expect(r.limit).not.toMatch(/600/);
      // 300 customers with ten open invoices each, all overdue on the bench date: one action each.
      expect(r.figures).toMatchObject({ records: 3000, customers: 300, actions: 300, workers });
      // The second run over the unchanged ledger finds every action already pending: it writes none.
      expect(r.figures).toMatchObject({ rerunInserted: 0, rerunRowsWritten: 0 });
      expect(r.ratio).toBe(Math.min(r.figures.timeRatio!, r.figures.memoryRatio!));
      expect(r.figures.nodeCpuSeconds).toBeGreaterThan(0);
      expect(r.figures.cpuSeconds).toBeGreaterThanOrEqual(r.figures.nodeCpuSeconds!);
      expect(r.figures.loadAverage1mBefore).toBeGreaterThanOrEqual(0);
    }
    // None of its own left behind (another test file's bench may create or drop one meanwhile).
    expect((await scratchDatabases()).filter((d) => !before.includes(d))).toEqual([]);
  }, 180_000);
});
