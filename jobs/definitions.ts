/** The registry of jobs, listed explicitly. Each handler is thin: it calls into `core/`. */
import type { Agenda } from 'agenda';
import type { Logger } from '../core/logging.ts';
import { defineSyncJobs, type SyncJobDeps } from './sync.ts';
import { defineDunningJobs, type DunningJobDeps } from './dunning.ts';
import { defineOutboxJobs } from './outbox.ts';
import { defineReconcileJobs } from './reconcile.ts';
import { defineCrmJobs } from './crm.ts';
import { defineReportJobs } from './reports.ts';
import { defineCreditJobs } from './credit.ts';
import { defineInboxJobs } from './inbox.ts';
import { defineHoldJobs } from './holds.ts';
import { defineWorklistJobs } from './worklist.ts';
import { defineScoringJobs } from './scoring.ts';

export interface JobDeps {
  logger: Logger;
  /** The store and channels the dunning jobs need; without them the dunning jobs are not defined. */
  dunning?: DunningJobDeps;
  /** The store and key ring `sync.pull` needs; without them the job is not defined. */
  sync?: Omit<SyncJobDeps, 'logger'>;
}

export function defineJobs(agenda: Agenda, deps: JobDeps): void {
  // Proves the scheduler takes and runs jobs; /healthz reports when it last ran.
  agenda.define('system.heartbeat', async () => {
    deps.logger.debug('heartbeat');
  });
  if (deps.sync) {
    defineSyncJobs(agenda, { ...deps.sync, logger: deps.logger });
    // Write-back and reconciliation need what a sync needs: the store, the key ring, the connectors.
    defineOutboxJobs(agenda, { ...deps.sync, logger: deps.logger });
    defineReconcileJobs(agenda, { ...deps.sync, logger: deps.logger });
    defineCrmJobs(agenda, { ...deps.sync, logger: deps.logger });
  }
  if (deps.dunning) {
    defineDunningJobs(agenda, deps.dunning, deps.logger);
    // The weekly report goes out through the dunning jobs' email channel.
    defineReportJobs(agenda, deps.dunning, deps.logger);
    // Credit holds, limit reviews and insurance deadlines (core/credit).
    defineCreditJobs(agenda, { db: deps.dunning.db, logger: deps.logger });
    // Holds placed by hand resume by themselves after their last day (core/holds).
    defineHoldJobs(agenda, deps.dunning, deps.logger);
    // The worklist's summaries recomputed ahead of the collector's first read (core/worklist).
    defineWorklistJobs(agenda, deps.dunning, deps.logger);
    // Every payer rescored daily, before the dunning run, with the month's score history (core/scoring).
    defineScoringJobs(agenda, deps.dunning, deps.logger);
  }
  // The inbox reads the mailbox (its password under the key ring) and answers through the dunning channels.
  if (deps.sync && deps.dunning) {
    defineInboxJobs(agenda, { db: deps.dunning.db, keys: deps.sync.keys, send: deps.dunning.send, publicUrl: deps.dunning.send.portalLinks?.publicUrl ?? null, logger: deps.logger });
  }
}
