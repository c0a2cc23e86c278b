/**
 * The dunning jobs. Thin: each calls into core/agenda, core/scoring or core/sending.
 * - `dunning.schedule` (every 15 minutes): enqueues each organization's daily run once its local
 *   morning has come (core/agenda/schedule.ts decides, in the organization's time zone).
 * - `dunning.run` `{ organizationId, asOf? }`: the daily run of one organization. It opens the run
 *   (split in parts of customers) and enqueues `dunning.joinRun` for other workers, then works on it.
 * - `dunning.joinRun` `{ organizationId, asOf, runId }`: claims what parts of that run are left; a
 *   worker that picks it up after the run is done does nothing.
 * - `dunning.runCustomer` `{ organizationId, customerId }`: rescore and re-plan one customer after a
 *   change to its invoices, payments, disputes, promises or CRM flags.
 * - `dunning.send` `{ organizationId?, limit? }`: a send pass until nothing is due; one per worker at a
 *   time, safe on many workers at once.
 */
import type { Agenda, Job } from 'agenda';
import type { Db } from '../core/store/db.ts';
import type { Logger } from '../core/logging.ts';
import { dueDailyRuns, joinRun, runCustomer, runOrganization } from '../core/agenda/index.ts';
import { loadOrganization } from '../core/agenda/organization.ts';
import { rescoreCustomers } from '../core/scoring/index.ts';
import { DEFAULT_BATCH_SIZE, sendDueActions, type SendDeps } from '../core/sending/index.ts';
import { renderWithOverrides, setLanguageFallbackLogger } from '../core/messages/index.ts';
import { archivingLetters } from '../core/letters/index.ts';
import { todayIn } from '../core/calendar/index.ts';
import { inboxThreading } from '../core/inbox/threading.ts';
import { holdStaleOrganizations, organizationsToSend } from './sync.ts';
import { enqueueCompanyBalances, enqueueCompanyPlans } from '../core/crm-control/index.ts';
import { OUTBOX_PUSH } from './outbox.ts';

export interface DunningJobDeps {
  db: Db;
  send: SendDeps;
}

export interface RunJobData { organizationId: string; asOf?: string }
export interface JoinRunJobData { organizationId: string; asOf: string; runId: string }

/** `dunning.joinRun` jobs a daily run enqueues: each lets one more worker share the run. */
export const DAILY_RUN_HELPERS = 1;
export interface RunCustomerJobData { organizationId: string; customerId: string }
export interface SendJobData { organizationId?: string; limit?: number }

export function defineDunningJobs(agenda: Agenda, deps: DunningJobDeps, logger: Logger): void {
  // An organization's own copy of a template (edited in the console) wins over the shipped file.
  // Each sent letter's PDF is kept with its action (core/letters), for download after sending.
  const send: SendDeps = {
    ...deps.send, channels: archivingLetters(deps.db, deps.send.channels), render: renderWithOverrides(deps.db, deps.send.render),
    threading: deps.send.threading ?? inboxThreading(deps.db),
  };
  setLanguageFallbackLogger((message, meta) => logger.warn(message, meta));
  // Issue 13.9: the plan and the portal link on the CRM companies whenever a run, a re-plan or a
  // send pass changed them (one coalesced write per company), pushed now rather than at the next tick.
  const planCompanies = async (organizationId: string, extra: { customerIds?: string[]; balancesAsOf?: string } = {}): Promise<void> => {
    const plans = await enqueueCompanyPlans(deps.db, organizationId, {
      keys: send.portalLinks?.keys ?? null, publicUrl: send.portalLinks?.publicUrl ?? null,
      ...(extra.customerIds ? { customerIds: extra.customerIds } : {}),
    });
    // The daily run moves every overdue invoice a day on: its figures, without waiting for a sync.
    const balances = extra.balancesAsOf ? await enqueueCompanyBalances(deps.db, organizationId, extra.balancesAsOf) : 0;
    if (plans + balances > 0) await agenda.now(OUTBOX_PUSH, {});
  };
  agenda.define('dunning.schedule', async () => {
    for (const run of await dueDailyRuns(deps.db, new Date())) {
      await agenda.now('dunning.run', run satisfies RunJobData);
    }
  });
  agenda.define('dunning.run', async (job: Job<RunJobData>) => {
    const { organizationId } = job.attrs.data;
    const counts = await runOrganization(deps.db, {
      organizationId, asOf: job.attrs.data.asOf,
      onOpened: async ({ runId, asOf }) => {
        for (let i = 0; i < DAILY_RUN_HELPERS; i++) await agenda.now('dunning.joinRun', { organizationId, asOf, runId } satisfies JoinRunJobData);
      },
    });
    logger.info('dunning run', { organizationId, ...counts });
    await planCompanies(organizationId, { balancesAsOf: job.attrs.data.asOf ?? todayIn((await loadOrganization(deps.db, organizationId)).timezone) });
    // Freshly planned actions may be due now: a send pass follows the run.
    await agenda.now('dunning.send', { organizationId: job.attrs.data.organizationId } satisfies SendJobData);
  });
  agenda.define('dunning.joinRun', async (job: Job<JoinRunJobData>) => {
    const counts = await joinRun(deps.db, job.attrs.data);
    if (counts.customers > 0) logger.info('dunning run (joined)', { organizationId: job.attrs.data.organizationId, ...counts });
  });
  agenda.define('dunning.runCustomer', async (job: Job<RunCustomerJobData>) => {
    const { organizationId, customerId } = job.attrs.data;
    const org = await loadOrganization(deps.db, organizationId);
    const asOf = todayIn(org.timezone);
    await rescoreCustomers(deps.db, organizationId, [customerId], asOf);
    await runCustomer(deps.db, { organizationId, customerId, asOf });
    await planCompanies(organizationId, { customerIds: [customerId] });
  });
  // A pass goes on until nothing is due (no cap). One pass at a time per worker; a pass whose
  // first batch is full asks for one more pass, which an idle worker takes: the workers join in
  // one by one, each claiming its own batches under SKIP LOCKED.
  agenda.define('dunning.send', async (job: Job<SendJobData>) => {
    const data = job.attrs.data ?? {};
    // Freshness gate (jobs/sync.ts): an organization whose accounting connection has not synced
    // within RELANCE_SYNC_FRESHNESS_MINUTES waits while it is re-synced.
    const held = await holdStaleOrganizations(agenda, data.organizationId);
    if (held.size > 0) logger.warn('reminders wait for a sync', { organizations: held.size });
    let first = true;
    for (const organizationId of await organizationsToSend(agenda, held, data.organizationId)) {
      const result = await sendDueActions(deps.db, send, {
        organizationId, limit: data.limit,
        // The gate again before every batch: an outage beginning mid-pass holds from the next batch.
        held: () => holdStaleOrganizations(agenda, data.organizationId),
        onBatch: async (claimed) => {
          if (first && claimed >= (send.batchSize ?? DEFAULT_BATCH_SIZE) && data.limit === undefined) {
            await agenda.now('dunning.send', { ...(data.organizationId && { organizationId: data.organizationId }) } satisfies SendJobData);
          }
          first = false;
          await job.touch();
        },
      });
      if (result.claimed > 0 || result.recovered > 0) logger.info('dunning send', { ...result.outcomes, claimed: result.claimed, recovered: result.recovered, organizationId });
      if (result.claimed > 0 && organizationId) await planCompanies(organizationId);
    }
  }, { concurrency: 1, lockLimit: 1 });
}

/** The recurring jobs: the scheduler tick and a send pass every minute (each pass sends all that is due). */
export async function scheduleDunning(agenda: Agenda): Promise<void> {
  await agenda.every('15 minutes', 'dunning.schedule', {}, { skipImmediate: false });
  await agenda.every('1 minute', 'dunning.send', {}, { skipImmediate: true });
}
