import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { Command } from 'commander';
import { LIMIT, benchInvoice, runIngestBench } from '../../bench/ingest.ts';
import { registerBench } from '../../cli/commands/bench.ts';
import { invoiceSchema } from '../../core/store/repositories/index.ts';
import { testServerUrl } from '../support/pg-url.ts';

const scratchDatabases = async (): Promise<string[]> => {
  const client = new pg.Client({ connectionString: testServerUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'relance_bench_%'",
    );
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
};

describe('bench ingest', () => {
  it('generates canonical invoices the store accepts', () => {
    for (const i of [0, 1, 2, 999, 1000, 123456]) expect(invoiceSchema.safeParse(benchInvoice(i)).success).toBe(true);
    expect(benchInvoice(3).balance).toBe('0.00');
  });

  it('prints the FORMATS.md bench object and drops its scratch database', async () => {
    const before = await scratchDatabases();
    const result = await runIngestBench({ records: 1500, serverUrl: testServerUrl() });
    expect(Object.keys(result).sort()).toEqual(['bench', 'figures', 'higherIsBetter', 'limit', 'ratio']);
    expect(result).toMatchObject({
      bench: 'ingest',
      figures: { records: 1500 },
      limit: expect.stringContaining(LIMIT),
      higherIsBetter: true,
    });
    expect(result.figures.seconds).toBeGreaterThan(0);
    expect(result.figures.recordsPerSecond).toBeGreaterThan(0);
    expect(result.ratio).toBeGreaterThan(0);
    expect(result.figures.copyRecordsPerSecond).toBeGreaterThan(0);
    expect(result.limit).toMatch(/≥ 0\.5/);
    expect(await scratchDatabases()).toEqual(before);
  });

  it('refuses a bad --records with an error naming the option', async () => {
    const program = new Command('relance').exitOverride();
    registerBench(program);
    for (const bad of ['0', 'abc', '1.5']) {
      await expect(program.parseAsync(['node', 'relance', 'bench', 'ingest', '--records', bad])).rejects.toMatchObject({
        code: 'invalid',
        message: expect.stringMatching(/^--records: /),
      });
    }
  });
});
