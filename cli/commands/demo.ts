import type { Command } from 'commander';
import { todayIn } from '../../core/calendar/index.ts';
import { InvalidInput } from '../../core/errors.ts';
import { runDemo, type DemoSummary } from '../demo/run-demo.ts';
import { openRuntime } from '../runtime.ts';

interface DemoFlags {
  json?: boolean;
  seed: string;
  invoices: string;
  asOf?: string;
}

function wholeNumber(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new InvalidInput(`--${flag}: expected a whole number from ${min} to ${max}, got "${value}"`, { field: flag });
  }
  return n;
}

function printSummary(s: DemoSummary): string {
  const lines = ['', 'Relance demo — done', ''];
  for (const [provider, counts] of Object.entries(s.synced)) {
    const parts = Object.entries(counts).map(([entity, n]) => `${n} ${entity}`);
    lines.push(`  synced ${provider.padEnd(10)} ${parts.length ? parts.join(', ') : '—'}`);
  }
  lines.push(`  reminders: ${s.actions.sent} sent, ${s.actions.planned} planned, ${s.actions.awaitingApproval} awaiting approval`);
  for (const [step, n] of Object.entries(s.actions.byStep).sort()) lines.push(`    ${step.padEnd(24)} ${n}`);
  lines.push(`  emails caught by the local mail server: ${s.emailsCaught}`);
  lines.push(`  written back: ${Object.entries(s.writtenBack).map(([p, n]) => `${p} ${n}`).join(', ')}`);
  if (s.reports.dso !== null) lines.push(`  DSO: ${s.reports.dso} days`);
  for (const note of s.notes) lines.push(`  note: ${note}`);
  return lines.join('\n') + '\n';
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the whole product once against local provider simulators and print a summary')
    .option('--json', 'print the summary as JSON (FORMATS.md)')
    .option('--seed <n>', 'seed of the simulated companies', '42')
    .option('--invoices <n>', 'invoices per simulated ledger (10 to 100000)', '300')
    .option('--as-of <date>', 'the day the demo runs on (YYYY-MM-DD; default today)')
    .action(async (flags: DemoFlags) => {
      const seed = wholeNumber(flags.seed, 'seed', 0, 2 ** 31 - 1);
      const invoices = wholeNumber(flags.invoices, 'invoices', 10, 100_000);
      if (flags.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(flags.asOf)) {
        throw new InvalidInput(`--as-of: expected a date YYYY-MM-DD, got "${flags.asOf}"`, { field: 'as-of' });
      }
      const asOf = flags.asOf ?? todayIn('UTC');
      const rt = await openRuntime({ migrate: true });
      try {
        const say = flags.json ? () => {} : (line: string) => process.stderr.write(line + '\n');
        const summary = await runDemo(rt, { seed, invoices, asOf, say });
        process.stdout.write(flags.json ? JSON.stringify(summary, null, 2) + '\n' : printSummary(summary));
      } finally {
        await rt.store.close();
      }
    });
}
