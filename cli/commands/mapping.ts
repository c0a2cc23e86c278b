/**
 * `relance mapping preview`: maps raw provider records to canonical records with the default mapping
 * (and an override file, when given), without touching the store. See the help text for the exits.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidInput } from '../../core/errors.ts';
import type { MappingOverride } from '../../core/mapping/index.ts';
import {
  PROVIDERS,
  compileMapping,
  extractRecords,
  mapWith,
  mappingNames,
  parseOverride,
  resolveMappingName,
} from '../../core/mapping/index.ts';

interface PreviewOptions {
  provider: string;
  entity: string;
  input: string;
  mapping?: string;
  homeCurrency?: string;
  allowRejected?: boolean;
}

const HELP = `
Input: a provider response body as the API returns it (QuickBooks {"QueryResponse":{"Invoice":[…]}} or a
CDC body, Xero {"Invoices":[…]}, HubSpot {"results":[…]}), a JSON array of raw records, or one raw
record, bare or wrapped ({"Invoice":{…}}). "-" reads standard input.

Entities: ${PROVIDERS.map((p) => `${p}: ${mappingNames(p).join(', ')}`).join('; ')}.

--mapping FILE: a per-connection override {"fields": {"language": {"path": "CustomField[Name=Language].StringValue"}}}
(or a whole mapping file) merged field by field over the default mapping, validated the same way.

Output: a JSON array of canonical records on stdout (FORMATS.md), always complete JSON, even when some
records are rejected. Each rejected record is one line on stderr:
  relance: rejected invoice 1877: dueDate: missing (DueDate)

Exit status: 0 when every record mapped; 1 when any record was rejected (the others are still printed,
so a script sees the gap; --allow-rejected makes that 0); 1 with one line on stderr and nothing on
stdout for an unknown provider or entity, an unreadable file, invalid JSON (with line and column) or an
invalid mapping file; 2 for a usage error.`;

export function registerMapping(program: Command): void {
  const mapping = program.command('mapping').description('preview field mappings from provider records to canonical records');
  mapping
    .command('preview')
    .description('map raw provider records to canonical JSON records on stdout')
    .requiredOption('--provider <provider>', `provider (${PROVIDERS.join(', ')})`)
    .requiredOption('--entity <entity>', 'what the records are (invoice, payment, creditNote, customer, contact, company, overpayment, prepayment)')
    .requiredOption('--input <file>', 'raw records: a response body, an array or one record ("-" for stdin)')
    .option('--mapping <file>', 'override file merged over the default mapping')
    .option('--home-currency <code>', "the company's home currency, for records without one (QuickBooks single-currency)")
    .option('--allow-rejected', 'exit 0 even when some records were rejected')
    .addHelpText('after', HELP)
    .action(async (options: PreviewOptions) => {
      process.exitCode = await preview(options);
    });
}

async function preview(options: PreviewOptions): Promise<number> {
  const { provider, name } = resolveMappingName(options.provider, options.entity);
  const overrides: MappingOverride | null = options.mapping
    ? parseOverride(await readJsonFile(options.mapping, 'mapping'), options.mapping)
    : null;
  const compiled = compileMapping(provider, name, { overrides, overridesSource: options.mapping });
  const home = options.homeCurrency?.trim().toUpperCase() ?? null;
  const body = await readJsonFile(options.input, 'input');
  const { records, rejected } = mapWith(compiled, extractRecords(body, compiled), { homeCurrency: home });
  process.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
  for (const r of rejected) process.stderr.write(`relance: rejected ${r.message}\n`);
  if (records.length === 0 && rejected.length === 0) {
    process.stderr.write(`relance: no ${name} records found in ${options.input}\n`);
  }
  return rejected.length > 0 && !options.allowRejected ? 1 : 0;
}

/** Reads and parses a JSON file; errors name the file and, for bad JSON, the line and column. */
async function readJsonFile(file: string, field: string): Promise<unknown> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new InvalidInput(`${field} ${file}: cannot read: ${why}`, { field });
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const message = (e as Error).message;
    const at = /at position (\d+)/.exec(message);
    const { line, column } = lineAndColumn(text, at ? Number(at[1]) : text.length);
    const what = message.replace(/ in JSON at position \d+.*$/, '').replace(/ of JSON input$/, '');
    throw new InvalidInput(`${field} ${file}: invalid JSON at line ${line} column ${column}: ${what}`, { field, line, column });
  }
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
