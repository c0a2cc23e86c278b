/**
 * `POST /webhooks/xero`: `x-xero-signature` is checked against the raw body before anything else is
 * read. Xero's intent-to-receive check sends signed and mis-signed batches and wants 200 with an
 * EMPTY body for the first and 401 for the second, within 5 seconds — so every answer here is
 * empty, and a genuine batch only queues incremental syncs of the streams it names.
 * https://developer.xero.com/documentation/guides/webhooks/configuring-your-server#intent-to-receive
 */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { xeroConnector } from '../../connectors/xero/index.ts';
import { findConnectionsByAccount } from '../../core/connections/index.ts';
import type { KeyRing } from '../../core/crypto.ts';
import { InvalidInput } from '../../core/errors.ts';
import { traceStage } from '../../core/sync/trace.ts';
import { strictSignature, webhookKeys } from './webhook-keys.ts';

const XERO_SIGNATURE_HEADER = 'x-xero-signature';

export interface XeroWebhookDeps {
  pool: pg.Pool;
  keys: KeyRing;
  /** Queues an incremental sync of these streams of the connection (it must not run it inline). */
  triggerSync(connectionId: string, streams: string[]): Promise<void>;
}

/** The tenants a batch names, read without acting on it; null for a batch naming none (intent to receive). */
function tenantsOf(raw: string): string[] | null {
  try {
    const events = (JSON.parse(raw) as { events?: unknown } | null)?.events;
    if (!Array.isArray(events)) return null;
    const tenants = events.map((e) => (e !== null && typeof e === 'object' ? (e as { tenantId?: unknown }).tenantId : undefined));
    const named = [...new Set(tenants.filter((t): t is string => typeof t === 'string' && t !== ''))];
    return named.length ? named : null;
  } catch {
    return null;
  }
}

function parseBody(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new InvalidInput('xero webhook: the body is not JSON', { field: '(body)' });
  }
}

export async function xeroWebhookRoutes(app: FastifyInstance, deps: XeroWebhookDeps): Promise<void> {
  // The signature is over the exact bytes: keep the body as text in this plugin's scope.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.post('/webhooks/xero', async (request, reply) => {
    const raw = typeof request.body === 'string' ? request.body : '';
    // A missing or malformed signature is refused before any credentials are opened; then only the
    // tenants the batch names are tried (every tenant's for the empty intent-to-receive batches).
    // A batch for a tenant no longer connected is still the app's and gets its 200: then every
    // tenant's key is tried (opened once per process, see webhook-keys.ts).
    let connections = strictSignature(request.headers, XERO_SIGNATURE_HEADER) === null ? [] : await webhookKeys(deps, 'xero', tenantsOf(raw));
    if (connections.length === 0 && strictSignature(request.headers, XERO_SIGNATURE_HEADER) !== null) connections = await webhookKeys(deps, 'xero', null);
    const key = [...new Set(connections.map((c) => c.key))].find((k) => xeroConnector.verifyWebhook(request.headers, raw, k));
    // Nothing is read from a batch that is not signed with a key Relance holds.
    if (key === undefined) return reply.code(401).send();
    let changes;
    try {
      changes = xeroConnector.parseWebhook(parseBody(raw));
    } catch (error) {
      // Signed by Xero yet unreadable: say which field, so the delivery log at Xero shows why.
      if (error instanceof InvalidInput) return reply.code(400).send({ error: error.toJSON() });
      throw error;
    }
    const streamsByTenant = new Map<string, Set<string>>();
    for (const c of changes) streamsByTenant.set(c.accountId, (streamsByTenant.get(c.accountId) ?? new Set()).add(c.stream));
    for (const [tenantId, streams] of streamsByTenant) {
      const targets = (await findConnectionsByAccount(deps.pool, 'xero', tenantId)).filter((c) => connections.some((k) => k.id === c.id && k.key === key));
      for (const target of targets) {
        traceStage('webhook', target.id);
        await deps.triggerSync(target.id, [...streams]);
      }
    }
    return reply.code(200).send();
  });
}
