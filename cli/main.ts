/**
 * The `relance` command. Each command lives in `cli/commands/<name>.ts` and is registered here,
 * explicitly. Usage errors (unknown command or option, missing argument) print one line and exit 2;
 * a command that fails on bad input prints one line naming the problem and exits 1.
 */
import { Command, CommanderError } from 'commander';
import { isRelanceError } from '../core/errors.ts';
import { registerMapping } from './commands/mapping.ts';
import { registerDemo } from './commands/demo.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerStart } from './commands/start.ts';
import { registerSandbox } from './commands/sandbox.ts';
import { registerSimulate } from './commands/simulate.ts';
import { registerReport } from './commands/report.ts';
import { registerBench } from './commands/bench.ts';
import { registerSync } from './commands/sync.ts';
import { registerConnect } from './commands/connect.ts';
import { registerTemplate } from './commands/template.ts';
import { registerActions } from './commands/actions.ts';
import { registerUser } from './commands/user.ts';

export function buildProgram(): Command {
  const program = new Command('relance')
    .description('Accounts-receivable collection for QuickBooks Online, Xero and HubSpot')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerMapping(program);
  registerDemo(program);
  registerMigrate(program);
  registerStart(program);
  registerSandbox(program);
  registerSimulate(program);
  registerReport(program);
  registerBench(program);
  registerSync(program);
  registerConnect(program);
  registerTemplate(program);
  registerActions(program);
  registerUser(program);
  // Every subcommand inherits the strictness: unknown options are errors, not ignored.
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the command line and returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version "errors" are normal exits; commander has already printed the message.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') {
        return 0;
      }
      return 2;
    }
    process.stderr.write(`relance: ${describeError(e)}\n`);
    return 1;
  }
}

export function describeError(e: unknown): string {
  if (isRelanceError(e)) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
