/**
 * `relance sandbox [--seed N] [--invoices N] [--port N] [--as-of DATE] [--no-limits] [--json]`: starts
 * the QuickBooks, Xero and HubSpot simulators and the control API on loopback, prints their addresses
 * and credentials (FORMATS.md), then serves until SIGINT or SIGTERM.
 */
import type { Command } from 'commander';
import { InvalidInput } from '../../core/errors.ts';
import { MAX_INVOICES, MIN_INVOICES, parseIsoDate } from '../../sandbox/generator/index.ts';
import { startSandbox, type SandboxInfo, type SandboxOptions } from '../../sandbox/index.ts';

interface RawOptions {
  seed: string;
  invoices: string;
  port: string;
  asOf?: string;
  limits: boolean;
  json?: boolean;
}

const INTEGER = /^-?\d+$/;

function wholeNumber(option: string, value: string, min: number, max: number): number {
  const n = INTEGER.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InvalidInput(`--${option}: "${value}" is not a whole number between ${min} and ${max}`, { field: option });
  }
  return n;
}

/** Validates the options into what startSandbox takes; throws InvalidInput naming the option. */
export function parseSandboxOptions(raw: RawOptions, today = new Date()): SandboxOptions {
  const asOf = raw.asOf ?? today.toISOString().slice(0, 10);
  try {
    parseIsoDate(asOf, 'as-of');
  } catch {
    throw new InvalidInput(`--as-of: "${asOf}" is not a date (YYYY-MM-DD)`, { field: 'as-of' });
  }
  return {
    seed: wholeNumber('seed', raw.seed, 0, 2 ** 32 - 1),
    invoices: wholeNumber('invoices', raw.invoices, MIN_INVOICES, MAX_INVOICES),
    // The control API listens on N+3, which must still be a port.
    port: wholeNumber('port', raw.port, 0, 65_532),
    asOf,
    limits: raw.limits ? {} : false,
  };
}

function describe(info: SandboxInfo, options: SandboxOptions): string {
  const lines = [`relance sandbox: seed ${options.seed}, ${options.invoices} invoices per ledger, as of ${options.asOf}${options.limits ? '' : ', limits off'}`];
  for (const [name, entry] of Object.entries(info)) {
    lines.push(`  ${name.padEnd(10)} ${entry.baseUrl}`);
    for (const [key, value] of Object.entries(entry as Record<string, string>)) {
      if (key !== 'baseUrl') lines.push(`    ${key}: ${value}`);
    }
  }
  lines.push('Ctrl-C to stop.');
  return lines.join('\n') + '\n';
}

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description('serve the QuickBooks, Xero and HubSpot simulators over a seeded world, and the control API')
    .option('--seed <n>', 'seed of the generated world', '1')
    .option('--invoices <n>', `invoices per ledger (${MIN_INVOICES}..${MAX_INVOICES})`, '1000')
    .option('--port <n>', 'first port: quickbooks N, xero N+1, hubspot N+2, control N+3 (0: random ports)', '0')
    .option('--as-of <date>', 'the day the world is generated for (YYYY-MM-DD; default today)')
    .option('--no-limits', 'turn the providers\u2019 rate limits off')
    .option('--json', 'print the addresses and credentials as JSON')
    .action(async (raw: RawOptions) => {
      const options = parseSandboxOptions(raw);
      const sandbox = await startSandbox(options);
      process.stdout.write(raw.json ? JSON.stringify(sandbox, null, 2) + '\n' : describe(sandbox, options));
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await sandbox.close();
    });
}
