/** `relance report aging|dso [--input FILE] [--as-of DATE] [--period-days N] [--json]`. */
import type { Command } from 'commander';
import { todayIn } from '../../core/calendar/index.ts';
import { ConfigError, InvalidInput } from '../../core/errors.ts';
import { readLedgerFile } from '../../core/ledger/index.ts';
import {
  DEFAULT_DSO_PERIOD_DAYS, agedBalances, agingTable, agingToJson, dsoReports, dsoTable, dsoToJson,
} from '../../core/reports/index.ts';
import { parseAsOf } from './simulate.ts';

const REPORTS = ['aging', 'dso'] as const;
type ReportName = (typeof REPORTS)[number];

interface ReportOptions {
  input?: string;
  asOf?: string;
  periodDays: string;
  json?: boolean;
}

function parsePeriodDays(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 3660) {
    throw new InvalidInput(`--period-days: "${value}" is not a number of days between 1 and 3660`, { field: 'period-days' });
  }
  return Number(value);
}

async function runReport(name: string, opts: ReportOptions): Promise<void> {
  if (!(REPORTS as readonly string[]).includes(name)) {
    throw new InvalidInput(`report: unknown report "${name}" (expected ${REPORTS.join(' or ')})`, { field: 'report' });
  }
  const periodDays = parsePeriodDays(opts.periodDays);
  const asOfOption = opts.asOf === undefined ? undefined : parseAsOf(opts.asOf);
  if (opts.input === undefined) {
    // The store is not wired into the reports yet: say so rather than print figures from nowhere.
    throw new ConfigError('report: reading from the store is not available yet; pass --input FILE (a ledger file)');
  }
  const ledger = await readLedgerFile(opts.input);
  const asOf = asOfOption ?? todayIn(ledger.organization.timezone);
  let out: string;
  if ((name as ReportName) === 'aging') {
    const reports = agedBalances(ledger.customers, ledger.organization, asOf);
    out = opts.json ? JSON.stringify(agingToJson(reports), null, 2) + '\n' : reports.map(agingTable).join('\n');
  } else {
    const reports = dsoReports(ledger.customers, ledger.organization, asOf, periodDays);
    out = opts.json ? JSON.stringify(dsoToJson(reports), null, 2) + '\n' : reports.map(dsoTable).join('\n');
  }
  process.stdout.write(out);
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('the figures a credit manager reads: aging (aged balance) or dso, from a ledger file')
    .argument('<report>', `one of: ${REPORTS.join(', ')}`)
    .option('--input <file>', 'ledger file (JSON, see FORMATS.md); without it, the store')
    .option('--as-of <date>', "the day of the report, YYYY-MM-DD (default: today in the organization's time zone)")
    .option('--period-days <n>', 'dso: days in the period', String(DEFAULT_DSO_PERIOD_DAYS))
    .option('--json', 'print JSON (FORMATS.md) instead of a table')
    .action(runReport);
}
