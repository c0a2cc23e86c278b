import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../dunning/run-cli.ts';
import { agingFile, dsoFile } from './report-ledgers.ts';

let dir: string;
let agingPath: string;
let dsoPath: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relance-report-'));
  agingPath = join(dir, 'aging.json');
  dsoPath = join(dir, 'dso.json');
  await writeFile(agingPath, JSON.stringify(agingFile));
  await writeFile(dsoPath, JSON.stringify(dsoFile));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Each case starts the real CLI (tsx compiles on start): slow on a shared machine, hence the timeout.
describe('relance report', { timeout: 90_000 }, () => {
  it('aging --json prints the FORMATS.md shape', async () => {
    const r = await runCli(['report', 'aging', '--input', agingPath, '--as-of', '2026-03-31', '--json']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ asOf: '2026-03-31', currency: 'EUR', total: '960.00', disputed: '200.00' });
    expect(Object.keys(json).slice(0, 5)).toEqual(['asOf', 'currency', 'buckets', 'total', 'disputed']);
  });

  it('aging without --json prints a readable table', async () => {
    const r = await runCli(['report', 'aging', '--input', agingPath, '--as-of', '2026-03-31']);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Aged balance as of 2026-03-31 (EUR)');
    expect(lines[1]).toMatch(/^customer\s+current\s+1-30\s+31-60\s+61-90\s+91\+\s+total\s+disputed$/);
    expect(lines.find((l) => l.startsWith('TOTAL'))).toMatch(/^TOTAL\s+480\.00\s+230\.00\s+70\.00\s+110\.00\s+70\.00\s+960\.00\s+200\.00$/);
    expect(r.stdout).toContain('Aged balance as of 2026-03-31 (USD)');
  });

  it('dso --json with --period-days', async () => {
    const r = await runCli(['report', 'dso', '--input', dsoPath, '--as-of', '2026-03-31', '--period-days', '30', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ periodDays: 30, receivables: '2500.00', creditSales: '1000.00', dso: '75.0' });
  });

  it('an unknown report is refused, exit 1', async () => {
    const r = await runCli(['report', 'turnover', '--input', dsoPath]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('relance: report: unknown report "turnover" (expected aging, dso, forecast, figures, activity)\n');
  });
});
