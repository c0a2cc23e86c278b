/**
 * `relance actions list|approve|reject`: the approval queue from the command line. Thin: listing
 * reads core/sending's `listActions`, decisions go through core/approvals (each one an activity).
 * `list --json` prints an array of actions; approve/reject print one result per id
 * (`[{ "id", "ok", "error"? }]`) and exit 1 when any id could not be decided.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { z } from 'zod';
import { decide, type Decision } from '../../core/approvals/index.ts';
import { InvalidInput } from '../../core/errors.ts';
import { ACTION_STATUSES, listActions, type ActionListEntry, type ActionStatus } from '../../core/sending/list-actions.ts';
import { openRuntime } from '../runtime.ts';

const uuid = z.uuid();

function parseIds(ids: readonly string[]): string[] {
  for (const id of ids) if (!uuid.safeParse(id).success) throw new InvalidInput(`action id "${id}" is not a UUID`, { field: 'id' });
  return [...ids];
}

function parseStatus(value: string): ActionStatus {
  const status = ACTION_STATUSES.find((s) => s === value);
  if (!status) throw new InvalidInput(`--status: "${value}" is not one of ${ACTION_STATUSES.join(', ')}`, { field: 'status' });
  return status;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new InvalidInput(`--limit: "${value}" is not a whole number between 1 and 10000`, { field: 'limit' });
  return n;
}

function describe(a: ActionListEntry): string {
  const amount = a.amountDue ? `${a.amountDue} ${a.currency}` : '-';
  const error = a.lastError ? `  (${a.lastError})` : '';
  return `${a.id}  ${a.scheduledFor}  ${a.customerName}  step ${a.step} ${a.channel} ${a.template}  ${amount}  ${a.invoiceCount} invoice(s)${error}`;
}

async function runDecision(ids: string[], decision: Decision, opts: { by?: string; reason?: string }): Promise<void> {
  const checked = parseIds(ids);
  if (decision === 'reject' && !opts.reason?.trim()) throw new InvalidInput('--reason: a rejection must say why', { field: 'reason' });
  const rt = await openRuntime({ migrate: false });
  try {
    const results = await decide(rt.store.db, checked, decision, opts.by ?? `cli:${userInfo().username}`, opts.reason);
    process.stdout.write(JSON.stringify(results, null, 2) + '\n');
    if (results.some((r) => !r.ok)) process.exitCode = 1;
  } finally {
    await rt.store.close();
  }
}

export function registerActions(program: Command): void {
  const actions = program.command('actions').description('dunning actions: list them, approve or reject those awaiting approval');
  actions
    .command('list')
    .description('actions by status (default: awaiting approval), oldest first')
    .option('--status <status>', `one of ${ACTION_STATUSES.join(', ')}`, 'awaiting_approval')
    .option('--organization <id>', 'only this organization')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'print a JSON array')
    .action(async (opts: { status: string; organization?: string; limit: string; json?: boolean }) => {
      const status = parseStatus(opts.status);
      const limit = parseLimit(opts.limit);
      if (opts.organization !== undefined && !uuid.safeParse(opts.organization).success) {
        throw new InvalidInput(`--organization: "${opts.organization}" is not a UUID`, { field: 'organization' });
      }
      const rt = await openRuntime({ migrate: false });
      try {
        const list = await listActions(rt.store.db, { status, limit, ...(opts.organization && { organizationId: opts.organization }) });
        process.stdout.write(opts.json ? JSON.stringify(list, null, 2) + '\n' : list.map(describe).join('\n') + (list.length ? '\n' : `no ${status} actions\n`));
      } finally {
        await rt.store.close();
      }
    });
  actions
    .command('approve')
    .description('approve actions awaiting approval: they are sent at the next send pass in sending hours')
    .argument('<ids...>', 'action ids')
    .option('--by <name>', 'who decides (default: cli:<user>)')
    .action((ids: string[], opts: { by?: string }) => runDecision(ids, 'approve', opts));
  actions
    .command('reject')
    .description('reject actions awaiting approval (cancelled, with the reason on the timeline)')
    .argument('<ids...>', 'action ids')
    .requiredOption('--reason <text>', 'why')
    .option('--by <name>', 'who decides (default: cli:<user>)')
    .action((ids: string[], opts: { by?: string; reason?: string }) => runDecision(ids, 'reject', opts));
  for (const cmd of actions.commands) cmd.exitOverride();
}
