/**
 * Slack and Microsoft Teams as outside parties: incoming webhooks an organization chooses, for
 * the events it picks (replies, disputes, broken promises, parked write-backs). Events come from
 * the timeline and the outbox through a cursor (with an overlap, since a transaction commits after
 * its rows' timestamps), each turned once into a delivery row per channel (unique on its source),
 * then posted; failures follow core/http's classification and retry decision, spread over passes.
 * Slack: https://api.slack.com/messaging/webhooks — Teams (Workflows / connectors) takes an
 * Adaptive Card message: https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using
 */
import { IncomingWebhook } from '@slack/webhook';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { decryptSecret, encryptSecret, type KeyRing } from '../crypto.ts';
import { InvalidInput, isRelanceError } from '../errors.ts';
import { classifyError, decideRetry, defaultRetryPolicy, type RetryPolicy } from '../http/index.ts';
import type { Db } from '../store/db.ts';

type Executor = Pick<Db, 'execute'>;

export const NOTIFICATION_EVENTS = ['reply', 'dispute', 'broken_promise', 'parked_writeback'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

const ACTIVITY_EVENTS: Record<string, NotificationEvent> = { 'inbox.reply': 'reply', 'dispute.opened': 'dispute', 'promise.broken': 'broken_promise' };
/** Rows committed this long after their timestamp are still seen; the unique source key keeps them single. */
const OVERLAP = '10 minutes';

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

export const channelInputSchema = z.object({
  kind: z.enum(['slack', 'teams']),
  name: z.string().trim().min(1).max(100),
  url: z.url().refine((u) => { const p = new URL(u); return p.protocol === 'https:' || (p.protocol === 'http:' && isLoopback(p.hostname)); }, 'must be an https:// webhook URL'),
  events: z.array(z.enum(NOTIFICATION_EVENTS)).min(1).default([...NOTIFICATION_EVENTS]),
});

const context = (organizationId: string) => `notification-channel:${organizationId}`;

/** Adds a Slack or Teams channel; its URL (a bearer secret) is encrypted at rest. */
export async function addNotificationChannel(db: Executor, keys: KeyRing, organizationId: string, input: unknown): Promise<{ id: string }> {
  const parsed = channelInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInput(`channel.${issue.path.join('.')}: ${issue.message}`, { field: issue.path.join('.') });
  }
  const c = parsed.data;
  const { rows } = await db.execute<{ id: string }>(sql`
    INSERT INTO notification_channels (organization_id, kind, name, url_encrypted, events)
    VALUES (${organizationId}::uuid, ${c.kind}, ${c.name}, ${encryptSecret(keys, c.url, context(organizationId))}, ${sql.param(c.events)}::text[]) RETURNING id`);
  // Events start now: a new channel is not flooded with the past.
  await db.execute(sql`INSERT INTO notification_cursors (organization_id) VALUES (${organizationId}::uuid) ON CONFLICT DO NOTHING`);
  return rows[0]!;
}

interface EventRow extends Record<string, unknown> { source_key: string; event: NotificationEvent; at: Date; customer: string | null; payload: Record<string, unknown> }

/** Turns the organization's new events into deliveries for its channels. */
export async function collectEvents(db: Db, organizationId: string): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows: [cursor] } = await tx.execute<{ a: Date; o: Date }>(sql`
      SELECT activities_after AS a, outbox_after AS o FROM notification_cursors WHERE organization_id = ${organizationId}::uuid FOR UPDATE`);
    if (!cursor) return 0;
    const { rows: events } = await tx.execute<EventRow>(sql`
      SELECT 'activity:' || a.id AS source_key, a.occurred_at AS at, c.name AS customer, a.payload, a.kind AS event
        FROM activities a LEFT JOIN customers c ON c.id = a.customer_id
       WHERE a.organization_id = ${organizationId}::uuid AND a.kind = ANY(${sql.param(Object.keys(ACTIVITY_EVENTS))}::text[])
         AND a.occurred_at > ${cursor.a}::timestamptz - ${OVERLAP}::interval
      UNION ALL
      SELECT 'outbox:' || o.id || ':' || o.attempts, o.updated_at, c.name, jsonb_build_object('kind', o.kind, 'entity', o.entity, 'externalId', o.external_id, 'error', o.last_error->>'message'), 'parked_writeback'
        FROM outbox o LEFT JOIN customers c ON c.id = (o.payload->>'customerId')::uuid
       WHERE o.organization_id = ${organizationId}::uuid AND o.status = 'parked' AND o.updated_at > ${cursor.o}::timestamptz - ${OVERLAP}::interval`);
    let added = 0;
    for (const e of events) {
      const event = ACTIVITY_EVENTS[e.event] ?? 'parked_writeback';
      const payload = { event, customer: e.customer, ...e.payload };
      const r = await tx.execute(sql`
        INSERT INTO notification_deliveries (channel_id, source_key, event, payload)
        SELECT id, ${e.source_key}, ${event}, ${JSON.stringify(payload)}::jsonb FROM notification_channels
         WHERE organization_id = ${organizationId}::uuid AND active AND ${event} = ANY(events) AND created_at <= ${e.at}::timestamptz
        ON CONFLICT (channel_id, source_key) DO NOTHING`);
      added += r.rowCount ?? 0;
    }
    await tx.execute(sql`UPDATE notification_cursors SET
        activities_after = GREATEST(activities_after, COALESCE((SELECT max(occurred_at) FROM activities WHERE organization_id = ${organizationId}::uuid), activities_after)),
        outbox_after = GREATEST(outbox_after, COALESCE((SELECT max(updated_at) FROM outbox WHERE organization_id = ${organizationId}::uuid AND status = 'parked'), outbox_after))
      WHERE organization_id = ${organizationId}::uuid`);
    return added;
  });
}

/** The one line a person reads in the channel. */
export function describeEvent(p: Record<string, unknown>): string {
  const who = typeof p.customer === 'string' ? p.customer : 'a customer';
  switch (p.event) {
    case 'reply': return `Reply from ${who}: ${String(p.subject ?? '')} — ${String(p.excerpt ?? '').slice(0, 200)}`;
    case 'dispute': return `Dispute opened by ${who}: ${String(p.reason ?? '')}`;
    case 'broken_promise': return `Broken promise: ${who} did not pay ${String(p.expected ?? '')} ${String(p.currency ?? '')} by ${String(p.date ?? '')}`;
    default: return `Write-back parked (${String(p.kind ?? '')} ${String(p.entity ?? '')} ${String(p.externalId ?? '')}) for ${who}: ${String(p.error ?? '')}`;
  }
}

/** Posts one message to a channel; throws the classified error. */
export async function postToChannel(kind: 'slack' | 'teams', url: string, text: string): Promise<void> {
  try {
    if (kind === 'slack') {
      await new IncomingWebhook(url, { timeout: 10_000 }).send({ text });
      return;
    }
    const response = await fetch(url, {
      method: 'POST', headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(10_000),
      body: JSON.stringify({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body: [{ type: 'TextBlock', text, wrap: true }] } }] }),
    });
    if (!response.ok) throw Object.assign(new Error(`Teams answered ${response.status}`), { response: { status: response.status, headers: Object.fromEntries(response.headers), data: await response.text() } });
  } catch (e) {
    const original = (e as { original?: unknown }).original ?? e;
    throw classifyError(original, { provider: kind });
  }
}

/** Posts the due deliveries; a failure is retried on a later pass as core/http decides, else marked failed. */
export async function dispatchDeliveries(db: Db, keys: KeyRing, opts: { policy?: RetryPolicy; post?: typeof postToChannel } = {}): Promise<{ sent: number; retry: number; failed: number }> {
  const out = { sent: 0, retry: 0, failed: 0 };
  const policy = opts.policy ?? defaultRetryPolicy();
  const { rows } = await db.execute<{ id: string; kind: 'slack' | 'teams'; organization_id: string; url: string; channel_id: string; payload: Record<string, unknown>; attempts: number }>(sql`
    UPDATE notification_deliveries d SET attempts = d.attempts + 1, next_attempt_at = now() + interval '5 minutes'
      FROM (SELECT id FROM notification_deliveries WHERE status = 'pending' AND next_attempt_at <= now() ORDER BY created_at LIMIT 50 FOR UPDATE SKIP LOCKED) due, notification_channels c
     WHERE d.id = due.id AND c.id = d.channel_id
    RETURNING d.id, c.kind, c.organization_id, c.url_encrypted AS url, c.id AS channel_id, d.payload, d.attempts`);
  for (const r of rows) {
    try {
      await (opts.post ?? postToChannel)(r.kind, decryptSecret(keys, r.url, context(r.organization_id)), describeEvent(r.payload));
      await db.execute(sql`UPDATE notification_deliveries SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = ${r.id}::uuid`);
      await db.execute(sql`UPDATE notification_channels SET last_error = NULL WHERE id = ${r.channel_id}::uuid`);
      out.sent += 1;
    } catch (e) {
      const decision = decideRetry(e, r.attempts, policy);
      const message = isRelanceError(e) ? e.message : String(e);
      await db.execute(sql`UPDATE notification_deliveries SET last_error = ${message},
          status = ${decision.retry ? 'pending' : 'failed'}, next_attempt_at = now() + ${`${decision.retry ? decision.delayMs : 0} milliseconds`}::interval
        WHERE id = ${r.id}::uuid`);
      await db.execute(sql`UPDATE notification_channels SET last_error = ${message} WHERE id = ${r.channel_id}::uuid`);
      if (decision.retry) out.retry += 1;
      else out.failed += 1;
    }
  }
  return out;
}

/** The organizations with a notification channel. */
export async function organizationsWithChannels(db: Executor): Promise<string[]> {
  const { rows } = await db.execute<{ organization_id: string }>(sql`SELECT DISTINCT organization_id FROM notification_channels WHERE active`);
  return rows.map((r) => r.organization_id);
}
