/**
 * Every admin API endpoint, called by each role of organization A and by the admin of B: a role
 * without the permission gets 403 and nothing changes; B's admin gets 404 (A's data does not exist
 * for them); an allowed role succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditKinds, createWorld, type UserName, type World } from './world.ts';

let w: World;
beforeAll(async () => {
  w = await createWorld();
  // Rows the outbox and timeline endpoints act on.
  await w.db.pool.query(
    `INSERT INTO outbox (id, organization_id, connection_id, kind, entity, external_id, payload, idempotency_key, status, attempts)
     VALUES ('00000000-0000-4000-8000-0000000000a1', $1, $2, 'add-note', 'invoice', 'INV-C-ALPHA', '{}', 'k-a1', 'parked', 5)`,
    [w.orgA, w.connA],
  );
  await w.db.pool.query(
    `INSERT INTO actions (id, organization_id, customer_id, step, channel, template, status, idempotency_key, scheduled_for)
     VALUES ('00000000-0000-4000-8000-0000000000c1', $1, $2, 3, 'email', 'reminder-2', 'awaiting_approval', 'k-c1', '2026-02-25'),
            ('00000000-0000-4000-8000-0000000000c2', $1, $2, 2, 'email', 'reminder-1', 'awaiting_approval', 'k-c2', '2026-02-11')`,
    [w.orgA, w.customers.alpha],
  );
  // A reminder sent to alpha, stored as it left (the timeline's link).
  await w.db.pool.query(
    `WITH a AS (INSERT INTO actions (id, organization_id, customer_id, step, channel, template, status, idempotency_key, scheduled_for, sent_at)
       VALUES ('00000000-0000-4000-8000-0000000000c9', $1, $2, 1, 'email', 'reminder-1', 'sent', 'k-c9', '2026-02-01', now()) RETURNING id)
     INSERT INTO sent_messages (action_id, organization_id, customer_id, channel, to_address, subject, text_body) SELECT id, $1, $2, 'email', 'ap@alpha.example', 'Reminder', 'Please pay' FROM a`,
    [w.orgA, w.customers.alpha],
  );
  await w.db.pool.query(
    `INSERT INTO disputes (id, organization_id, customer_id, reason) VALUES ('00000000-0000-4000-8000-0000000000d1', $1, $2, 'wrong quantity')`,
    [w.orgA, w.customers.beta],
  );
  await w.db.pool.query(`INSERT INTO scenarios (organization_id, name, steps) VALUES ($1, 'standard', '[{"offsetDays":7,"action":"email","template":"reminder-1"}]')`, [w.orgA]);
  // Unapplied money of beta and two suggestions for it: one to dismiss, one to accept.
  await w.db.pool.query(
    `INSERT INTO payments (id, organization_id, connection_id, external_id, customer_external_id, customer_id, currency, date, amount_minor, unapplied_minor)
     VALUES ('00000000-0000-4000-8000-0000000000f0', $1, $2, 'PAY-M1', 'C-BETA', $3, 'EUR', '2026-02-20', 100000, 100000)`,
    [w.orgA, w.connA, w.customers.beta],
  );
  await w.db.pool.query(
    `INSERT INTO unapplied_suggestions (id, organization_id, customer_id, source, payment_id, invoice_ids, amounts_minor, currency, rule, score, explanation)
     VALUES ('00000000-0000-4000-8000-0000000000f1', $1, $2, 'payment', '00000000-0000-4000-8000-0000000000f0', ARRAY[$3::uuid], ARRAY[100000::bigint], 'EUR', 'exact_amount', 900, 'F-C-BETA is owed exactly 1000.00'),
            ('00000000-0000-4000-8000-0000000000f2', $1, $2, 'payment', '00000000-0000-4000-8000-0000000000f0', ARRAY[$3::uuid], ARRAY[100000::bigint], 'EUR', 'invoice_set', 500, 'another reading')`,
    [w.orgA, w.customers.beta, w.invoices.beta1],
  );
  // A pending credit limit request of beta, for the approval endpoint (core/credit).
  await w.db.pool.query(
    `INSERT INTO credit_requests (id, organization_id, customer_id, kind, amount_minor, currency, reason, requested_by)
     VALUES ('00000000-0000-4000-8000-0000000000b1', $1, $2, 'limit', 500000, 'EUR', 'first order', 'user:x')`,
    [w.orgA, w.customers.beta],
  );
  // A requested fee posting of beta's invoice, for the approval endpoint (core/credit/fee-postings).
  await w.db.pool.query(
    `INSERT INTO fee_postings (id, organization_id, customer_id, invoice_id, connection_id, currency, interest_minor, fixed_minor, as_of, requested_by)
     VALUES ('00000000-0000-4000-8000-0000000002f1', $1, $2, $3, $4, 'EUR', 1234, 4000, '2026-03-01', 'user:x')`,
    [w.orgA, w.customers.beta, w.invoices.beta1, w.connA],
  );
  // An overdue invoice of beta that no other endpoint pays or disputes, to ask fees on.
  await w.db.pool.query(
    `INSERT INTO invoices (id, organization_id, connection_id, external_id, customer_external_id, customer_id, currency, number, issue_date, due_date, total_minor, balance_minor, status)
     VALUES ('00000000-0000-4000-8000-0000000002f2', $1, $2, 'INV-C-BETA-FEES', 'C-BETA', $3, 'EUR', 'F-C-BETA-2', '2026-01-10', '2026-02-10', 50000, 50000, 'open')`,
    [w.orgA, w.connA, w.customers.beta],
  );
  // The collector's workspace: a hold to release, a task to complete, unapplied money of alpha to apply by hand.
  await w.db.pool.query(`INSERT INTO dunning_holds (id, organization_id, customer_id, reason) VALUES ('00000000-0000-4000-8000-0000000001b1', $1, $2, 'on the phone')`, [w.orgA, w.customers.alpha]);
  await w.db.pool.query(
    `INSERT INTO collector_tasks (id, organization_id, customer_id, title, due_date, assignee_id, created_by) VALUES ('00000000-0000-4000-8000-0000000001c1', $1, $2, 'Call back', '2026-03-01', $3, 'test')`,
    [w.orgA, w.customers.alpha, w.users.collectorA.id],
  );
  await w.db.pool.query(
    `INSERT INTO payments (id, organization_id, connection_id, external_id, customer_external_id, customer_id, currency, date, amount_minor, unapplied_minor)
     VALUES ('00000000-0000-4000-8000-0000000001f9', $1, $2, 'PAY-M9', 'C-ALPHA', $3, 'EUR', '2026-02-20', 5000, 5000)`,
    [w.orgA, w.connA, w.customers.alpha],
  );
  // A group of A alone, for the group reports.
  await w.db.pool.query(`INSERT INTO groups (id, name, reporting_currency) VALUES ('00000000-0000-4000-8000-0000000000e1', 'Holding A', 'EUR')`);
  await w.db.pool.query(`INSERT INTO group_memberships (group_id, organization_id) VALUES ('00000000-0000-4000-8000-0000000000e1', $1)`, [w.orgA]);
  // The inbox: an unfiled message to attach, and a reply of alpha with a stored attachment.
  await w.db.pool.query(
    `INSERT INTO inbox_messages (id, organization_id, direction, kind, customer_id, from_address, subject, text_body)
     VALUES ('00000000-0000-4000-8000-0000000000b1', $1, 'in', 'reply', NULL, 'who@else.example', 'Question', 'Bonjour'),
            ('00000000-0000-4000-8000-0000000000b2', $1, 'in', 'reply', $2, 'C-ALPHA@example.com', 'Re: Rappel', 'Voici le justificatif')`,
    [w.orgA, w.customers.alpha],
  );
  await w.db.pool.query(`INSERT INTO inbox_attachments (id, message_id, filename, content_type, size_bytes, content)
     VALUES ('00000000-0000-4000-8000-0000000000b3', '00000000-0000-4000-8000-0000000000b2', 'preuve.pdf', 'application/pdf', 4, '\\x25504446')`);
}, 60_000);
afterAll(() => w.close());

type Level = 'read' | 'collect' | 'administer';
interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: (w: World) => string;
  body?: (w: World) => unknown;
  level: Level;
  /** Expected success status for an allowed caller. */
  ok: number;
  /** Needs a write right but changes nothing (a template preview): no audit row expected. */
  changesNothing?: true;
}

const NOTES_EMAIL = { fields: { email: { firstOf: ['Notes', 'PrimaryEmailAddr.Address'] } } };
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const A = (w: World) => `/api/organizations/${w.orgA}`;
const scenario = { name: 'standard', steps: [{ offsetDays: 7, action: 'email', template: 'reminder-1' }] };

const ENDPOINTS: Record<string, Endpoint> = {
  'get organization': { method: 'GET', url: A, level: 'read', ok: 200 },
  'patch organization': { method: 'PATCH', url: A, body: () => ({ timezone: 'Europe/Paris' }), level: 'administer', ok: 200 },
  'correct source facts': { method: 'PUT', url: (w) => `${A(w)}/source-facts`, body: () => ({ baseCurrency: 'EUR', country: 'FR' }), level: 'administer', ok: 200 },
  'put branding': { method: 'PUT', url: (w) => `${A(w)}/branding`, body: () => ({ logoUrl: 'https://cdn.example.com/a.png', primaryColor: '#aa3300' }), level: 'administer', ok: 200 },
  'list members': { method: 'GET', url: (w) => `${A(w)}/members`, level: 'read', ok: 200 },
  'add member': { method: 'POST', url: (w) => `${A(w)}/members`, body: () => ({ email: 'new@a.example', role: 'viewer' }), level: 'administer', ok: 201 },
  'change role': { method: 'PUT', url: (w) => `${A(w)}/members/${w.users.viewerA.id}`, body: () => ({ role: 'viewer' }), level: 'administer', ok: 200 },
  'assign customers': { method: 'POST', url: (w) => `${A(w)}/members/${w.users.collectorA.id}/customers`, body: (w) => ({ customerIds: [w.customers.beta] }), level: 'administer', ok: 200 },
  'list customers': { method: 'GET', url: (w) => `${A(w)}/customers`, level: 'read', ok: 200 },
  'get customer': { method: 'GET', url: (w) => `${A(w)}/customers/${w.customers.alpha}`, level: 'read', ok: 200 },
  'customer timeline': { method: 'GET', url: (w) => `${A(w)}/customers/${w.customers.alpha}/timeline`, level: 'read', ok: 200 },
  'reminder as sent': { method: 'GET', url: (w) => `${A(w)}/customers/${w.customers.alpha}/sent-messages/00000000-0000-4000-8000-0000000000c9`, level: 'read', ok: 200 },
  'list invoices': { method: 'GET', url: (w) => `${A(w)}/invoices`, level: 'read', ok: 200 },
  'get invoice': { method: 'GET', url: (w) => `${A(w)}/invoices/${w.invoices.alpha1}`, level: 'read', ok: 200 },
  'list connections': { method: 'GET', url: (w) => `${A(w)}/connections`, level: 'read', ok: 200 },
  'get connection': { method: 'GET', url: (w) => `${A(w)}/connections/${w.connA}`, level: 'read', ok: 200 },
  'outbox': { method: 'GET', url: (w) => `${A(w)}/outbox`, level: 'read', ok: 200 },
  'retry outbox row': { method: 'POST', url: (w) => `${A(w)}/outbox/00000000-0000-4000-8000-0000000000a1/retry`, level: 'collect', ok: 200 },
  'list scenarios': { method: 'GET', url: (w) => `${A(w)}/scenarios`, level: 'read', ok: 200 },
  'get scenario': { method: 'GET', url: (w) => `${A(w)}/scenarios/standard`, level: 'read', ok: 200 },
  'validate scenario': { method: 'POST', url: (w) => `${A(w)}/scenarios/validate`, body: () => scenario, level: 'read', ok: 200 },
  'save scenario': { method: 'PUT', url: (w) => `${A(w)}/scenarios/standard`, body: () => scenario, level: 'administer', ok: 200 },
  'list portal links': { method: 'GET', url: (w) => `${A(w)}/customers/${w.customers.alpha}/portal-links`, level: 'read', ok: 200 },
  'issue portal link': { method: 'POST', url: (w) => `${A(w)}/customers/${w.customers.alpha}/portal-links`, body: () => ({ days: 30 }), level: 'collect', ok: 201 },
  'approval queue': { method: 'GET', url: (w) => `${A(w)}/actions/queue`, level: 'read', ok: 200 },
  'preview action': { method: 'GET', url: (w) => `${A(w)}/actions/00000000-0000-4000-8000-0000000000c1/preview`, level: 'read', ok: 200 },
  'edit action': { method: 'PATCH', url: (w) => `${A(w)}/actions/00000000-0000-4000-8000-0000000000c1`, body: () => ({ subject: 'Rappel' }), level: 'collect', ok: 200 },
  'approve actions': { method: 'POST', url: (w) => `${A(w)}/actions/approve`, body: () => ({ ids: ['00000000-0000-4000-8000-0000000000c1'] }), level: 'collect', ok: 200 },
  'reject actions': { method: 'POST', url: (w) => `${A(w)}/actions/reject`, body: () => ({ ids: ['00000000-0000-4000-8000-0000000000c2'], reason: 'already paid' }), level: 'collect', ok: 200 },
  'list disputes': { method: 'GET', url: (w) => `${A(w)}/disputes`, level: 'read', ok: 200 },
  'open dispute': { method: 'POST', url: (w) => `${A(w)}/disputes`, body: (w) => ({ invoiceIds: [w.invoices.alpha1], reason: 'not delivered' }), level: 'collect', ok: 201 },
  'close dispute': { method: 'POST', url: (w) => `${A(w)}/disputes/00000000-0000-4000-8000-0000000000d1/close`, body: () => ({ outcome: 'resolved', resolution: 'credit note issued' }), level: 'collect', ok: 200 },
  'list promises': { method: 'GET', url: (w) => `${A(w)}/customers/${w.customers.alpha}/promises`, level: 'read', ok: 200 },
  'record promise': { method: 'POST', url: (w) => `${A(w)}/customers/${w.customers.alpha}/promises`, body: () => ({ amount: '500.00', date: inDays(20) }), level: 'collect', ok: 201 },
  'create payment plan': { method: 'POST', url: (w) => `${A(w)}/customers/${w.customers.beta}/payment-plans`, body: () => ({ installments: [{ date: inDays(30), amount: '500.00' }, { date: inDays(60), amount: '500.00' }] }), level: 'collect', ok: 201 },
  'connect provider': { method: 'POST', url: (w) => `${A(w)}/connections`, body: () => ({ provider: 'quickbooks' }), level: 'administer', ok: 201 },
  'reconnect': { method: 'POST', url: (w) => `${A(w)}/connections/${w.connA}/reconnect`, level: 'administer', ok: 200 },
  'list unapplied suggestions': { method: 'GET', url: (w) => `${A(w)}/unapplied-suggestions`, level: 'read', ok: 200 },
  'dismiss suggestion': { method: 'POST', url: (w) => `${A(w)}/unapplied-suggestions/00000000-0000-4000-8000-0000000000f2/dismiss`, level: 'collect', ok: 200 },
  'accept suggestion': { method: 'POST', url: (w) => `${A(w)}/unapplied-suggestions/00000000-0000-4000-8000-0000000000f1/accept`, level: 'collect', ok: 200 },
  'refresh suggestions': { method: 'POST', url: (w) => `${A(w)}/unapplied-suggestions/refresh`, level: 'collect', ok: 200 },
  'list organization templates': { method: 'GET', url: (w) => `${A(w)}/templates`, level: 'read', ok: 200 },
  'get organization template': { method: 'GET', url: (w) => `${A(w)}/templates/sms/reminder-1/fr`, level: 'read', ok: 200 },
  'save organization template': { method: 'PUT', url: (w) => `${A(w)}/templates/sms/reminder-1/fr`, body: () => ({ source: 'Rappel : {{total}} reste dû.' }), level: 'administer', ok: 200 },
  'preview organization template': { method: 'POST', url: (w) => `${A(w)}/templates/sms/reminder-1/fr/preview`, body: () => ({ source: 'Rappel : {{total}}' }), level: 'administer', ok: 200, changesNothing: true },
  'reset organization template': { method: 'DELETE', url: (w) => `${A(w)}/templates/sms/reminder-1/fr`, level: 'administer', ok: 200 },
  'list mappings': { method: 'GET', url: (w) => `${A(w)}/connections/${w.connA}/mappings`, level: 'read', ok: 200 },
  'preview mapping': { method: 'POST', url: (w) => `${A(w)}/connections/${w.connA}/mappings/customer/preview`, body: () => ({ records: { QueryResponse: { Customer: [{ Id: '5', DisplayName: 'X', Notes: 'billing@x.fr' }] } }, override: NOTES_EMAIL }), level: 'read', ok: 200 },
  'mapping samples': { method: 'GET', url: (w) => `${A(w)}/connections/${w.connA}/mappings/customer/samples`, level: 'read', ok: 200 },
  'save mapping': { method: 'PUT', url: (w) => `${A(w)}/connections/${w.connA}/mappings/customer`, body: () => NOTES_EMAIL, level: 'administer', ok: 200 },
  'aging report': { method: 'GET', url: (w) => `${A(w)}/reports/aging?asOf=2026-03-01`, level: 'read', ok: 200 },
  'dso report': { method: 'GET', url: (w) => `${A(w)}/reports/dso?asOf=2026-03-01`, level: 'read', ok: 200 },
  'forecast report': { method: 'GET', url: (w) => `${A(w)}/reports/forecast?asOf=2026-03-01&weeks=8`, level: 'read', ok: 200 },
  'figures report': { method: 'GET', url: (w) => `${A(w)}/reports/figures?asOf=2026-03-01`, level: 'read', ok: 200 },
  'activity report': { method: 'GET', url: (w) => `${A(w)}/reports/activity?asOf=2026-03-01`, level: 'read', ok: 200 },
  'dso trend': { method: 'GET', url: (w) => `${A(w)}/reports/dso-trend?asOf=2026-03-01&months=12`, level: 'read', ok: 200 },
  ...Object.fromEntries(['aging', 'dso', 'forecast', 'figures'].map((r) => [`group ${r} report`, {
    method: 'GET', url: () => `/api/groups/00000000-0000-4000-8000-0000000000e1/reports/${r}?asOf=2026-03-01`, level: 'read', ok: 200,
  } satisfies Endpoint])),
  'get report schedule': { method: 'GET', url: (w) => `${A(w)}/report-schedule`, level: 'read', ok: 200 },
  'put report schedule': { method: 'PUT', url: (w) => `${A(w)}/report-schedule`, body: () => ({ recipients: ['dg@a.example'], weekday: 1, hour: 8, language: 'fr' }), level: 'administer', ok: 200 },
  'delete report schedule': { method: 'DELETE', url: (w) => `${A(w)}/report-schedule`, level: 'administer', ok: 200 },
  'get credit settings': { method: 'GET', url: (w) => `${A(w)}/credit/settings`, level: 'read', ok: 200 },
  'put credit settings': { method: 'PUT', url: (w) => `${A(w)}/credit/settings`, body: () => ({ holdPastDueDays: 90 }), level: 'administer', ok: 200 },
  'customer credit': { method: 'GET', url: (w) => `${A(w)}/customers/${w.customers.alpha}/credit`, level: 'read', ok: 200 },
  'ask for credit': { method: 'POST', url: (w) => `${A(w)}/customers/${w.customers.alpha}/credit/requests`, body: () => ({ kind: 'terms', termsDays: 45, reason: 'asked' }), level: 'collect', ok: 201 },
  'list credit requests': { method: 'GET', url: (w) => `${A(w)}/credit/requests`, level: 'read', ok: 200 },
  'approve credit request': { method: 'POST', url: (w) => `${A(w)}/credit/requests/00000000-0000-4000-8000-0000000000b1/approve`, body: () => ({}), level: 'administer', ok: 200 },
  'set insured limit': { method: 'PUT', url: (w) => `${A(w)}/customers/${w.customers.beta}/credit/insured-limit`, body: () => ({ amount: '800.00', currency: 'EUR' }), level: 'administer', ok: 200 },
  'get insurance policy': { method: 'GET', url: (w) => `${A(w)}/credit/insurance`, level: 'read', ok: 200 },
  'put insurance policy': { method: 'PUT', url: (w) => `${A(w)}/credit/insurance`, body: () => ({ insurer: 'Coface', insuredSharePercent: '90', maxExtensionDays: 60, declarationDeadlineDays: 150 }), level: 'administer', ok: 200 },
  'insurance exposure': { method: 'GET', url: (w) => `${A(w)}/credit/insurance/exposure`, level: 'read', ok: 200 },
  'debts to declare': { method: 'GET', url: (w) => `${A(w)}/credit/insurance/declarations`, level: 'read', ok: 200 },
  'credit alerts': { method: 'GET', url: (w) => `${A(w)}/credit/alerts`, level: 'read', ok: 200 },
  'credit review': { method: 'POST', url: (w) => `${A(w)}/credit/review`, level: 'collect', ok: 200 },
  'get scoring rules': { method: 'GET', url: (w) => `${A(w)}/credit/scoring`, level: 'read', ok: 200 },
  'preview scoring rules': { method: 'POST', url: (w) => `${A(w)}/credit/scoring/preview`, body: () => ({ maxLateness: 40 }), level: 'read', ok: 200 },
  'put scoring rules': { method: 'PUT', url: (w) => `${A(w)}/credit/scoring`, body: () => ({ maxLateness: 40 }), level: 'administer', ok: 200 },
  'score history': { method: 'GET', url: (w) => `${A(w)}/customers/${w.customers.alpha}/score-history`, level: 'read', ok: 200 },
  'list hand-overs': { method: 'GET', url: (w) => `${A(w)}/handovers`, level: 'read', ok: 200 },
  'delete insurance policy': { method: 'DELETE', url: (w) => `${A(w)}/credit/insurance`, level: 'administer', ok: 204 },
  'get mailbox': { method: 'GET', url: (w) => `${A(w)}/inbox/mailbox`, level: 'read', ok: 200 },
  'connect mailbox': { method: 'PUT', url: (w) => `${A(w)}/inbox/mailbox`, body: () => ({ host: '127.0.0.1', port: 1143, tls: false, username: 'relances', password: 'app-password', address: 'relances@a.example' }), level: 'administer', ok: 200 },
  'set reply policy': { method: 'PUT', url: (w) => `${A(w)}/inbox/policies/standard`, body: () => ({ onReply: 'notify', postponeOnOutOfOffice: true }), level: 'administer', ok: 200 },
  'unfiled messages': { method: 'GET', url: (w) => `${A(w)}/inbox/unfiled`, level: 'read', ok: 200 },
  'file unfiled message': { method: 'POST', url: (w) => `${A(w)}/inbox/messages/00000000-0000-4000-8000-0000000000b1/file`, body: (w) => ({ customerId: w.customers.alpha }), level: 'collect', ok: 200 },
  'conversation': { method: 'GET', url: (w) => `${A(w)}/customers/${w.customers.alpha}/conversation`, level: 'read', ok: 200 },
  'answer customer': { method: 'POST', url: (w) => `${A(w)}/customers/${w.customers.alpha}/conversation/answer`, body: () => ({ text: 'Merci, bien reçu.' }), level: 'collect', ok: 201 },
  'conversation handled': { method: 'POST', url: (w) => `${A(w)}/customers/${w.customers.alpha}/conversation/handled`, level: 'collect', ok: 200 },
  'add comment': { method: 'POST', url: (w) => `${A(w)}/customers/${w.customers.alpha}/comments`, body: () => ({ body: 'Voir avec @collector-a' }), level: 'collect', ok: 201 },
  'download attachment': { method: 'GET', url: (w) => `${A(w)}/inbox/attachments/00000000-0000-4000-8000-0000000000b3`, level: 'read', ok: 200 },
  'my notifications': { method: 'GET', url: (w) => `${A(w)}/notifications`, level: 'read', ok: 200 },
  'read notifications': { method: 'POST', url: (w) => `${A(w)}/notifications/read`, level: 'read', ok: 200 },
  'list notification channels': { method: 'GET', url: (w) => `${A(w)}/notification-channels`, level: 'read', ok: 200 },
  'add notification channel': { method: 'POST', url: (w) => `${A(w)}/notification-channels`, body: () => ({ kind: 'teams', name: 'Recouvrement', url: 'https://example.webhook.office.com/webhookb2/x' }), level: 'administer', ok: 201 },
  'worklist view': { method: 'GET', url: (w) => `${A(w)}/worklist-view`, level: 'read', ok: 200 },
  'save worklist view': { method: 'PUT', url: (w) => `${A(w)}/worklist-view`, body: () => ({ sort: 'overdue', direction: 'desc' }), level: 'read', ok: 200 },
  'customer holds': { method: 'GET', url: (w) => `${A(w)}/customers/${w.customers.alpha}/holds`, level: 'read', ok: 200 },
  'pause customer': { method: 'POST', url: (w) => `${A(w)}/customers/${w.customers.alpha}/holds`, body: () => ({ reason: 'waiting for the PO', until: inDays(10) }), level: 'collect', ok: 201 },
  'pause customers in bulk': { method: 'POST', url: (w) => `${A(w)}/holds`, body: (w) => ({ customerIds: [w.customers.alpha, w.customers.beta], reason: 'year-end freeze' }), level: 'collect', ok: 201 },
  'release hold': { method: 'POST', url: (w) => `${A(w)}/holds/00000000-0000-4000-8000-0000000001b1/release`, level: 'collect', ok: 200 },
  'add note': { method: 'POST', url: (w) => `${A(w)}/customers/${w.customers.alpha}/notes`, body: () => ({ body: 'asked for a copy' }), level: 'collect', ok: 201 },
  'log call': { method: 'POST', url: (w) => `${A(w)}/customers/${w.customers.alpha}/calls`, body: () => ({ outcome: 'voicemail' }), level: 'collect', ok: 201 },
  'create task': { method: 'POST', url: (w) => `${A(w)}/customers/${w.customers.alpha}/tasks`, body: (w) => ({ title: 'Send a copy', dueDate: inDays(3), assigneeId: w.users.collectorA.id }), level: 'collect', ok: 201 },
  'customer tasks': { method: 'GET', url: (w) => `${A(w)}/customers/${w.customers.alpha}/tasks`, level: 'read', ok: 200 },
  'my tasks': { method: 'GET', url: (w) => `${A(w)}/tasks`, level: 'read', ok: 200 },
  'complete task': { method: 'POST', url: (w) => `${A(w)}/tasks/00000000-0000-4000-8000-0000000001c1/done`, level: 'collect', ok: 200 },
  'list unapplied money': { method: 'GET', url: (w) => `${A(w)}/unapplied`, level: 'read', ok: 200 },
  'allocate by hand': { method: 'POST', url: (w) => `${A(w)}/unapplied/payment/00000000-0000-4000-8000-0000000001f9/allocate`, body: (w) => ({ allocations: [{ invoiceId: w.invoices.alpha1, amount: '10.00' }] }), level: 'collect', ok: 200 },
  'invoice fees': { method: 'GET', url: (w) => `${A(w)}/invoices/${w.invoices.alpha1}/fees`, level: 'read', ok: 200 },
  'list fee postings': { method: 'GET', url: (w) => `${A(w)}/fee-postings`, level: 'read', ok: 200 },
  'approve fee posting': { method: 'POST', url: (w) => `${A(w)}/fee-postings/00000000-0000-4000-8000-0000000002f1/approve`, body: () => ({ note: 'ok' }), level: 'administer', ok: 200 },
  'ask fee posting': { method: 'POST', url: (w) => `${A(w)}/fee-postings`, body: () => ({ invoiceId: '00000000-0000-4000-8000-0000000002f2' }), level: 'collect', ok: 201 },
  'set company number': { method: 'PUT', url: (w) => `${A(w)}/customers/${w.customers.alpha}/company-number`, body: () => ({ companyNumber: '01234567' }), level: 'administer', ok: 200 },
  'customer registry': { method: 'GET', url: (w) => `${A(w)}/customers/${w.customers.alpha}/registry`, level: 'read', ok: 200 },
  'check registry': { method: 'POST', url: (w) => `${A(w)}/customers/${w.customers.alpha}/registry/check`, level: 'collect', ok: 200 },
  // Stops alpha's reminders: after every endpoint that acts on them.
  'hand over': { method: 'POST', url: (w) => `${A(w)}/customers/${w.customers.alpha}/handover`, body: () => ({ kind: 'agency', party: 'Recouvre SA' }), level: 'administer', ok: 201 },
  // Last: it changes what the others see.
  'disconnect': { method: 'POST', url: (w) => `${A(w)}/connections/${w.connA}/disconnect`, level: 'administer', ok: 200 },
};

const ALLOWED: Record<Level, UserName[]> = {
  read: ['adminA', 'collectorA', 'viewerA', 'restrictedA'],
  collect: ['adminA', 'collectorA', 'restrictedA'],
  administer: ['adminA'],
};
const ROLES_OF_A: UserName[] = ['adminA', 'collectorA', 'viewerA', 'restrictedA'];

async function call(e: Endpoint, as: UserName) {
  const body = e.body?.(w);
  return w.app.inject({ method: e.method, url: e.url(w), headers: w.as(as), ...(body === undefined ? {} : { payload: body as object }) });
}

describe('access control of every endpoint', () => {
  for (const [name, e] of Object.entries(ENDPOINTS)) {
    it(`${name}: 404 for another organization's admin, 403 for roles without ${e.level}, ${e.ok} for the others`, async () => {
      const before = (await auditKinds(w, w.orgA)).length;
      const outsider = await call(e, 'adminB');
      expect(outsider.statusCode, outsider.body).toBe(404);
      expect(outsider.json().error.code).toBe('not_found');
      for (const role of ROLES_OF_A.filter((r) => !ALLOWED[e.level].includes(r))) {
        const refused = await call(e, role);
        expect(refused.statusCode, `${role}: ${refused.body}`).toBe(403);
        expect(refused.json().error).toMatchObject({ code: 'forbidden' });
      }
      // Refusals change nothing, so they leave no audit row either.
      expect((await auditKinds(w, w.orgA)).length).toBe(before);
      const allowed = await call(e, ALLOWED[e.level][0]!);
      expect(allowed.statusCode, allowed.body).toBe(e.ok);
      if (e.method !== 'GET' && e.level !== 'read' && !e.changesNothing) {
        // The change is audited with who made it (some cores add their own timeline row as well).
        const audit = await auditKinds(w, w.orgA);
        expect(audit.length).toBeGreaterThan(before);
        expect(audit.slice(0, audit.length - before).map((a) => a.actor)).toContain(`user:${w.users[ALLOWED[e.level][0]!].id}`);
      }
    });
  }

  it('without credentials every endpoint answers 401', async () => {
    for (const e of Object.values(ENDPOINTS)) {
      const body = e.body?.(w);
      const res = await w.app.inject({ method: e.method, url: e.url(w), ...(body === undefined ? {} : { payload: body as object }) });
      expect(res.statusCode, e.url(w)).toBe(401);
    }
  });

  it('an unknown organization id is 404 for everyone, as is a malformed one 400 naming the field', async () => {
    const res = await w.app.inject({ method: 'GET', url: '/api/organizations/00000000-0000-4000-8000-000000000000', headers: w.as('adminA') });
    expect(res.statusCode).toBe(404);
    const bad = await w.app.inject({ method: 'GET', url: '/api/organizations/not-a-uuid', headers: w.as('adminA') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('orgId');
  });
});
