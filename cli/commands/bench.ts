/**
 * `relance bench <name> [--json]`: one subcommand per benchmark, each printing the FORMATS.md bench
 * object with `--json`, a readable line otherwise. Add a benchmark by adding an entry to BENCHES.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { InvalidInput } from '../../core/errors.ts';
import { runIngestBench, type BenchResult } from '../../bench/ingest.ts';
import { runGeneratorBench } from '../../bench/generator.ts';
import { runSyncBench } from '../../bench/sync.ts';
import { runHubSpotSyncBench } from '../../bench/sync-hubspot.ts';
import { XERO_BENCH_DEFAULT_INVOICES, runXeroSyncBench } from '../../bench/sync-xero.ts';
import { runScenariosBench } from '../../bench/scenarios.ts';
import { runSendBench } from '../../bench/send.ts';
import { runChangeToStopBench } from '../../bench/change-to-stop.ts';

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

interface BenchDefinition {
  name: string;
  description: string;
  /** Adds the benchmark's own options to its subcommand. */
  options(cmd: Command): Command;
  run(opts: Record<string, unknown>): Promise<BenchResult>;
}

const recordsOption = z.coerce
  .number()
  .int()
  .min(1)
  .max(10_000_000);

/** A count option; the error names the option the user typed (`--invoices`, `--records`, `--messages`). */
function parseCount(value: unknown, option: string): number {
  const parsed = recordsOption.safeParse(value);
  if (!parsed.success) {
    throw new InvalidInput(`--${option}: "${String(value)}" is not a whole number between 1 and 10000000`, { field: option });
  }
  return parsed.data;
}

/** A sandbox size: the generator makes 10 to 1,000,000 invoices per ledger. */
function sandboxInvoices(value: unknown): number {
  const invoices = Number(value);
  if (!Number.isInteger(invoices) || invoices < 10 || invoices > 1_000_000) {
    throw new InvalidInput(`--invoices: "${String(value)}" is not a whole number between 10 and 1000000`, { field: 'invoices' });
  }
  return invoices;
}

/** Where a store benchmark makes its scratch database, and where its progress lines go. */
function scratchRun(): { serverUrl: string; progress: (line: string) => void } {
  return { serverUrl: process.env.DATABASE_URL ?? DEFAULT_SERVER, progress: (line) => process.stderr.write(line + '\n') };
}

const BENCHES: BenchDefinition[] = [
  {
    name: 'scenarios',
    description: 'the daily dunning run over N open invoices of N/10 customers in a scratch PostgreSQL database; time and peak memory',
    options: (cmd) => cmd.option('--invoices <n>', 'open invoices', '1000000')
      .option('--workers <n>', 'worker processes sharing the run (1: the run in this process)', '1'),
    run: (opts) =>
      runScenariosBench({
        invoices: parseCount(opts.invoices, 'invoices'),
        workers: Math.min(parseCount(opts.workers, 'workers'), 16),
        ...scratchRun(),
      }),
  },
  {
    name: 'send',
    description:
      'render and send N reminders through the real send path (claim, render, SmtpChannel, mark sent) to a local SMTP server, ' +
      'against nodemailer alone sending as many pre-rendered messages (scratch database on DATABASE_URL\'s server, or the local PostgreSQL)',
    options: (cmd) => cmd.option('--messages <n>', 'reminders to send', '10000'),
    run: (opts) =>
      runSendBench({
        messages: parseCount(opts.messages, 'messages'),
        ...scratchRun(),
      }),
  },
  {
    name: 'generator',
    description: 'make the sandbox world for N invoices per ledger (two ledgers and the CRM), against 10 s per 100,000',
    options: (cmd) => cmd.option('--invoices <n>', 'invoices per ledger', '100000'),
    run: async (opts) => {
      return runGeneratorBench({ invoices: sandboxInvoices(opts.invoices) });
    },
  },
  {
    name: 'ingest',
    description:
      'upsert N invoices through the store repository in pages of 1000, against a COPY of the same rows ' +
      '(scratch database on DATABASE_URL\'s server, or on the local PostgreSQL)',
    options: (cmd) => cmd.option('--records <n>', 'invoices to ingest', '200000'),
    run: (opts) =>
      runIngestBench({
        records: parseCount(opts.records, 'records'),
        ...scratchRun(),
      }),
  },
  {
    name: 'sync',
    description: 'full sync of a sandbox company under its real rate limit, against the least time that limit allows for the calls made',
    // No commander default for --invoices: Xero's 60 calls a minute wants a smaller default than the others.
    options: (cmd) => cmd.option('--provider <name>', 'the provider (quickbooks, hubspot, xero)', 'quickbooks')
      .option('--invoices <n>', `invoices in the sandbox company (default 100000; xero ${XERO_BENCH_DEFAULT_INVOICES})`),
    run: (opts) => {
      opts.invoices ??= opts.provider === 'xero' ? String(XERO_BENCH_DEFAULT_INVOICES) : '100000';
      if (opts.provider === 'xero') {
        return runXeroSyncBench({ invoices: parseCount(opts.invoices, 'invoices'), ...scratchRun() });
      }
      if (opts.provider === 'hubspot') return runHubSpotSyncBench({ invoices: sandboxInvoices(opts.invoices), ...scratchRun() });
      if (opts.provider !== 'quickbooks') throw new InvalidInput(`--provider: "${String(opts.provider)}" has no sync bench yet (quickbooks, hubspot, xero)`, { field: 'provider' });
      return runSyncBench({ provider: 'quickbooks', invoices: sandboxInvoices(opts.invoices), ...scratchRun() });
    },
  },
  {
    name: 'change-to-stop',
    description:
      'payments recorded at the sandbox (its own process, limits on) at QuickBooks and Xero, their signed webhooks delivered to the server: ' +
      'time until the pending reminder is cancelled, p50/p99 against 2 s (scratch database on DATABASE_URL\'s server, or the local PostgreSQL)',
    options: (cmd) => cmd.option('--trials <n>', 'payments, alternately at QuickBooks and Xero', '100')
      .option('--invoices <n>', 'invoices per ledger in the sandbox world', '3000'),
    run: (opts) => runChangeToStopBench({ trials: parseCount(opts.trials, 'trials'), invoices: sandboxInvoices(opts.invoices), ...scratchRun() }),
  },
];

/** The readable form: figures, limit and ratio on one line. */
export function describeBench(r: BenchResult): string {
  const f = r.figures;
  return (
    `${r.bench}: ${f.records} records in ${f.seconds.toFixed(2)} s (${f.recordsPerSecond} records/s); ` +
    `ratio ${r.ratio.toFixed(3)} to the limit (${r.limit}, ${r.higherIsBetter ? 'higher' : 'lower'} is better)` +
    extraFigures(f as Record<string, unknown>)
  );
}

/** Latency quantiles and CPU seconds, for the benches that report them. */
function extraFigures(f: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof f.p50Seconds === 'number') parts.push(`p50 ${f.p50Seconds} s, p99 ${String(f.p99Seconds)} s`);
  if (typeof f.pendingOrSentForPaid === 'number') parts.push(`${f.pendingOrSentForPaid} reminders pending or sent for a paid invoice`);
  for (const key of Object.keys(f).filter((k) => k.startsWith('cpuSeconds'))) parts.push(`${key} ${String(f[key])}`);
  if (Array.isArray(f.loadAverage)) parts.push(`load ${f.loadAverage.join(' ')}`);
  return parts.length > 0 ? `; ${parts.join('; ')}` : '';
}

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('benchmarks: each prints its figures and the ratio to its limit');
  for (const def of BENCHES) {
    const sub = bench.command(def.name).description(def.description).option('--json', 'print the bench object as JSON');
    def.options(sub).exitOverride();
    sub.action(async (opts: Record<string, unknown>) => {
      const result = await def.run(opts);
      process.stdout.write(opts.json ? JSON.stringify(result, null, 2) + '\n' : describeBench(result) + '\n');
    });
  }
}
