/**
 * `relance demo [--json] [--serve | --no-serve]`: runs the whole product once against the local
 * simulators and prints a summary; then, in a terminal (or with --serve), keeps serving the
 * console, the portal, the simulators and the mail catcher until Ctrl-C.
 */
import type { Command } from 'commander';
import { todayIn } from '../../core/calendar/index.ts';
import { InvalidInput } from '../../core/errors.ts';

interface DemoFlags {
  json?: boolean;
  /** Unset: serve when stdin and stdout are terminals. */
  serve?: boolean;
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

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the whole product once against local provider simulators and print a summary')
    .option('--json', 'print the summary as JSON (FORMATS.md)')
    .option('--seed <n>', 'seed of the simulated companies', '42')
    .option('--invoices <n>', 'invoices per simulated ledger (10 to 100000)', '300')
    .option('--as-of <date>', 'the day the demo runs on (YYYY-MM-DD; default today)')
    .option('--serve', 'keep serving the console, portal, simulators and mail catcher until Ctrl-C (default in a terminal)')
    .option('--no-serve', 'exit after the summary (default when not in a terminal)')
    .action(async (flags: DemoFlags) => {
      const seed = wholeNumber(flags.seed, 'seed', 0, 2 ** 31 - 1);
      const invoices = wholeNumber(flags.invoices, 'invoices', 10, 100_000);
      if (flags.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(flags.asOf)) {
        throw new InvalidInput(`--as-of: expected a date YYYY-MM-DD, got "${flags.asOf}"`, { field: 'as-of' });
      }
      const serve = flags.serve ?? Boolean(process.stdin.isTTY && process.stdout.isTTY);
      // Loaded once the flags are good: a bad flag answers before the simulators and connectors load.
      const { demoSession } = await import('../demo/session.ts');
      await demoSession({ seed, invoices, asOf: flags.asOf ?? todayIn('UTC'), serve, json: flags.json ?? false });
    });
}
