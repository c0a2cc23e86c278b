/**
 * The generator benchmark: time to make the sandbox world for N invoices per ledger (two ledgers
 * and the CRM). The limit is the target of issue 3: 100,000 invoices well under 10 s, scaled
 * linearly for other sizes. CPU seconds are shown next to wall seconds because the machines these
 * runs share are often loaded, and wall time then says more about the neighbours than the code.
 */
import { generateWorld } from '../sandbox/generator/index.ts';
import type { BenchResult } from './ingest.ts';

export const LIMIT_SECONDS_PER_100K = 10;
export const LIMIT = `${LIMIT_SECONDS_PER_100K} s per 100,000 invoices per ledger (issue 3)`;

export interface GeneratorBenchOptions {
  invoices: number;
  seed?: number;
  asOf?: string;
}

export interface GeneratorBenchResult extends BenchResult {
  figures: BenchResult['figures'] & { cpuSeconds: number; customers: number; payments: number; creditNotes: number; companies: number };
}

/** Runs the benchmark and returns the FORMATS.md bench object (`records`: invoices per ledger). */
export function runGeneratorBench(options: GeneratorBenchOptions): GeneratorBenchResult {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const world = generateWorld({ seed: options.seed ?? 1, invoices: options.invoices, asOf: options.asOf ?? '2026-03-01' });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const limitSeconds = (LIMIT_SECONDS_PER_100K * options.invoices) / 100_000;
  return {
    bench: 'generator',
    figures: {
      records: options.invoices,
      seconds: round3(seconds),
      recordsPerSecond: Math.round(options.invoices / seconds),
      cpuSeconds: round3((cpu.user + cpu.system) / 1e6),
      customers: world.quickbooks.customers.length + world.xero.customers.length,
      payments: world.quickbooks.payments.length + world.xero.payments.length,
      creditNotes: world.quickbooks.creditNotes.length + world.xero.creditNotes.length,
      companies: world.hubspot.companies.length,
    },
    limit: LIMIT,
    ratio: round3(limitSeconds / seconds),
    higherIsBetter: true,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
