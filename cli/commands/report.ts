/**
 * `relance report aging|dso|forecast|figures|activity` from a ledger file (`--input`) or from the
 * store (an organization, or a group consolidated into its currency). Definitions: core/reports/README.md.
 */
import type { Command } from 'commander';
import { sql } from 'drizzle-orm';
import { todayIn, type IsoDate } from '../../core/calendar/index.ts';
import { InvalidInput } from '../../core/errors.ts';
import { readLedgerFile, type CustomerLedger, type Organization } from '../../core/ledger/index.ts';
import {
  DEFAULT_DSO_PERIOD_DAYS, agedBalances, agingTable, agingToJson, collectionFigures, dsoReports, dsoTable, dsoToJson, forecast,
  forecastToJson, formatTenths, reportCurrencies,
} from '../../core/reports/index.ts';
import { activityFigures, loadGroupLedgers, loadOrganization, loadOrganizationLedgers } from '../../core/reports/store/index.ts';
import { formatMinor } from '../../core/money.ts';
import type { Executor } from '../../core/store/index.ts';
import { openRuntime } from '../runtime.ts';
import { parseAsOf } from './simulate.ts';

const REPORTS = ['aging', 'dso', 'forecast', 'figures', 'activity'] as const;
type ReportName = (typeof REPORTS)[number];

interface ReportOptions {
  input?: string;
  asOf?: string;
  periodDays: string;
  weeks: string;
  organization?: string;
  group?: string;
  rate: string[];
  json?: boolean;
}

function parseCount(value: string, field: string, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new InvalidInput(`--${field}: "${value}" is not a number between 1 and ${max}`, { field });
  }
  return Number(value);
}

/** `--rate USD=0.92` (units of the group currency per unit of USD), repeatable. */
function parseRates(values: readonly string[]): Record<string, string> {
  const rates: Record<string, string> = {};
  for (const v of values) {
    const m = /^([A-Z]{3})=(\d+(?:\.\d+)?)$/.exec(v);
    if (!m) throw new InvalidInput(`--rate: "${v}" is not CUR=RATE (e.g. USD=0.92)`, { field: 'rate' });
    rates[m[1]!] = m[2]!;
  }
  return rates;
}

interface Loaded {
  organization: Organization;
  customers: CustomerLedger[];
  organizationId: string | null;
}

async function singleOrganizationId(db: Executor): Promise<string> {
  const { rows } = await db.execute<{ id: string }>(sql`SELECT id FROM organizations ORDER BY created_at LIMIT 2`);
  if (rows.length !== 1) {
    throw new InvalidInput(
      rows.length === 0 ? 'report: the store has no organization yet; pass --input FILE (a ledger file)' : 'report: several organizations; pass --organization ID or --group ID',
      { field: 'organization' },
    );
  }
  return rows[0]!.id;
}

async function loadFromStore(db: Executor, opts: ReportOptions, asOf: () => Promise<IsoDate>): Promise<Loaded> {
  if (opts.group) {
    const g = await loadGroupLedgers(db, opts.group, await asOf(), parseRates(opts.rate));
    return { organization: g.organization, customers: g.customers, organizationId: null };
  }
  const id = opts.organization ?? (await singleOrganizationId(db));
  const organization = await loadOrganization(db, id);
  return { organization, customers: await loadOrganizationLedgers(db, id), organizationId: id };
}

function figuresJson(customers: CustomerLedger[], organization: Organization, asOf: IsoDate, periodDays: number): Record<string, unknown>[] {
  const tenths = (v: bigint | null) => (v === null ? null : formatTenths(v));
  return reportCurrencies(customers, organization).map((currency) => {
    const f = collectionFigures(customers, currency, asOf, periodDays);
    const money = (v: bigint) => formatMinor(v, currency);
    return {
      asOf, currency, periodDays,
      beginningReceivables: money(f.beginningReceivables), endingReceivables: money(f.endingReceivables),
      endingCurrent: money(f.endingCurrent), creditSales: money(f.creditSales),
      overdueRate: tenths(f.overdueRateTenths), cei: tenths(f.ceiTenths), dso: tenths(f.dsoTenths),
      countbackDso: tenths(f.countbackDsoTenths), bestPossibleDso: tenths(f.bestPossibleDsoTenths), averageDaysDelinquent: tenths(f.addTenths),
    };
  });
}

function render(name: ReportName, loaded: Loaded, asOf: IsoDate, opts: ReportOptions): string {
  const { customers, organization } = loaded;
  const periodDays = parseCount(opts.periodDays, 'period-days', 3660);
  if (name === 'aging') {
    const reports = agedBalances(customers, organization, asOf);
    return opts.json ? JSON.stringify(agingToJson(reports), null, 2) + '\n' : reports.map(agingTable).join('\n');
  }
  if (name === 'dso') {
    const reports = dsoReports(customers, organization, asOf, periodDays);
    return opts.json ? JSON.stringify(dsoToJson(reports), null, 2) + '\n' : reports.map(dsoTable).join('\n');
  }
  const [main, ...others] =
    name === 'forecast'
      ? reportCurrencies(customers, organization).map((c) => forecastToJson(forecast(customers, c, asOf, parseCount(opts.weeks, 'weeks', 104))))
      : figuresJson(customers, organization, asOf, periodDays);
  // Tables for people are JSON too for these: every figure is named, one per line.
  return JSON.stringify({ ...main, otherCurrencies: others }, null, 2) + '\n';
}

async function runReport(name: string, opts: ReportOptions): Promise<void> {
  if (!(REPORTS as readonly string[]).includes(name)) {
    throw new InvalidInput(`report: unknown report "${name}" (expected ${REPORTS.join(', ')})`, { field: 'report' });
  }
  const report = name as ReportName;
  const asOfOption = opts.asOf === undefined ? undefined : parseAsOf(opts.asOf);
  parseCount(opts.periodDays, 'period-days', 3660);
  if (opts.input !== undefined) {
    if (report === 'activity') throw new InvalidInput('report activity: needs the store (reminders, promises, disputes); drop --input', { field: 'input' });
    const ledger = await readLedgerFile(opts.input);
    const asOf = asOfOption ?? todayIn(ledger.organization.timezone);
    process.stdout.write(render(report, { organization: ledger.organization, customers: [...ledger.customers], organizationId: null }, asOf, opts));
    return;
  }
  const runtime = await openRuntime({ migrate: false });
  try {
    const db = runtime.store.db;
    let tz: string | null = null;
    const asOf = async () => asOfOption ?? todayIn(tz);
    const loaded = await loadFromStore(db, opts, asOf);
    tz = loaded.organization.timezone;
    if (report === 'activity') {
      if (!loaded.organizationId) throw new InvalidInput('report activity: per organization; pass --organization ID', { field: 'organization' });
      const figures = await activityFigures(db, loaded.organizationId, await asOf(), parseCount(opts.periodDays, 'period-days', 3660));
      process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
    } else {
      process.stdout.write(render(report, loaded, await asOf(), opts));
    }
  } finally {
    await runtime.store.close();
  }
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('the figures a credit manager reads, from the store or a ledger file (definitions: core/reports/README.md)')
    .argument('<report>', `one of: ${REPORTS.join(', ')}`)
    .option('--input <file>', 'ledger file (JSON, see FORMATS.md); without it, the store')
    .option('--as-of <date>', "the day of the report, YYYY-MM-DD (default: today in the organization's time zone)")
    .option('--period-days <n>', 'dso, figures, activity: days in the period', String(DEFAULT_DSO_PERIOD_DAYS))
    .option('--weeks <n>', 'forecast: weeks ahead', '8')
    .option('--organization <id>', 'store: the organization (default: the only one)')
    .option('--group <id>', 'store: a group, consolidated into its reporting currency')
    .option('--rate <CUR=RATE>', 'group: a rate into the group currency (repeatable; overrides stored rates)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--json', 'print JSON (FORMATS.md) instead of a table')
    .action(runReport);
}
