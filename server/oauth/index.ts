/**
 * The connection routes of the server: OAuth callbacks and the QuickBooks and Xero webhooks. A webhook's sync
 * goes to the job queue when a worker runs, else it runs in this process.
 */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { KeyRing } from '../../core/crypto.ts';
import type { Logger } from '../../core/logging.ts';
import * as schema from '../../core/store/schema/index.ts';
import { enqueueSyncPull, runSyncPull } from '../../jobs/sync.ts';
import { coalescedSyncs } from '../webhooks/coalesce.ts';
import type { Worker } from '../../jobs/worker.ts';
import { quickbooksWebhookRoutes } from '../webhooks/quickbooks.ts';
import { xeroWebhookRoutes } from '../webhooks/xero.ts';
import { oauthCallbackRoutes } from './callback.ts';

export { sealState, openState } from './state.ts';
export { completeConnection } from './complete-connection.ts';
export { connectedPage } from './callback.ts';
export { consoleAuthorizationUrl, providerAppsFrom, type ProviderApp, type ProviderApps } from './provider-apps.ts';

export interface ConnectionRouteDeps {
  pool: pg.Pool;
  keys: KeyRing;
  worker: Worker | null;
  logger: Logger;
}

export async function connectionRoutes(app: FastifyInstance, deps: ConnectionRouteDeps): Promise<void> {
  const store = { pool: deps.pool, db: drizzle(deps.pool, { schema }) };
  // No worker: sync here, after answering, one run at a time per connection (replays fold into
  // one follow-up); a failure is logged and recorded on the connection.
  const inProcess = coalescedSyncs(
    (connectionId, streams) => runSyncPull({ store, keys: deps.keys, logger: deps.logger }, { connectionId, streams }),
    (connectionId, error) => deps.logger.warn('webhook sync failed', { connectionId, error }),
  );
  const triggerSync = async (connectionId: string, streams: string[]): Promise<void> => {
    if (deps.worker) return enqueueSyncPull(deps.worker.agenda, { connectionId, streams });
    return inProcess(connectionId, streams);
  };
  // A new connection's first sync goes to the queue; without a worker it waits for `relance sync`.
  const worker = deps.worker;
  const enqueueSync = worker ? (connectionId: string) => enqueueSyncPull(worker.agenda, { connectionId }) : null;
  await app.register(async (scope) => oauthCallbackRoutes(scope, { ...deps, db: store.db, enqueueSync }));
  await app.register(async (scope) => quickbooksWebhookRoutes(scope, { pool: deps.pool, keys: deps.keys, triggerSync }));
  await app.register(async (scope) => xeroWebhookRoutes(scope, { pool: deps.pool, keys: deps.keys, triggerSync }));
}
