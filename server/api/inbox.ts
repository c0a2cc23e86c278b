/**
 * The conversation (core/inbox) over the admin API: the mailbox connection and its status, the
 * scenarios' reply policies, the unfiled list, a customer's conversation with its attachments,
 * answers, "handled", internal comments with @mentions, the caller's notifications, and the
 * organization's Slack / Teams channels. Secrets (the mailbox password, webhook URLs) go in and
 * never come out.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { actorOf, recordAudit } from '../../core/access/index.ts';
import {
  addComment, addNotificationChannel, attachmentContent, fileToCustomer, listUnfiled, loadConversation, loadMailbox, markHandled, queueAnswer, saveMailbox, saveReplyPolicy,
} from '../../core/inbox/index.ts';
import { orgParams, requireOrg, requireVisibleCustomer, type ApiScope } from './context.ts';
import { customerParams } from './customers.ts';
import { HttpError, notFound } from './http-errors.ts';
import { defineRoute } from './route.ts';

const anyBody = z.record(z.string(), z.unknown());

export function inboxRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;
  const requireKeys = () => {
    if (!scope.keys) throw new HttpError(400, 'config', 'no key ring: set RELANCE_SECRET_KEY to store secrets', 'RELANCE_SECRET_KEY');
    return scope.keys;
  };

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/inbox/mailbox', summary: 'The mailbox connection and its status (never its password)', tag: 'inbox', params: orgParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'reading the mailbox');
    return { mailbox: await loadMailbox(db, params.orgId) };
  });

  defineRoute(app, registry, { method: 'PUT', url: '/api/organizations/:orgId/inbox/mailbox', summary: 'Connect the shared mailbox over IMAP (password stored encrypted)', tag: 'inbox', params: orgParams, body: anyBody }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'connecting the mailbox');
    const mailbox = await saveMailbox(db, requireKeys(), params.orgId, body);
    await recordAudit(db, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.inbox.mailbox', payload: { host: mailbox.host, username: mailbox.username } });
    return { mailbox };
  });

  defineRoute(app, registry, { method: 'PUT', url: '/api/organizations/:orgId/inbox/policies/:scenario', summary: "A scenario's answer to replies: hold or notify, postpone on out-of-office", tag: 'inbox', params: orgParams.extend({ scenario: z.string().min(1).max(200) }), body: anyBody }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'setting reply policies');
    const policy = await saveReplyPolicy(db, params.orgId, params.scenario, body);
    await recordAudit(db, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.inbox.policy', payload: { ...policy } });
    return policy;
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/inbox/unfiled', summary: 'Messages no customer claimed, and those that could not be read', tag: 'inbox', params: orgParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading the unfiled list');
    // A collector who sees only their customers does not see mail of unknown senders.
    return { items: membership.assignedOnly ? [] : await listUnfiled(db, params.orgId) };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/inbox/messages/:messageId/file', summary: 'Attach an unfiled message to a customer', tag: 'inbox', params: orgParams.extend({ messageId: z.uuid() }), body: z.object({ customerId: z.uuid() }) }, async ({ principal, params, body }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'filing messages');
    await requireVisibleCustomer(db, principal, membership, body.customerId);
    const result = await fileToCustomer(db, { organizationId: params.orgId, messageId: params.messageId, customerId: body.customerId, actor: actorOf(principal) });
    await recordAudit(db, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.inbox.file', customerId: body.customerId, payload: { messageId: params.messageId } });
    return result;
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/customers/:customerId/conversation', summary: "The customer's conversation: messages, attachments, comments, state", tag: 'inbox', params: customerParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading conversations');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    return loadConversation(db, params.orgId, params.customerId);
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/customers/:customerId/conversation/answer', summary: 'Answer the customer in the thread; optionally record a promise, a dispute or a pause in the same step', tag: 'inbox', params: customerParams, body: anyBody, status: 201 }, async ({ principal, params, body }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'answering customers');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    const queued = await queueAnswer(db, { organizationId: params.orgId, customerId: params.customerId, actor: actorOf(principal), input: body });
    await recordAudit(db, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.inbox.answer', customerId: params.customerId, payload: { messageId: queued.id, outcome: queued.outcome?.kind ?? null } });
    return { id: queued.id, status: 'queued', outcome: queued.outcome };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/customers/:customerId/conversation/handled', summary: 'Mark the conversation handled: the reply hold is released', tag: 'inbox', params: customerParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'handling conversations');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    const result = await markHandled(db, { organizationId: params.orgId, customerId: params.customerId, actor: actorOf(principal) });
    await recordAudit(db, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.inbox.handled', customerId: params.customerId, payload: result });
    return result;
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/customers/:customerId/comments', summary: 'An internal comment; @mentioned members are notified (console and email)', tag: 'inbox', params: customerParams, body: anyBody, status: 201 }, async ({ principal, params, body }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'commenting');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    const comment = await addComment(db, { organizationId: params.orgId, customerId: params.customerId, authorUserId: principal.userId, input: body });
    await recordAudit(db, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.inbox.comment', customerId: params.customerId, payload: { commentId: comment.id } });
    return comment;
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/inbox/attachments/:attachmentId', summary: 'Download a stored attachment', tag: 'inbox', params: orgParams.extend({ attachmentId: z.uuid() }) }, async ({ principal, params, reply }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading attachments');
    const a = await attachmentContent(db, params.orgId, params.attachmentId);
    if (!a) throw notFound('attachment', 'attachmentId');
    if (a.customerId) await requireVisibleCustomer(db, principal, membership, a.customerId);
    else if (membership.assignedOnly) throw notFound('attachment', 'attachmentId');
    if (!a.content) throw new HttpError(410, 'not_stored', a.omittedReason ?? 'not stored', 'attachmentId');
    const ascii = a.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
    reply.header('content-type', a.contentType).header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(a.filename)}`);
    return a.content;
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/notifications', summary: "The caller's notifications (mentions), newest first", tag: 'inbox', params: orgParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'reading notifications');
    const { rows } = await db.execute(sql`
      SELECT n.id, n.kind, n.customer_id AS "customerId", n.payload, n.read_at AS "readAt", n.created_at AS "createdAt", c.name AS customer
        FROM inbox_notifications n LEFT JOIN customers c ON c.id = n.customer_id
       WHERE n.organization_id = ${params.orgId}::uuid AND n.user_id = ${principal.userId}::uuid ORDER BY n.created_at DESC LIMIT 100`);
    return { items: rows, unread: rows.filter((r) => r.readAt === null).length };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/notifications/read', summary: "Mark the caller's notifications read", tag: 'inbox', params: orgParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'reading notifications');
    const r = await db.execute(sql`UPDATE inbox_notifications SET read_at = now() WHERE organization_id = ${params.orgId}::uuid AND user_id = ${principal.userId}::uuid AND read_at IS NULL`);
    return { read: r.rowCount ?? 0 };
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/notification-channels', summary: 'Slack and Teams channels (never their URLs)', tag: 'inbox', params: orgParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'reading notification channels');
    const { rows } = await db.execute(sql`SELECT id, kind, name, events, active, last_error AS "lastError", created_at AS "createdAt" FROM notification_channels WHERE organization_id = ${params.orgId}::uuid ORDER BY created_at`);
    return { items: rows };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/notification-channels', summary: 'Add a Slack or Teams incoming webhook for replies, disputes, broken promises, parked write-backs', tag: 'inbox', params: orgParams, body: anyBody, status: 201 }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'adding notification channels');
    const channel = await addNotificationChannel(db, requireKeys(), params.orgId, body);
    await recordAudit(db, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.inbox.channel', payload: { channelId: channel.id } });
    return channel;
  });
}
