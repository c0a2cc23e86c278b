/** `relance simulate --input FILE --as-of DATE`: dry run of the dunning engine over a ledger file. */
import type { Command } from 'commander';
import { isIsoDate } from '../../core/calendar/index.ts';
import { simulate, simulationToJson } from '../../core/dunning/index.ts';
import { InvalidInput } from '../../core/errors.ts';
import { readLedgerFile } from '../../core/ledger/index.ts';
import { LEDGER_DATE_RANGE } from '../../core/ledger/schema.ts';

interface SimulateOptions {
  input: string;
  asOf: string;
}

/** Checks a `--as-of` value; the message names the option. */
export function parseAsOf(value: string): string {
  if (!isIsoDate(value)) throw new InvalidInput(`--as-of: "${value}" is not a date written YYYY-MM-DD`, { field: 'as-of' });
  if (value < LEDGER_DATE_RANGE.from || value > LEDGER_DATE_RANGE.to) {
    throw new InvalidInput(`--as-of: "${value}" is not a date from ${LEDGER_DATE_RANGE.from} to ${LEDGER_DATE_RANGE.to}`, { field: 'as-of' });
  }
  return value;
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('dry run of the dunning engine over a ledger file; prints the actions and fees as JSON')
    .requiredOption('--input <file>', 'ledger file (JSON, see FORMATS.md)')
    .requiredOption('--as-of <date>', 'the day to plan for, YYYY-MM-DD')
    .action(async (opts: SimulateOptions) => {
      const asOf = parseAsOf(opts.asOf);
      const ledger = await readLedgerFile(opts.input);
      process.stdout.write(JSON.stringify(simulationToJson(simulate(ledger, asOf)), null, 2) + '\n');
    });
}
