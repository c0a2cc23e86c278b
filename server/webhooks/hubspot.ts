/**
 * `POST /webhooks/hubspot`: HubSpot's property-change deliveries. The v3 signature (method, full
 * URI, raw body, timestamp; five-minute window) is checked on the raw bytes before anything acts on
 * the body; a forged or replayed delivery is refused with 401 and changes nothing. A verified
 * delivery applies the Relance flags (paused, disputed) at once, queues a per-customer dunning run
 * for each customer that changed, and queues a pull of the CRM records it names.
 * https://developers.hubspot.com/docs/api/webhooks/validating-requests
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { parseEvents, verifySignatureV3 } from '../../connectors/hubspot/index.ts';
import { findConnectionsByAccount, loadCredentials } from '../../core/connections/index.ts';
import { applyFlagEvents } from '../../core/crm-control/index.ts';
import type { KeyRing } from '../../core/crypto.ts';
import type { Logger } from '../../core/logging.ts';
import * as schema from '../../core/store/schema/index.ts';

export interface HubSpotWebhookDeps {
  pool: pg.Pool;
  keys: KeyRing;
  logger: Logger;
  /** Queues follow-up work; absent without a worker (the flags still apply at once). */
  enqueue?: (job: 'dunning.runCustomer' | 'crm.pull', data: Record<string, unknown>) => Promise<void>;
  now?: () => number;
}

/** The URI HubSpot called, as it signed it: scheme and host as the client saw them (behind a proxy too). */
function requestUri(request: FastifyRequest): string {
  const proto = String(request.headers['x-forwarded-proto'] ?? request.protocol).split(',')[0]!.trim();
  const host = String(request.headers['x-forwarded-host'] ?? request.headers.host ?? 'localhost').split(',')[0]!.trim();
  return `${proto}://${host}${request.url}`;
}

/** The portal a delivery is about: needed to find the app secret, read without acting on the body. */
function portalOf(rawBody: string): string | null {
  try {
    const first = (JSON.parse(rawBody) as { portalId?: unknown }[] | null)?.[0];
    return typeof first?.portalId === 'number' ? String(first.portalId) : null;
  } catch {
    return null;
  }
}

export const hubspotWebhookRoutes: FastifyPluginAsync<HubSpotWebhookDeps> = async (app: FastifyInstance, deps) => {
  const db = drizzle(deps.pool, { schema });
  // The signature is over the raw bytes: keep them, parse afterwards (scoped to this plugin).
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post('/webhooks/hubspot', async (request, reply) => {
    const rawBody = typeof request.body === 'string' ? request.body : '';
    const portalId = portalOf(rawBody);
    const connections = portalId ? (await findConnectionsByAccount(deps.pool, 'hubspot', portalId)).filter((c) => c.status === 'active') : [];
    const verified = [];
    let reason = connections.length ? 'bad_signature' : 'unknown_portal';
    for (const connection of connections) {
      const { settings } = await loadCredentials(deps.pool, deps.keys, connection.id);
      const verdict = verifySignatureV3({ method: request.method, uri: requestUri(request), rawBody, headers: request.headers }, settings.webhookKey ?? settings.clientSecret, deps.now?.() ?? Date.now());
      if (verdict.ok) verified.push(connection);
      else reason = verdict.reason;
    }
    if (verified.length === 0) {
      deps.logger.warn('hubspot webhook refused', { reason, portalId });
      return reply.status(401).send({ error: { code: 'invalid_signature', message: `hubspot webhook refused: ${reason}` } });
    }
    const events = parseEvents(JSON.parse(rawBody) as unknown);
    const flagEvents = events
      .filter((e) => e.subscriptionType === 'company.propertyChange' && e.propertyName !== undefined)
      .map((e) => ({ companyExternalId: String(e.objectId), propertyName: e.propertyName!, propertyValue: e.propertyValue ?? '', occurredAt: e.occurredAt }));
    for (const connection of verified) {
      const changed = await applyFlagEvents(db, connection.id, flagEvents);
      for (const customerId of changed) await deps.enqueue?.('dunning.runCustomer', { organizationId: connection.organizationId, customerId });
      if (events.length) await deps.enqueue?.('crm.pull', { connectionId: connection.id });
    }
    return reply.status(204).send();
  });
};

