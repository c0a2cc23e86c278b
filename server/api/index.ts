/**
 * The admin API as one Fastify plugin: principal and CSRF hooks, one plugin per resource, the
 * OpenAPI document at /api/openapi.json, and the `{error:{code,message,field}}` shape for every
 * failure in its scope.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { KeyRing } from '../../core/crypto.ts';
import type { Logger } from '../../core/logging.ts';
import type { PortalActions } from '../../core/portal/index.ts';
import * as schema from '../../core/store/schema/index.ts';
import type { Db } from '../../core/store/index.ts';
import { openDispute } from '../../core/disputes/index.ts';
import { recordPortalPromise } from '../../core/portal/index.ts';
import { enqueueSyncPull } from '../../jobs/sync.ts';
import type { Worker } from '../../jobs/worker.ts';
import { connectionPaymentLinks } from '../portal/payment-link-source.ts';
import { portalPlugin } from '../portal/plugin.ts';
import { authHooks, authRoutes } from '../auth/plugin.ts';
import { actionRoutes } from './actions.ts';
import { collectionRoutes } from './collections.ts';
import { connectionRoutes } from './connections.ts';
import type { ProviderApps } from '../oauth/provider-apps.ts';
import type { ApiDeps, ApiScope } from './context.ts';
import { customerRoutes } from './customers.ts';
import { apiErrorHandler } from './http-errors.ts';
import { invoiceRoutes } from './invoices.ts';
import { mappingRoutes } from './mappings.ts';
import { reportRoutes } from './reports.ts';
import { reportScheduleRoutes } from './report-schedule.ts';
import { templateRoutes } from './templates.ts';
import { memberRoutes } from './members.ts';
import { openApiDocument } from './openapi.ts';
import { organizationRoutes } from './organizations.ts';
import { organizationFactsRoutes } from './organization-facts.ts';
import { outboxRoutes } from './outbox.ts';
import { portalLinkRoutes } from './portal-links.ts';
import { providerRoutes } from './providers.ts';
import { RouteRegistry } from './route.ts';
import { scenarioRoutes } from './scenarios.ts';
import { unappliedRoutes } from './unapplied.ts';
import { orgTemplateRoutes } from './org-templates.ts';
import { userStatusRoutes } from './user-status.ts';
import { creditRoutes } from './credit.ts';
import { inboxRoutes } from './inbox.ts';
import { workspaceRoutes } from './workspace.ts';
import { letterRoutes } from './letters.ts';

export type { ApiDeps } from './context.ts';

export async function adminApiPlugin(app: FastifyInstance, deps: ApiDeps & { providerApps: ProviderApps }): Promise<void> {
  const scope: ApiScope = { ...deps, registry: new RouteRegistry() };
  app.setErrorHandler(apiErrorHandler(deps.logger));
  await authHooks(app, scope);
  authRoutes(app, scope);
  organizationRoutes(app, scope);
  organizationFactsRoutes(app, scope);
  memberRoutes(app, scope);
  customerRoutes(app, scope);
  invoiceRoutes(app, scope);
  connectionRoutes(app, scope, deps.providerApps);
  providerRoutes(app, scope, deps.providerApps);
  unappliedRoutes(app, scope);
  orgTemplateRoutes(app, scope);
  outboxRoutes(app, scope);
  scenarioRoutes(app, scope);
  portalLinkRoutes(app, scope);
  actionRoutes(app, scope);
  collectionRoutes(app, scope);
  mappingRoutes(app, scope);
  reportRoutes(app, scope);
  reportScheduleRoutes(app, scope);
  templateRoutes(app, scope);
  userStatusRoutes(app, scope);
  creditRoutes(app, scope);
  inboxRoutes(app, scope);
  workspaceRoutes(app, scope);
  letterRoutes(app, scope);
  // Built once every route above is declared; the document route itself is public.
  const document = openApiDocument(scope.registry.routes);
  app.get('/api/openapi.json', async () => document);
}

export interface AdminAndPortalDeps {
  pool: pg.Pool;
  logger: Logger;
  worker: Worker | null;
  /** Signs portal links; without it the portal is not served and links cannot be issued. */
  keys?: KeyRing | null;
  publicUrl?: string | null;
  /** The providers' OAuth apps (server/oauth/provider-apps.ts); absent: none can be connected from the console. */
  providerApps?: ProviderApps;
  /** Promise and dispute recording from the portal (core/promises, core/disputes) once wired. */
  portalActions?: PortalActions;
  /** RELANCE_PROMISE_HORIZON_DAYS: how far ahead a portal promise may be (default 90). */
  promiseHorizonDays?: number;
  /** The configured message channels, for the scenario check on save (null: not checked). */
  channels?: readonly string[] | null;
}

/** The portal's promise and dispute forms, on core/promises and core/disputes, each in one transaction. */
function coreActions(db: Db, horizonDays: number): PortalActions {
  return {
    // The portal's rules (core/portal/promise.ts): horizon, at most the balance, one pending promise per customer.
    recordPromise: async (p) => {
      await db.transaction((tx) => recordPortalPromise(tx, { organizationId: p.organizationId, customerId: p.customerId, amount: p.amount, currency: p.currency, date: p.promisedDate, actor: p.actor }, horizonDays));
    },
    openDispute: async (d) => {
      await db.transaction((tx) => openDispute(tx, { organizationId: d.organizationId, invoiceIds: d.invoiceIds, reason: d.reason, openedVia: 'portal', actor: d.actor }));
    },
  };
}

/** What server/app.ts registers: the admin API under /api and the portal under /portal. */
export function registerAdminApiAndPortal(app: FastifyInstance, deps: AdminAndPortalDeps): void {
  const db = drizzle(deps.pool, { schema });
  const worker = deps.worker;
  const keys = deps.keys ?? null;
  app.register(async (scope) =>
    adminApiPlugin(scope, {
      db,
      pool: deps.pool,
      logger: deps.logger,
      keys,
      publicUrl: deps.publicUrl ?? null,
      enqueueSync: worker ? (data) => enqueueSyncPull(worker.agenda, data) : null,
      providerApps: deps.providerApps ?? {},
      channels: deps.channels ?? null,
    }),
  );
  if (keys) {
    const paymentLinks = connectionPaymentLinks({ store: { pool: deps.pool, db }, keys });
    app.register(async (scope) => portalPlugin(scope, { db, keys, logger: deps.logger, actions: deps.portalActions ?? coreActions(db, deps.promiseHorizonDays ?? 90), paymentLinks }));
  }
}
