/** Readable terminal tables for the reports (the `--json` output is the contract; this is for people). */
import { formatMinor } from '../money.ts';
import { AGING_BUCKETS, type AgingReport } from './aging.ts';
import { formatTenths, type DsoReport } from './dso.ts';

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  // First column left-aligned (names), figures right-aligned.
  return rows
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '))
    .join('\n');
}

export function agingTable(report: AgingReport): string {
  const money = (v: bigint): string => formatMinor(v, report.currency);
  const header = ['customer', ...AGING_BUCKETS, 'total', 'disputed'];
  const rows = report.byCustomer.map((c) => [
    c.customerName === c.customerExternalId ? c.customerName : `${c.customerName} (${c.customerExternalId})`, ...AGING_BUCKETS.map((b) => money(c.buckets[b])), money(c.total), money(c.disputed),
  ]);
  const total = ['TOTAL', ...AGING_BUCKETS.map((b) => money(report.buckets[b])), money(report.total), money(report.disputed)];
  return `Aged balance as of ${report.asOf} (${report.currency})\n${table([header, ...rows, total])}\n`;
}

export function dsoTable(report: DsoReport): string {
  const money = (v: bigint): string => `${formatMinor(v, report.currency)} ${report.currency}`;
  return (
    `DSO as of ${report.asOf} (${report.currency}, ${report.periodDays}-day period)\n` +
    table([
      ['receivables at period end', money(report.receivables)],
      ['credit sales of the period', money(report.creditSales)],
      ['DSO (days)', report.dsoTenths === null ? 'n/a (no credit sales)' : formatTenths(report.dsoTenths)],
    ]) +
    '\n'
  );
}
