/**
 * The `relance` command. Each command lives in `cli/commands/<name>.ts` and is registered here,
 * explicitly. Usage errors (unknown command or option, missing argument) print one line and exit 2;
 * a command that fails on bad input prints one line naming the problem and exits 1.
 */
import { Command, CommanderError } from 'commander';
import { isRelanceError } from '../core/errors.ts';
type Register = (program: Command) => void;

/**
 * The commands, listed explicitly and loaded on demand: `relance simulate` need not load the server,
 * the job worker and three provider SDKs. Help and unknown commands load them all.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  mapping: async () => (await import('./commands/mapping.ts')).registerMapping,
  demo: async () => (await import('./commands/demo.ts')).registerDemo,
  migrate: async () => (await import('./commands/migrate.ts')).registerMigrate,
  start: async () => (await import('./commands/start.ts')).registerStart,
  sandbox: async () => (await import('./commands/sandbox.ts')).registerSandbox,
  simulate: async () => (await import('./commands/simulate.ts')).registerSimulate,
  report: async () => (await import('./commands/report.ts')).registerReport,
  bench: async () => (await import('./commands/bench.ts')).registerBench,
  sync: async () => (await import('./commands/sync.ts')).registerSync,
  connect: async () => (await import('./commands/connect.ts')).registerConnect,
  template: async () => (await import('./commands/template.ts')).registerTemplate,
  actions: async () => (await import('./commands/actions.ts')).registerActions,
  user: async () => (await import('./commands/user.ts')).registerUser,
  org: async () => (await import('./commands/org.ts')).registerOrg,
};

/** The command named on the line (the first word that is not an option), if it is one of ours. */
function requestedCommand(argv: readonly string[]): string | null {
  const word = argv.slice(2).find((a) => !a.startsWith('-'));
  return word !== undefined && Object.hasOwn(COMMANDS, word) ? word : null;
}

/** The program with the command `argv` names, or with every command when it names none of ours. */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('relance')
    .description('Accounts-receivable collection for QuickBooks Online, Xero and HubSpot')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const wanted = requestedCommand(argv);
  const versionOnly = !wanted && argv.slice(2).some((a) => a === '--version' || a === '-V');
  const names = wanted ? [wanted] : versionOnly ? [] : Object.keys(COMMANDS);
  const registers = await Promise.all(names.map((name) => COMMANDS[name]!()));
  for (const register of registers) register(program);
  // Every subcommand inherits the strictness: unknown options are errors, not ignored.
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the command line and returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
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
