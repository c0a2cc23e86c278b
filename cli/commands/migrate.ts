import type { Command } from 'commander';
import { openRuntime } from '../runtime.ts';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply the database migrations (DATABASE_URL, or the embedded database)')
    .action(async () => {
      const rt = await openRuntime({ migrate: true });
      try {
        process.stdout.write(`migrations applied (${rt.store.mode} database)\n`);
      } finally {
        await rt.store.close();
      }
    });
}
