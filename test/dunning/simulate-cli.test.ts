import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customer, invoice, ledgerFile } from './ledger-builder.ts';
import { runCli } from './run-cli.ts';

const EXAMPLE = 'test/fixtures/ledgers/formats-example.json';

// FORMATS.md, "The ledger file": the documented output for the documented file as of 2026-03-01.
const DOCUMENTED_OUTPUT = {
  asOf: '2026-03-01',
  actions: [
    {
      customerExternalId: 'C1', scenario: 'standard', step: 3, action: 'email', template: 'reminder-2',
      date: '2026-02-25', status: 'awaiting_approval', invoiceExternalIds: ['I1'],
      amountDue: '1000.00', currency: 'EUR',
      fees: { interest: '9.32', fixed: '40.00', total: '49.32' },
    },
  ],
  skipped: [],
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relance-simulate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Each case starts the real CLI (tsx compiles on start): slow on a shared machine, hence the timeout.
describe('relance simulate', { timeout: 90_000 }, () => {
  it('prints exactly the FORMATS.md example output, exit 0', async () => {
    const r = await runCli(['simulate', '--input', EXAMPLE, '--as-of', '2026-03-01']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const printed: unknown = JSON.parse(r.stdout);
    expect(printed).toEqual(DOCUMENTED_OUTPUT);
    // Same fields in the same order as documented.
    expect(JSON.stringify(printed)).toBe(JSON.stringify(DOCUMENTED_OUTPUT));
  });

  it('lists skipped customers with their rule', async () => {
    const file = join(dir, 'paused.json');
    await writeFile(
      file,
      JSON.stringify(ledgerFile({ customers: [customer('C9', { paused: true })], invoices: [invoice('I9', 'C9', '2026-02-01', '10.00')] })),
    );
    const r = await runCli(['simulate', '--input', file, '--as-of', '2026-02-09']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      asOf: '2026-02-09',
      actions: [],
      skipped: [{ customerExternalId: 'C9', scenario: 'standard', step: 2, rule: 'paused', invoiceExternalIds: ['I9'], currency: 'EUR' }],
    });
  });

  it('fails with one line naming the field of an invalid ledger, exit 1', async () => {
    const file = join(dir, 'bad.json');
    const invoices = [invoice('I1', 'C1', '2026-02-01', '10.00'), invoice('I2', 'C1', '2024-01-01', '10.00')];
    await writeFile(file, JSON.stringify(ledgerFile({ customers: [customer('C1')], invoices })));
    const r = await runCli(['simulate', '--input', file, '--as-of', '2026-03-01']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('invoices[1].dueDate: due date 2024-01-01 is before the issue date');
  });

  it('fails on a bad --as-of, exit 1', async () => {
    const badDate = await runCli(['simulate', '--input', EXAMPLE, '--as-of', '2026-13-01']);
    expect([badDate.status, badDate.stderr.trim()]).toEqual([1, 'relance: --as-of: "2026-13-01" is not a date written YYYY-MM-DD']);
  });

  it('fails on a missing file, exit 1', async () => {
    const missing = await runCli(['simulate', '--input', join(dir, 'nope.json'), '--as-of', '2026-03-01']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^relance: --input: cannot read .*nope\.json \(ENOENT\)\n$/);
  });

  it('fails on a file that is not JSON, exit 1', async () => {
    const notJson = join(dir, 'not.json');
    await writeFile(notJson, '{ "organization": ');
    const garbled = await runCli(['simulate', '--input', notJson, '--as-of', '2026-03-01']);
    expect(garbled.status).toBe(1);
    expect(garbled.stderr).toMatch(/^relance: --input: .*not\.json is not valid JSON/);
  });

  it('a missing required option is a usage error, exit 2', async () => {
    const r = await runCli(['simulate', '--input', EXAMPLE]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--as-of');
  });
});
