/** `relance mapping preview` end to end, through the real command. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/mapping/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'relance-mapping-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function relance(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('node', ['bin/relance.js', ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const preview = (provider: string, entity: string, input: string, ...more: string[]) =>
  relance('mapping', 'preview', '--provider', provider, '--entity', entity, '--input', input, ...more);

// Each run starts node and tsx: seconds each on a busy machine.
describe('relance mapping preview', { timeout: 90_000 }, () => {
  it('prints the canonical records of a provider response body and exits 0', async () => {
    const run = await preview('quickbooks', 'invoice', join(FIXTURES, 'quickbooks-invoice-query.json'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      {
        entity: 'invoice', externalId: '1877', number: '1877', customerExternalId: '12', issueDate: '2026-01-05',
        dueDate: '2026-02-04', currency: 'USD', total: '1320.00', balance: '1320.00', status: 'open',
        updatedAt: '2026-01-06T18:15:40.000Z',
      },
    ]);
  });

  it('prints what mapped, reports each rejected record on stderr and exits 1', async () => {
    const input = file('mixed.json', JSON.stringify([
      { Id: '1', DueDate: '2026-02-04', TotalAmt: 10, Balance: 10, CustomerRef: { value: '12' } },
      { Id: '2', TotalAmt: 10, Balance: 10, CustomerRef: { value: '12' } },
    ]));
    const run = await preview('quickbooks', 'invoice', input, '--home-currency', 'eur');
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject([{ externalId: '1', currency: 'EUR', total: '10.00', status: 'open' }]);
    expect(run.stderr).toBe('relance: rejected invoice 2: dueDate: missing (DueDate)\n');
    const allowed = await preview('quickbooks', 'invoice', input, '--home-currency', 'EUR', '--allow-rejected');
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toContain('rejected invoice 2');
  });

  it('applies an override file given with --mapping', async () => {
    const override = file('override.json', JSON.stringify({ fields: { language: { path: 'CustomField[Name=Language].StringValue' } } }));
    const input = file('customer.json', JSON.stringify({
      Customer: { Id: '5', DisplayName: 'Atelier', CurrencyRef: { value: 'EUR' }, CustomField: [{ Name: 'Language', StringValue: 'fr' }] },
    }));
    const run = await preview('quickbooks', 'customer', input, '--mapping', override);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject([{ entity: 'customer', externalId: '5', language: 'fr' }]);
  });

  it.each([
    [['hubspot', 'invoice', 'x.json'], /^relance: unknown entity "invoice" for hubspot \(one of company, contact\)\n$/],
    [['sage', 'invoice', 'x.json'], /^relance: unknown provider "sage"/],
    [['xero', 'invoice', '/no/such/file.json'], /^relance: input \/no\/such\/file\.json: cannot read: no such file\n$/],
  ])('fails with one line naming the problem: %j', async (args, message) => {
    const run = await preview(args[0]!, args[1]!, args[2]!);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });

  it('names the line and column of invalid JSON', async () => {
    const run = await preview('xero', 'invoice', file('bad.json', '{\n  "Invoices": [\n    {"Type": "ACCREC",}\n  ]\n}'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^relance: input .*bad\.json: invalid JSON at line 3 column 23: .+\n$/);
  });

  it('names the file and the field of an invalid mapping file', async () => {
    const override = file('broken.json', JSON.stringify({ fields: { dueDate: { path: 'DueDate', transform: 'weekday' } } }));
    const run = await preview('xero', 'invoice', join(FIXTURES, 'xero-invoice.json'), '--mapping', override);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^relance: .*broken\.json: fields\.dueDate\.transform: .+\n$/);
  });

  it('is a usage error (exit 2) without its required options', async () => {
    const run = await relance('mapping', 'preview', '--provider', 'xero');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/required option '--entity <entity>'/);
  });
});
