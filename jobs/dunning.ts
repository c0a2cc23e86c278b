/**
 * The dunning jobs. Thin: each calls into core/agenda, core/scoring or core/sending.
 * - `dunning.schedule` (every 15 minutes): enqueues each organization's daily run once its local
 *   morning has come (core/agenda/schedule.ts decides, in the organization's time zone).
 * - `dunning.run` `{ organizationId, asOf? }`: the daily run of one organization.
 * - `dunning.runCustomer` `{ organizationId, customerId }`: rescore and re-plan one customer after a
 *   change to its invoices, payments, disputes, promises or CRM flags.
 * - `dunning.send` `{ organizationId?, limit? }`: one send pass; safe to run on many workers at once.
 */
import type { Agenda, Job } from 'agenda';
import type { Db } from '../core/store/db.ts';
import type { Logger } from '../core/logging.ts';
import { dueDailyRuns, runCustomer, runOrganization } from '../core/agenda/index.ts';
import { loadOrganization } from '../core/agenda/organization.ts';
import { rescoreCustomers } from '../core/scoring/index.ts';
import { sendDueActions, type SendDeps } from '../core/sending/index.ts';
import { renderWithOverrides } from '../core/messages/index.ts';
import { todayIn } from '../core/calendar/index.ts';
import { holdStaleOrganizations, organizationsToSend } from './sync.ts';

export interface DunningJobDeps {
  db: Db;
  send: SendDeps;
}

export interface RunJobData { organizationId: string; asOf?: string }
export interface RunCustomerJobData { organizationId: string; customerId: string }
export interface SendJobData { organizationId?: string; limit?: number }

export function defineDunningJobs(agenda: Agenda, deps: DunningJobDeps, logger: Logger): void {
  // An organization's own copy of a template (edited in the console) wins over the shipped file.
  const send: SendDeps = { ...deps.send, render: renderWithOverrides(deps.db, deps.send.render) };
  agenda.define('dunning.schedule', async () => {
    for (const run of await dueDailyRuns(deps.db, new Date())) {
      await agenda.now('dunning.run', run satisfies RunJobData);
    }
  });
  agenda.define('dunning.run', async (job: Job<RunJobData>) => {
    const counts = await runOrganization(deps.db, { organizationId: job.attrs.data.organizationId, asOf: job.attrs.data.asOf });
    logger.info('dunning run', { organizationId: job.attrs.data.organizationId, ...counts });
    // Freshly planned actions may be due now: a send pass follows the run.
    await agenda.now('dunning.send', { organizationId: job.attrs.data.organizationId } satisfies SendJobData);
  });
  agenda.define('dunning.runCustomer', async (job: Job<RunCustomerJobData>) => {
    const { organizationId, customerId } = job.attrs.data;
    const org = await loadOrganization(deps.db, organizationId);
    const asOf = todayIn(org.timezone);
    await rescoreCustomers(deps.db, organizationId, [customerId], asOf);
    await runCustomer(deps.db, { organizationId, customerId, asOf });
  });
  agenda.define('dunning.send', async (job: Job<SendJobData>) => {
    // Freshness gate (jobs/sync.ts): an organization whose accounting connection has not synced
    // within RELANCE_SYNC_FRESHNESS_MINUTES waits while it is re-synced.
    const held = await holdStaleOrganizations(agenda, job.attrs.data?.organizationId);
    if (held.size > 0) logger.warn('reminders wait for a sync', { organizations: held.size });
    for (const organizationId of await organizationsToSend(agenda, held, job.attrs.data?.organizationId)) {
      const result = await sendDueActions(deps.db, send, { organizationId, limit: job.attrs.data?.limit });
      if (result.claimed > 0) logger.info('dunning send', { ...result.outcomes, claimed: result.claimed });
    }
  });
}

/** The recurring jobs: the scheduler tick and a send pass every few minutes. */
export async function scheduleDunning(agenda: Agenda): Promise<void> {
  await agenda.every('15 minutes', 'dunning.schedule', {}, { skipImmediate: false });
  await agenda.every('5 minutes', 'dunning.send', {}, { skipImmediate: true });
}
