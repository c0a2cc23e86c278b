import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { runCli } from '../support/cli.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'relance-template-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('relance template', () => {
  it('validate prints the template’s variables', async () => {
    const r = await runCli(['template', 'validate', 'templates/sms/reminder-1/en.txt']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, channel: 'sms', name: 'reminder-1', language: 'en', variables: expect.arrayContaining(['total', 'portalUrl']) });
  });

  it('validate refuses an unknown variable with one line naming file and line, exit 1', async () => {
    const file = path.join(dir, 'bad.txt');
    await writeFile(file, 'Hello,\nyou owe {{totl}}\n');
    const r = await runCli(['template', 'validate', '--channel', 'sms', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`relance: ${file} line 2: unknown variable "totl" (known: organization, customer, contact, collector, date, items, itemCount, invoiceNumbers, history, legal, totals, total, fees, portalUrl, paymentLink)\n`);
  });

  it('preview writes a letter PDF and prints what it rendered', async () => {
    const output = path.join(dir, 'final.pdf');
    const r = await runCli(['template', 'preview', '--name', 'final-notice', '--language', 'en', '--channel', 'letter', '--output', output]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'final-notice', channel: 'letter', language: 'en', output });
    const doc = await PDFDocument.load(await readFile(output));
    expect(doc.getTitle()).toContain('Boulangerie Martin & Fils');
  });

  it('preview refuses a language the template does not have', async () => {
    const r = await runCli(['template', 'preview', '--name', 'courtesy', '--language', 'it']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--language: email template "courtesy" has no "it" \(has: de, en, es, fr\)/);
  });
});
