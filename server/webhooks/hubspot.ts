/**
 * `POST /webhooks/hubspot`: HubSpot's property-change deliveries. The v3 signature (method, full
 * URI, raw body, timestamp; five-minute window) is checked on the raw bytes before anything acts on
 * the body; a forged or replayed delivery is refused with 401 and changes nothing. A verified
 * delivery applies the Relance flags (paused, disputed) at once, queues a per-customer dunning run
 * for each customer that changed, and queues a pull of the CRM records it names — each event for the
 * connection of its own portal only. Association changes (no `objectId`) and event types Relance does
 * not handle are accepted and ignored.
 * https://developers.hubspot.com/docs/api/webhooks/validating-requests
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { parseEvents, precheckSignatureV3, verifySignatureV3 } from '../../connectors/hubspot/index.ts';
import { applyFlagEvents } from '../../core/crm-control/index.ts';
import type { KeyRing } from '../../core/crypto.ts';
import type { Logger } from '../../core/logging.ts';
import * as schema from '../../core/store/schema/index.ts';
import { webhookKeys } from './webhook-keys.ts';

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

/** The portals a delivery names, read without acting on the body (to find whose secret signs it). */
function portalsOf(rawBody: string): string[] {
  try {
    const events = JSON.parse(rawBody) as unknown;
    if (!Array.isArray(events)) return [];
    const portals = events.map((e) => (e !== null && typeof e === 'object' ? (e as { portalId?: unknown }).portalId : undefined));
    return [...new Set(portals.filter((p): p is number => typeof p === 'number' && Number.isSafeInteger(p)).map(String))];
  } catch {
    return [];
  }
}

function refuse(deps: HubSpotWebhookDeps, reply: FastifyReply, reason: string, portals: string[]) {
  deps.logger.warn('hubspot webhook refused', { reason, portals });
  return reply.status(401).send({ error: { code: 'invalid_signature', message: `hubspot webhook refused: ${reason}` } });
}

export const hubspotWebhookRoutes: FastifyPluginAsync<HubSpotWebhookDeps> = async (app: FastifyInstance, deps) => {
  const db = drizzle(deps.pool, { schema });
  // The signature is over the raw bytes: keep them, parse afterwards (scoped to this plugin).
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  const logged = new Set<string>();

  app.post('/webhooks/hubspot', async (request, reply) => {
    const rawBody = typeof request.body === 'string' ? request.body : '';
    const now = deps.now?.() ?? Date.now();
    // Headers first: a missing, malformed or stale signature is refused before any secret is opened.
    const pre = precheckSignatureV3(request.headers, now);
    const portals = portalsOf(rawBody);
    if (!pre.ok) return refuse(deps, reply, pre.reason, portals);
    // One app signs for every portal; each portal's connection is trusted only with its own secret.
    const signed = { method: request.method, uri: requestUri(request), rawBody, headers: request.headers };
    const verified = (await webhookKeys(deps, 'hubspot', portals, { orClientSecret: true })).filter((c) => verifySignatureV3(signed, c.key, now).ok);
    if (verified.length === 0) return refuse(deps, reply, portals.length ? 'bad_signature' : 'unknown_portal', portals);
    const events = parseEvents(JSON.parse(rawBody) as unknown);
    for (const type of new Set(events.map((e) => e.subscriptionType))) {
      if (!HANDLED.has(type) && !logged.has(type)) {
        logged.add(type);
        deps.logger.info('hubspot webhook: event type not handled, ignored', { subscriptionType: type });
      }
    }
    // Split by portal: an event is applied only to the connections of the portal it names.
    for (const connection of verified) {
      const own = events.filter((e) => String(e.portalId) === connection.accountId);
      const flagEvents = own
        .filter((e) => e.subscriptionType === 'company.propertyChange' && e.propertyName !== undefined && e.objectId !== undefined)
        .map((e) => ({ companyExternalId: String(e.objectId), propertyName: e.propertyName!, propertyValue: e.propertyValue ?? '', occurredAt: e.occurredAt }));
      const changed = await applyFlagEvents(db, connection.id, flagEvents);
      for (const customerId of changed) await deps.enqueue?.('dunning.runCustomer', { organizationId: connection.organizationId, customerId });
      if (own.some((e) => e.objectId !== undefined)) await deps.enqueue?.('crm.pull', { connectionId: connection.id });
    }
    return reply.status(204).send();
  });
};

/** The event types Relance acts on; others are logged once per process and ignored. */
const HANDLED = new Set(['company.propertyChange', 'contact.propertyChange', 'company.creation', 'contact.creation', 'company.deletion', 'contact.deletion']);
