/**
 * The Fastify app: health now; webhooks, OAuth callbacks, the admin API and the portal register
 * here as they land. Errors answer JSON with a 4xx/5xx and never leak a stack to the client.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import Fastify, { type FastifyInstance } from 'fastify';
import type pg from 'pg';
import { isRelanceError } from '../core/errors.ts';
import { redactUrl, type Logger } from '../core/logging.ts';
import type { Worker } from '../jobs/worker.ts';
import type { KeyRing } from '../core/crypto.ts';
import * as schema from '../core/store/schema/index.ts';
import { connectionRoutes, type ProviderApps } from './oauth/index.ts';
import { registerAdminApiAndPortal } from './api/index.ts';
import { consolePlugin } from './console/plugin.ts';
import { hubspotWebhookRoutes } from './webhooks/hubspot.ts';

export interface ServerDeps {
  pool: pg.Pool;
  storeMode: 'postgres' | 'embedded';
  worker: Worker | null;
  logger: Logger;
  /** The key ring of connection credentials: with it, the OAuth callbacks and provider webhooks are served. */
  keys?: KeyRing;
  /** RELANCE_PUBLIC_URL: absolute portal links, and Secure session cookies when it is https. */
  publicUrl?: string | null;
  /** The providers' OAuth apps from the settings; absent: no provider can be connected from the console. */
  providerApps?: ProviderApps;
  /** RELANCE_TRUSTED_PROXIES: X-Forwarded-For gives the client address only when the peer is one of these. */
  trustedProxies?: readonly string[];
  /** RELANCE_PROMISE_HORIZON_DAYS (default 90). */
  promiseHorizonDays?: number;
  /** The configured message channels (core/sending/channels-from-config.ts): a scenario naming another is refused on save. */
  channels?: readonly string[] | null;
}

async function databaseHealth(pool: pg.Pool): Promise<{ ok: boolean; latencyMs: number; error?: string }> {
  const started = performance.now();
  try {
    await pool.query('SELECT 1');
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (e) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (e as Error).message };
  }
}

export function buildServer(deps: ServerDeps): FastifyInstance {
  // request.ip: the socket peer, or the address a trusted proxy forwarded (never a client's own header).
  const trustProxy = deps.trustedProxies?.length ? [...deps.trustedProxies] : false;
  const app = Fastify({ logger: false, bodyLimit: 5 * 1024 * 1024, trustProxy });

  app.setErrorHandler((error, request, reply) => {
    if (isRelanceError(error) && error.category === 'validation') {
      return reply.status(400).send({ error: error.toJSON() });
    }
    const e = error as { statusCode?: number; code?: string; message?: string };
    const status = e.statusCode ?? 500;
    if (status >= 500) deps.logger.error('request failed', { url: redactUrl(request.url), error });
    const message = status >= 500 ? 'internal error' : (e.message ?? 'bad request');
    return reply.status(status).send({ error: { code: e.code ?? 'error', message } });
  });

  app.get('/healthz', async (_request, reply) => {
    const database = { mode: deps.storeMode, ...(await databaseHealth(deps.pool)) };
    const scheduler = deps.worker
      ? await deps.worker.status().then(
          (s) => ({ ok: s.running, ...s }),
          (e: Error) => ({ ok: false, running: false, error: e.message }),
        )
      : { ok: true, running: false, disabled: true };
    const ok = database.ok && scheduler.ok;
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', database, scheduler });
  });

  void app.register(consolePlugin, { db: drizzle(deps.pool, { schema }) });
  registerAdminApiAndPortal(app, { pool: deps.pool, logger: deps.logger, worker: deps.worker, keys: deps.keys ?? null, publicUrl: deps.publicUrl ?? null, providerApps: deps.providerApps ?? {}, promiseHorizonDays: deps.promiseHorizonDays ?? 90, channels: deps.channels ?? null });
  if (deps.keys) void app.register(connectionRoutes, { pool: deps.pool, keys: deps.keys, worker: deps.worker, logger: deps.logger });
  if (deps.keys) void app.register(hubspotWebhookRoutes, { pool: deps.pool, keys: deps.keys, logger: deps.logger, enqueue: async (job, data) => void (await deps.worker?.agenda.now(job, data)) });

  return app;
}
