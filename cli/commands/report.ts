/**
 * `relance report aging|dso|forecast|figures|activity` from a ledger file (`--input`) or from the
 * store (an organization, or a group consolidated into its currency). Definitions: core/reports/README.md.
 * `relance report send-weekly` emails an organization's weekly report now, to try a schedule.
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { sql } from 'drizzle-orm';
import { todayIn, type IsoDate } from '../../core/calendar/index.ts';
import { InvalidInput } from '../../core/errors.ts';
import { readLedgerFile, type CustomerLedger, type Organization } from '../../core/ledger/index.ts';
import { DEFAULT_DSO_PERIOD_DAYS, agedBalances, agingTable, dsoReports, dsoTable, ledgerReportJson } from '../../core/reports/index.ts';
import { activityFigures, loadGroupLedgers, loadOrganization, loadOrganizationLedgers, parseRates } from '../../core/reports/store/index.ts';
import { REPORT_LANGUAGES, deliverWeeklyReport, getReportSchedule, type ReportLanguage } from '../../core/reports/weekly/index.ts';
import { channelsFromConfig } from '../../core/sending/channels-from-config.ts';
import type { Executor } from '../../core/store/index.ts';
import { openRuntime } from '../runtime.ts';
import { parseAsOf } from './simulate.ts';

const REPORTS = ['aging', 'dso', 'forecast', 'figures', 'activity'] as const;
type ReportName = (typeof REPORTS)[number];
type FileReport = Exclude<ReportName, 'activity'>;

interface ReportOptions {
  input?: string;
  asOf?: string;
  periodDays: string;
  weeks: string;
  organization?: string;
  group?: string;
  rate: string[];
  to: string[];
  language?: string;
  json?: boolean;
}

function parseCount(value: string, field: string, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new InvalidInput(`--${field}: "${value}" is not a number between 1 and ${max}`, { field });
  }
  return Number(value);
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
      rows.length === 0 ? 'report: the store has no organization yet; pass --input FILE (a ledger file)' : 'report: several organizations; pass --organization ID (`relance org list` shows them) or --group ID',
      { field: 'organization' },
    );
  }
  return rows[0]!.id;
}

async function loadFromStore(db: Executor, opts: ReportOptions, asOf: () => Promise<IsoDate>): Promise<Loaded> {
  if (opts.group) {
    const g = await loadGroupLedgers(db, opts.group, await asOf(), parseRates(opts.rate, '--rate'));
    return { organization: g.organization, customers: g.customers, organizationId: null };
  }
  const id = opts.organization ?? (await singleOrganizationId(db));
  const organization = await loadOrganization(db, id);
  return { organization, customers: await loadOrganizationLedgers(db, id), organizationId: id };
}

function render(name: FileReport, loaded: Loaded, asOf: IsoDate, opts: ReportOptions): string {
  const { customers, organization } = loaded;
  const periodDays = parseCount(opts.periodDays, 'period-days', 3660);
  if (!opts.json && name === 'aging') return agedBalances(customers, organization, asOf).map(agingTable).join('\n');
  if (!opts.json && name === 'dso') return dsoReports(customers, organization, asOf, periodDays).map(dsoTable).join('\n');
  const weeks = name === 'forecast' ? parseCount(opts.weeks, 'weeks', 104) : undefined;
  // Tables for people are JSON too for forecast and figures: every figure is named, one per line.
  return JSON.stringify(ledgerReportJson(name, customers, organization, { asOf, periodDays, weeks }), null, 2) + '\n';
}

function parseLanguage(value: string | undefined): ReportLanguage | undefined {
  if (value === undefined || (REPORT_LANGUAGES as readonly string[]).includes(value)) return value as ReportLanguage | undefined;
  throw new InvalidInput(`--language: "${value}" is not one of ${REPORT_LANGUAGES.join(', ')}`, { field: 'language' });
}

/**
 * The weekly report of one organization, sent now through the configured SMTP server: to `--to`
 * or the schedule's recipients, in `--language` or the schedule's. Not recorded as the week's
 * send: the schedule still sends on its day.
 */
async function sendWeeklyNow(opts: ReportOptions, asOfOption: IsoDate | undefined): Promise<void> {
  const language = parseLanguage(opts.language);
  const runtime = await openRuntime({ migrate: false });
  const { channels, close } = channelsFromConfig(runtime.config);
  try {
    const db = runtime.store.db;
    const organizationId = opts.organization ?? (await singleOrganizationId(db));
    const organization = await loadOrganization(db, organizationId);
    const schedule = await getReportSchedule(db, organizationId);
    const recipients = opts.to.length ? opts.to : (schedule?.recipients ?? []);
    if (!recipients.length) throw new InvalidInput('report send-weekly: no recipient; pass --to EMAIL or set a schedule', { field: 'to' });
    if (!channels.email) throw new InvalidInput('report send-weekly: no email channel configured (set RELANCE_SMTP_URL and RELANCE_MAIL_FROM)', { field: 'RELANCE_SMTP_URL' });
    const asOf = asOfOption ?? todayIn(organization.timezone);
    const chosen = language ?? schedule?.language ?? REPORT_LANGUAGES.find((l) => organization.language?.toLowerCase().startsWith(l)) ?? 'en';
    const delivery = await deliverWeeklyReport(db, channels.email, { organizationId, recipients, language: chosen, asOf, key: `report:${organizationId}:now:${randomUUID()}` });
    const failed = delivery.failures.map((f) => ({ to: f.to, error: f.error instanceof Error ? f.error.message : String(f.error) }));
    const summary = { organizationId, asOf, language: chosen, sent: delivery.delivered, failed };
    process.stdout.write(opts.json ? JSON.stringify(summary, null, 2) + '\n' : delivery.delivered.map((d) => `sent to ${d.to} ${d.messageId}\n`).join(''));
    if (failed.length) throw new InvalidInput(`report send-weekly: not sent to ${failed.map((f) => `${f.to} (${f.error})`).join(', ')}`, { field: 'to' });
  } finally {
    await close();
    await runtime.store.close();
  }
}

async function runReport(name: string, opts: ReportOptions): Promise<void> {
  if (!(REPORTS as readonly string[]).includes(name) && name !== 'send-weekly') {
    throw new InvalidInput(`report: unknown report "${name}" (expected ${REPORTS.join(', ')})`, { field: 'report' });
  }
  const asOfOption = opts.asOf === undefined ? undefined : parseAsOf(opts.asOf);
  if (name === 'send-weekly') return sendWeeklyNow(opts, asOfOption);
  const report = name as ReportName;
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
    .argument('<report>', `one of: ${REPORTS.join(', ')}; or send-weekly (email the weekly report now)`)
    .option('--input <file>', 'ledger file (JSON, see FORMATS.md); without it, the store')
    .option('--as-of <date>', "the day of the report, YYYY-MM-DD (default: today in the organization's time zone)")
    .option('--period-days <n>', 'dso, figures, activity: days in the period', String(DEFAULT_DSO_PERIOD_DAYS))
    .option('--weeks <n>', 'forecast: weeks ahead', '8')
    .option('--organization <id>', 'store: the organization (default: the only one)')
    .option('--group <id>', 'store: a group, consolidated into its reporting currency')
    .option('--rate <CUR=RATE>', 'group: a rate into the group currency (repeatable; overrides stored rates)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--to <email>', 'send-weekly: a recipient (repeatable; default: the schedule\'s)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--language <fr|en>', "send-weekly: the report's language (default: the schedule's)")
    .option('--json', 'print JSON (FORMATS.md) instead of a table')
    .action(runReport);
}
