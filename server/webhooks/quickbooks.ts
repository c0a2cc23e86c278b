/**
 * `POST /webhooks/quickbooks`: the `intuit-signature` is checked against the raw body before anything
 * else is read; a forged or tampered notification changes nothing and gets 401. A genuine one
 * triggers an incremental sync of the streams it names, for the connections of its realm that share
 * the key it was signed with.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks
 */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { quickbooksConnector, SIGNATURE_HEADER } from '../../connectors/quickbooks/index.ts';
import { findConnectionsByAccount } from '../../core/connections/index.ts';
import type { KeyRing } from '../../core/crypto.ts';
import { InvalidInput } from '../../core/errors.ts';
import { traceStage } from '../../core/sync/trace.ts';
import { strictSignature, webhookKeys } from './webhook-keys.ts';

export interface QuickBooksWebhookDeps {
  pool: pg.Pool;
  keys: KeyRing;
  /** Starts (or queues) an incremental sync of these streams of the connection. */
  triggerSync(connectionId: string, streams: string[]): Promise<void>;
}

/** The realms a notification names (classic `eventNotifications[].realmId` or CloudEvents `intuitaccountid`), read without acting on it. */
function realmsOf(raw: string): string[] {
  try {
    const body = JSON.parse(raw) as unknown;
    const list: unknown[] = Array.isArray(body) ? body : ((body as { eventNotifications?: unknown[] } | null)?.eventNotifications ?? []);
    if (!Array.isArray(list)) return [];
    const realms = list.map((n) => (n !== null && typeof n === 'object' ? ((n as Record<string, unknown>).realmId ?? (n as Record<string, unknown>).intuitaccountid) : undefined));
    return [...new Set(realms.filter((r): r is string => typeof r === 'string' && r !== ''))];
  } catch {
    return [];
  }
}

export async function quickbooksWebhookRoutes(app: FastifyInstance, deps: QuickBooksWebhookDeps): Promise<void> {
  // The signature is over the exact bytes: keep the body as text in this plugin's scope.
  app.addContentTypeParser(['application/json', 'application/cloudevents-batch+json'], { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.post('/webhooks/quickbooks', async (request, reply) => {
    const raw = typeof request.body === 'string' ? request.body : '';
    // A missing or malformed signature is refused before any credentials are opened; then only the
    // connections of the realms the notification names are tried.
    const connections = strictSignature(request.headers, SIGNATURE_HEADER) === null ? [] : await webhookKeys(deps, 'quickbooks', realmsOf(raw));
    const key = [...new Set(connections.map((c) => c.key))].find((k) => quickbooksConnector.verifyWebhook(request.headers, raw, k));
    if (key === undefined) {
      return reply.code(401).send({ error: { code: 'bad_signature', message: 'intuit-signature does not match the body' } });
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new InvalidInput('quickbooks webhook: the body is not JSON', { field: '(body)' });
    }
    const changes = quickbooksConnector.parseWebhook(body);
    const streamsByAccount = new Map<string, Set<string>>();
    for (const c of changes) streamsByAccount.set(c.accountId, (streamsByAccount.get(c.accountId) ?? new Set()).add(c.stream));
    let syncs = 0;
    for (const [accountId, streams] of streamsByAccount) {
      const targets = (await findConnectionsByAccount(deps.pool, 'quickbooks', accountId)).filter((c) =>
        connections.some((k) => k.id === c.id && k.key === key),
      );
      for (const target of targets) {
        traceStage('webhook', target.id);
        await deps.triggerSync(target.id, [...streams]);
        syncs += 1;
      }
    }
    return reply.send({ changes: changes.length, syncs });
  });
}
