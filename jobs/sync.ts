/**
 * `sync.pull`: one sync of a connection (all its streams, or those a webhook named). Thin: it
 * validates its data and calls core/sync. A connection that needs re-authorization fails the job
 * without retry; the connection shows why.
 */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { connectorFor } from '../connectors/index.ts';
import type { KeyRing } from '../core/crypto.ts';
import { InvalidInput } from '../core/errors.ts';
import type { Logger } from '../core/logging.ts';
import type { Store } from '../core/store/index.ts';
import { runSync } from '../core/sync/index.ts';

export const SYNC_PULL = 'sync.pull';

export const syncPullData = z.object({
  connectionId: z.uuid(),
  streams: z.array(z.string().min(1)).min(1).optional(),
  full: z.boolean().optional(),
});
export type SyncPullData = z.infer<typeof syncPullData>;

export interface SyncJobDeps {
  store: Pick<Store, 'pool' | 'db'>;
  keys: KeyRing;
  logger: Logger;
}

/** Runs one `sync.pull`; exported so the server can run it in-process when no worker runs. */
export async function runSyncPull(deps: SyncJobDeps, data: unknown): Promise<void> {
  const parsed = syncPullData.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInput(`${SYNC_PULL}: ${issue.path.join('.') || 'data'}: ${issue.message}`, { field: issue.path.join('.') });
  }
  const { connectionId, streams, full } = parsed.data;
  const report = await runSync({ store: deps.store, keys: deps.keys, connectorFor }, connectionId, { ...(streams ? { streams } : {}), ...(full ? { full } : {}) });
  deps.logger.info('sync done', { connectionId, seconds: report.seconds, streams: Object.fromEntries(Object.entries(report.streams).map(([k, v]) => [k, v.pulled])) });
}

export function defineSyncJobs(agenda: Agenda, deps: SyncJobDeps): void {
  agenda.define(SYNC_PULL, async (job) => runSyncPull(deps, job.attrs.data), { concurrency: 2 });
}

/** Queues a `sync.pull` now. */
export async function enqueueSyncPull(agenda: Agenda, data: SyncPullData): Promise<void> {
  await agenda.now(SYNC_PULL, data);
}
