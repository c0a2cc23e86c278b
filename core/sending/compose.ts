/**
 * Builds an action's message: loads the action with its customer, contact, organization and listed
 * invoices, renders the step's template in the contact's language, applies a collector's edit.
 * Shared by the approval preview and the send, so the collector approves what will leave.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { NotFound } from '../errors.ts';
import { toMinor } from '../money.ts';
import type { RenderedMessage, RenderMessageInput } from '../messages/index.ts';
import type { MessageOverride, SendDeps } from './types.ts';
import { uuidList } from './claim.ts';
import { stopFlagColumns, stopReasonOf, type SendStopReason, type StopFlags } from './stop-check.ts';

export interface ActionForSend {
  id: string; organization_id: string; customer_id: string; connection_id: string; status: string;
  channel: 'email' | 'sms' | 'letter' | 'task' | 'call' | 'escalate'; template: string; step: number;
  idempotency_key: string; scheduled_for: string; currency: string | null; claimed_by: string | null;
  details: { fees?: { interest: string; fixed: string }; override?: MessageOverride; scenario?: string };
  org_name: string; org_locale: string; org_country: string; org_timezone: string;
  customer_name: string; customer_ref: string; customer_language: string | null;
  email: string | null; phone: string | null; contact_name: string | null; contact_language: string | null;
  items: { externalId: string; number: string | null; issueDate: string | null; dueDate: string; currency: string; total: string; balance: string }[];
}

/**
 * The actions and everything their messages need, in one query, in the order of `actionIds`.
 * With `stopCheckAt`, the same query checks each action's stop rules at that instant (`stop`).
 */
export async function loadActionsForSend(
  db: Pick<Db, 'execute'>,
  actionIds: readonly string[],
  opts: { stopCheckAt?: Date } = {},
): Promise<(ActionForSend & { stop?: SendStopReason | null })[]> {
  if (actionIds.length === 0) return [];
  const flags = opts.stopCheckAt ? sql`, ${stopFlagColumns(opts.stopCheckAt)}` : sql``;
  const { rows } = await db.execute<ActionForSend & Partial<StopFlags> & Record<string, unknown>>(sql`
    SELECT a.id, a.organization_id, a.customer_id, c.connection_id, a.status::text AS status, a.channel::text AS channel,
           a.template, a.step, a.idempotency_key, a.scheduled_for, a.currency, a.claimed_by, a.details,
           o.name AS org_name, o.locale AS org_locale, o.country AS org_country, o.timezone AS org_timezone,
           c.name AS customer_name, c.external_id AS customer_ref, c.language AS customer_language,
           COALESCE(c.email, k.email) AS email, COALESCE(c.phone, k.phone) AS phone,
           k.name AS contact_name, k.language AS contact_language,
           (SELECT COALESCE(json_agg(json_build_object('externalId', i.external_id, 'number', i.number,
                     'issueDate', i.issue_date, 'dueDate', i.due_date, 'currency', i.currency,
                     'total', i.total_minor::text, 'balance', i.balance_minor::text) ORDER BY i.due_date, i.number), '[]')
              FROM action_invoices ai JOIN invoices i ON i.id = ai.invoice_id WHERE ai.action_id = a.id) AS items
           ${flags}
      FROM actions a
      JOIN customers c ON c.id = a.customer_id
      JOIN organizations o ON o.id = a.organization_id
      LEFT JOIN LATERAL (SELECT name, email, phone, language FROM contacts
                          WHERE customer_id = c.id ORDER BY (role = 'billing') DESC, created_at LIMIT 1) k ON true
     WHERE a.id = ANY(${uuidList(actionIds)})`);
  const byId = new Map(rows.map((r) => {
    const { stop_paid, stop_disputed, stop_promise, stop_paused, stop_hold, ...action } = r;
    const stop = opts.stopCheckAt ? stopReasonOf({ stop_paid: !!stop_paid, stop_disputed: !!stop_disputed, stop_promise: !!stop_promise, stop_paused: !!stop_paused, stop_hold: !!stop_hold }) : undefined;
    return [r.id, { ...(action as unknown as ActionForSend), ...(stop !== undefined && { stop }) }];
  }));
  return actionIds.flatMap((id) => byId.get(id) ?? []);
}

/** The action and everything its message needs, in one query. */
export async function loadActionForSend(db: Pick<Db, 'execute'>, actionId: string): Promise<ActionForSend> {
  const [row] = await loadActionsForSend(db, [actionId]);
  if (!row) throw new NotFound(`action ${actionId} not found`, { field: 'actionId' });
  return row;
}

/** The renderer's input for the action, on the date it is sent (or previewed). */
export function messageInput(a: ActionForSend, channel: 'email' | 'sms' | 'letter', date: string, portalUrl: string | null): RenderMessageInput {
  const currency = a.currency ?? a.items[0]?.currency ?? 'EUR';
  const fees = a.details.fees;
  return {
    templateName: a.template,
    channel,
    organization: { id: a.organization_id, name: a.org_name, language: a.org_locale, country: a.org_country },
    customer: { name: a.customer_name, reference: a.customer_ref, language: a.customer_language },
    contact: { name: a.contact_name, email: a.email, phone: a.phone, language: a.contact_language },
    items: a.items.map((i) => ({
      externalId: i.externalId, number: i.number ?? '', issueDate: i.issueDate ?? i.dueDate, dueDate: i.dueDate,
      currency: i.currency, total: BigInt(i.total), balance: BigInt(i.balance),
    })),
    fees: fees ? { currency, interest: toMinor(fees.interest, currency), fixed: toMinor(fees.fixed, currency) } : null,
    portalUrl,
    date,
    action: { id: a.id, customerId: a.customer_id },
  };
}

/** Renders the action's message and applies the collector's edit, if any. */
export async function composeMessage(deps: Pick<SendDeps, 'render' | 'portalUrl'>, a: ActionForSend, date: string): Promise<RenderedMessage> {
  if (a.channel !== 'email' && a.channel !== 'sms' && a.channel !== 'letter') {
    throw new NotFound(`action ${a.id}: a ${a.channel} step has no message`, { field: 'channel' });
  }
  const rendered = await deps.render(messageInput(a, a.channel, date, deps.portalUrl ?? null));
  const o = a.details.override;
  if (!o) return rendered;
  if (rendered.channel === 'email') return { ...rendered, ...o };
  return { ...rendered, ...(o.text !== undefined && { text: o.text }) };
}
